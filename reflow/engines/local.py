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
                    finished = _next_finished(pool, running)
                    if finished is None:  # a worker died and the pool did not notice
                        suspects.extend(running.values())
                        running.clear()
                        break
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


#: Seconds between looks at the workers while waiting, and how long a dead worker's pool may go on
#: without finishing anything before its tasks are taken for lost.
_POLL = 1.0
_GRACE = 10.0


def _next_finished(
    pool: ProcessPoolExecutor, running: dict[Future[Outcome], Task]
) -> set[Future[Outcome]] | None:
    """The futures that finish next, or ``None`` when a worker of ``pool`` has died and nothing finished
    for ``_GRACE`` seconds after: the executor marks its futures broken when a worker dies, but a worker
    killed at the wrong moment (while it starts, or holds the queue) can leave it waiting for ever."""
    dead_for = 0.0
    while True:
        finished, _ = wait(running, timeout=_POLL, return_when=FIRST_COMPLETED)
        if finished:
            return finished
        workers = getattr(pool, "_processes", None) or {}
        if any(process.exitcode is not None for process in list(workers.values())):
            dead_for += _POLL
            if dead_for >= _GRACE:
                return None
        else:
            dead_for = 0.0


def _alone(task: Task, context: multiprocessing.context.BaseContext) -> Outcome:
    """Convert ``task`` in a process of its own; an error outcome if that process dies too."""
    with ProcessPoolExecutor(1, mp_context=context) as pool:
        try:
            return pool.submit(convert_task, task).result()
        except BrokenProcessPool:
            return failed(task, "the process converting it died (killed, or out of memory)")
