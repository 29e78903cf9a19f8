"""Local engines: this process (``--jobs 1``), or a pool of worker processes (``--jobs N``)."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from reflow.batch import Outcome, Task, convert_task, failed

__all__ = ["ProcessEngine", "SerialEngine"]


class SerialEngine:
    """Converts the tasks one after the other, in this process."""

    def map(self, tasks: Sequence[Task]) -> Iterator[Outcome]:
        for task in tasks:
            yield convert_task(task)


class ProcessEngine:
    """Converts the tasks in ``jobs`` worker processes (started fresh, not forked), yielding outcomes as
    they finish. A worker that dies (killed, out of memory) costs only the input it was converting: the
    inputs in flight are retried one by one in a fresh process, and the one that kills it again gets an
    error record."""

    def __init__(self, jobs: int) -> None:
        self.jobs = max(1, jobs)

    def map(self, tasks: Sequence[Task]) -> Iterator[Outcome]:
        pending = list(reversed(tasks))
        context = multiprocessing.get_context("spawn")
        while pending:
            suspects: list[Task] = []
            pool = ProcessPoolExecutor(self.jobs, mp_context=context)
            running: dict[Future[Outcome], Task] = {}
            try:
                while pending or running:
                    while pending and len(running) < 2 * self.jobs:
                        task = pending.pop()
                        running[pool.submit(convert_task, task)] = task
                    finished, _ = wait(running, return_when=FIRST_COMPLETED)
                    for future in finished:
                        task = running.pop(future)
                        try:
                            outcome = future.result()
                        except BrokenProcessPool:
                            suspects.append(task)
                            continue
                        yield outcome
                    if suspects:
                        suspects.extend(running.values())
                        running.clear()
                        break
            finally:
                # Not waiting: on an interrupt or a dead worker nothing more is wanted from this pool.
                pool.shutdown(wait=False, cancel_futures=True)
            for task in sorted(suspects, key=lambda task: task.name):
                yield _alone(task, context)


def _alone(task: Task, context: multiprocessing.context.BaseContext) -> Outcome:
    """Convert ``task`` in a process of its own; an error outcome if that process dies too."""
    with ProcessPoolExecutor(1, mp_context=context) as pool:
        try:
            return pool.submit(convert_task, task).result()
        except BrokenProcessPool:
            return failed(task, "the process converting it died (killed, or out of memory)")
