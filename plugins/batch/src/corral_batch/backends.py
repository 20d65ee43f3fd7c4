"""Where tasks run. A backend turns a task into an awaitable result; the driver decides how
many run at once, so both backends obey the same worker bound and budget."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from corral_batch.results import TaskResult
from corral_batch.tasks import Task


class Backend(Protocol):
    name: str

    async def start(self) -> None:
        """Get ready (connect to a cluster); called once before the first task."""

    async def run(self, task: Task) -> TaskResult:
        """Run one task to its result; cancelling it stops the task."""

    async def close(self) -> None:
        """Release what :meth:`start` took."""


class LocalBackend:
    """Each task is a coroutine of the driver that drives the task's child processes (git,
    setup, ``corral -p``); the driver's worker bound makes it a bounded process pool."""

    name = "local"

    def __init__(self, run_dir: Path) -> None:
        self.run_dir = run_dir

    async def start(self) -> None:
        return None

    async def run(self, task: Task) -> TaskResult:
        from corral_batch.runner import run_task

        return await run_task(task, self.run_dir, self.name)

    async def close(self) -> None:
        return None
