"""The Dask engine: the batch as a bag over its tasks, mapped with :func:`reflow.batch.convert_task` on a
Dask cluster (``--engine dask --scheduler ADDRESS``), or on a local cluster of worker processes.

Workers read the inputs by their absolute paths, so on a real cluster the inputs (and a rule file given
by path) must be on a file system every worker sees, and every worker needs reflow installed (the same
version: the manifest records it). Outputs come back to this process, which writes them and the manifest
exactly as the local engines do. Needs the ``dask`` extra: ``pip install 'reflow[dask]'``.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator, Sequence
from typing import Any

from reflow.batch import Outcome, Task, convert_task, failed
from reflow.io import UsageError

__all__ = ["CONNECT_TIMEOUT", "DaskEngine"]

#: Seconds to wait for the scheduler at ``--scheduler ADDRESS``.
CONNECT_TIMEOUT = 10.0
#: Most tasks in one partition of the bag (fewer when there are few tasks per worker).
MAX_PARTITION = 16


def _dask() -> Any:
    try:
        import dask.bag
        import distributed
    except ImportError:
        raise UsageError(
            "--engine dask needs Dask: pip install 'reflow[dask]' (dask[bag] and distributed)"
        ) from None
    return dask.bag, distributed


class DaskEngine:
    """Maps the tasks over a bag on the cluster at ``scheduler`` (None: a local cluster of ``workers``
    processes, started when the batch starts), yielding the outcomes of each partition as it finishes.

    With a scheduler, it connects at once, so that an unreachable one is an error before anything runs.
    """

    def __init__(self, *, scheduler: str | None = None, workers: int = 1) -> None:
        self.scheduler = scheduler
        self.workers = max(1, workers)
        self.client: Any = None
        if scheduler is not None:
            _bag, distributed = _dask()
            try:
                self.client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT)
            except (OSError, TimeoutError) as error:
                raise UsageError(f"cannot reach the Dask scheduler at {scheduler}: {error}") from None

    def map(self, tasks: Sequence[Task]) -> Iterator[Outcome]:
        bag, distributed = _dask()
        cluster: Any = None
        client = self.client
        if not tasks:  # everything up to date: no cluster to start
            if client is not None:
                client.close()
                self.client = None
            return
        if client is None:
            cluster = distributed.LocalCluster(
                n_workers=self.workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            client = distributed.Client(cluster)
        try:
            workers = max(1, len(client.scheduler_info().get("workers", {})))
            size = max(1, min(MAX_PARTITION, math.ceil(len(tasks) / (4 * workers))))
            # from_sequence cuts the tasks into consecutive partitions of `size`: these chunks
            chunks = [list(tasks[start : start + size]) for start in range(0, len(tasks), size)]
            outcomes = bag.from_sequence(list(tasks), partition_size=size).map(convert_task)
            futures = client.compute(outcomes.to_delayed())
            chunk_of = {future.key: chunk for future, chunk in zip(futures, chunks, strict=True)}
            for future in distributed.as_completed(futures):
                try:
                    done = future.result()
                except Exception as error:  # a partition whose workers kept dying: report it, go on
                    message = f"the Dask task converting it failed ({type(error).__name__}: {error})"
                    done = [failed(task, message) for task in chunk_of[future.key]]
                yield from done
        finally:
            client.close()
            self.client = None
            if cluster is not None:
                cluster.close()
