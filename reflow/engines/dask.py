"""The Dask engine: the batch as a bag over its tasks, mapped with :func:`reflow.batch.convert_task` on a
Dask cluster (``--engine dask --scheduler ADDRESS``), or on a local cluster of worker processes.

Workers read the inputs by their absolute paths, so on a real cluster the inputs (and a rule file given
by path) must be on a file system every worker sees; outputs come back to this process, which writes them
and the manifest exactly as the local engines do. Needs the ``dask`` extra: ``pip install 'reflow[dask]'``.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator, Sequence
from typing import Any

from reflow.batch import Outcome, Task, convert_task, failed
from reflow.io import UsageError

__all__ = ["DaskEngine"]


class DaskEngine:
    """Maps the tasks over a bag on the cluster at ``scheduler`` (None: a local cluster of ``workers``
    processes), yielding the outcomes of each partition as it finishes."""

    def __init__(self, *, scheduler: str | None = None, workers: int = 1, partition_size: int | None = None):
        self.scheduler = scheduler
        self.workers = max(1, workers)
        self.partition_size = partition_size

    def map(self, tasks: Sequence[Task]) -> Iterator[Outcome]:
        if not tasks:
            return
        try:
            import dask.bag
            from distributed import Client, LocalCluster, as_completed
        except ImportError:
            raise UsageError(
                "--engine dask needs Dask: pip install 'reflow[dask]' (dask[bag] and distributed)"
            ) from None
        cluster: Any = None
        if self.scheduler is None:
            cluster = LocalCluster(
                n_workers=self.workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            client = Client(cluster)
        else:
            try:
                client = Client(self.scheduler, timeout=30)
            except (OSError, TimeoutError) as error:
                raise UsageError(f"cannot reach the Dask scheduler at {self.scheduler}: {error}") from None
        try:
            workers = max(1, len(client.scheduler_info().get("workers", {})))
            size = self.partition_size or max(1, min(16, math.ceil(len(tasks) / (4 * workers))))
            # from_sequence cuts the sequence into consecutive partitions of `size`: the same chunks
            bag = dask.bag.from_sequence(list(tasks), partition_size=size).map(convert_task)
            chunks = [list(tasks[start : start + size]) for start in range(0, len(tasks), size)]
            futures = client.compute(bag.to_delayed())
            chunk_of = {future.key: chunk for future, chunk in zip(futures, chunks, strict=True)}
            for future in as_completed(futures):
                chunk = chunk_of[future.key]
                try:
                    outcomes = future.result()
                except Exception as error:  # a partition whose workers kept dying: report, go on
                    message = f"the Dask task converting it failed ({type(error).__name__}: {error})"
                    outcomes = [failed(task, message) for task in chunk]
                yield from outcomes
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
