"""The driver: start tasks up to the worker bound, record each result as it lands, stop on
budget or Ctrl-C."""

from __future__ import annotations

import asyncio
import signal
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path

import msgspec

from corral_batch.backends import Backend
from corral_batch.results import Recorded, TaskResult, append_result
from corral_batch.tasks import Task


class Tally(msgspec.Struct, kw_only=True):
    """Counts the progress display and the closing summary show."""

    total: int
    skipped: int = 0
    """Already in the results file (``--resume``)."""
    running: int = 0
    done: int = 0
    failed: int = 0
    """``error`` or ``failed`` results of this run."""
    spent_usd: float = 0.0
    """Cost of every result in the file, earlier runs' included."""
    left: int = 0
    """Not started: the budget ran out or the batch was interrupted."""
    interrupted: bool = False
    budget_reached: bool = False


class Batch:
    """One run of a task list against a backend, appending to the results descriptor."""

    def __init__(self, tasks: list[Task], recorded: Recorded, results_fd: int, backend: Backend,
                 *, workers: int, budget_usd: float | None,
                 on_change: Callable[[Tally, TaskResult | None], None] | None = None) -> None:
        self.pending = deque(t for t in tasks if t.id not in recorded.done)
        self.tally = Tally(total=len(tasks), skipped=len(tasks) - len(self.pending),
                           spent_usd=sum(r.cost_usd or 0.0 for r in recorded.done.values()))
        self.fd = results_fd
        self.backend = backend
        self.workers = max(1, workers)
        self.budget_usd = budget_usd
        self.on_change = on_change or (lambda tally, result: None)
        self.stop = asyncio.Event()

    def _over_budget(self) -> bool:
        return self.budget_usd is not None and self.tally.spent_usd >= self.budget_usd

    async def run(self) -> Tally:
        """Run until every task has a result, the budget is spent, or :attr:`stop` is set."""
        loop = asyncio.get_running_loop()
        handled = _catch_signals(loop, self._interrupt)
        running: dict[asyncio.Task[TaskResult], Task] = {}
        stopping = asyncio.ensure_future(self.stop.wait())
        try:
            await self.backend.start()
            while True:
                while (self.pending and len(running) < self.workers and not self.stop.is_set()
                       and not self._over_budget()):
                    task = self.pending.popleft()
                    running[asyncio.ensure_future(self.backend.run(task))] = task
                self.tally.running = len(running)
                self.on_change(self.tally, None)
                if not running:
                    break
                finished, _ = await asyncio.wait([*running, stopping],
                                                 return_when=asyncio.FIRST_COMPLETED)
                for future in finished:
                    if future is stopping:
                        continue
                    self._record(running.pop(future), future)  # type: ignore[arg-type]
                if self.stop.is_set():
                    await self._cancel(running)
                    break
        finally:
            stopping.cancel()
            await self._cancel(running)
            await self.backend.close()
            for sig in handled:
                loop.remove_signal_handler(sig)
        self.tally.running = 0
        self.tally.left = len(self.pending)
        self.tally.budget_reached = bool(self.pending) and self._over_budget()
        self.tally.interrupted = self.stop.is_set()
        self.on_change(self.tally, None)
        return self.tally

    def _record(self, task: Task, future: asyncio.Future[TaskResult]) -> None:
        try:
            result = future.result()
        except Exception as exc:  # the backend itself failed (a Ray worker died): the task failed
            result = _backend_failure(task, self.backend.name, exc)
        append_result(self.fd, result)
        self.tally.done += 1
        if result.status != "success":
            self.tally.failed += 1
        self.tally.spent_usd += result.cost_usd or 0.0
        self.on_change(self.tally, result)

    async def _cancel(self, running: dict[asyncio.Task[TaskResult], Task]) -> None:
        """End tasks still running; they are not recorded, so ``--resume`` runs them again."""
        if not running:
            return
        for future in running:
            future.cancel()
        await asyncio.gather(*running, return_exceptions=True)
        self.pending.extendleft(reversed(list(running.values())))
        running.clear()

    def _interrupt(self) -> None:
        self.stop.set()


def _catch_signals(loop: asyncio.AbstractEventLoop, handler: Callable[[], None]) -> list[int]:
    """Ctrl-C and SIGTERM stop the batch cleanly instead of killing the driver mid-write."""
    handled: list[int] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, handler)
        except (NotImplementedError, RuntimeError, ValueError):
            continue
        handled.append(sig)
    return handled


def _backend_failure(task: Task, backend: str, exc: Exception) -> TaskResult:
    return TaskResult(id=task.id, status="failed", result=None,
                      error=f"the {backend} backend could not run the task: "
                            f"{type(exc).__name__}: {exc}",
                      duration_s=0.0, cost_usd=None, transcript=None, workdir="",
                      exit_code=None, backend=backend, host="", started_at=round(time.time(), 3))


def default_run_dir(out: Path) -> Path:
    """``RESULTS.run/`` beside ``RESULTS.jsonl``."""
    return out.with_name(out.stem + ".run")
