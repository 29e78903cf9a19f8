"""Engines: where :func:`reflow.batch.convert_task` runs — here, in local processes, or on a Dask cluster.

An engine maps that one function over the tasks and yields the outcomes as they finish, in any order;
:func:`reflow.batch.run` writes them. Outputs do not depend on the engine.
"""

from __future__ import annotations

from reflow.batch import Engine
from reflow.engines.local import ProcessEngine, SerialEngine

__all__ = ["ENGINES", "ProcessEngine", "SerialEngine", "make_engine"]

ENGINES = ("local", "dask")


def make_engine(name: str, *, jobs: int = 1, scheduler: str | None = None) -> Engine:
    """The engine called ``name``: ``local`` (``jobs`` processes; 1: this process) or ``dask``."""
    if name == "dask":
        from reflow.engines.dask import DaskEngine

        return DaskEngine(scheduler=scheduler, workers=jobs)
    if jobs <= 1:
        return SerialEngine()
    return ProcessEngine(jobs)
