"""What the driver shows while it runs: a live progress display on a terminal (through the
kernel's console), one plain line per finished task otherwise."""

from __future__ import annotations

import time
from typing import Any

from corral.api import get_console

from corral_batch.driver import Tally
from corral_batch.results import TaskResult

_STYLE = {"success": "green", "error": "yellow", "failed": "red"}


def result_line(result: TaskResult) -> str:
    cost = "" if result.cost_usd is None else f" ${result.cost_usd:.4f}"
    why = f" - {result.error.splitlines()[0][:120]}" if result.error else ""
    return f"{result.status:7} {result.id} {result.duration_s:.1f}s{cost}{why}"


def _eta(tally: Tally, started: float) -> str:
    finished = tally.done
    left = tally.total - tally.skipped - finished
    if finished == 0 or left <= 0:
        return "-"
    seconds = (time.monotonic() - started) / finished * left
    return f"{int(seconds // 60)}m{int(seconds % 60):02d}s"


class ProgressView:
    """Feeds :class:`~corral_batch.driver.Batch` changes to the screen."""

    def __init__(self) -> None:
        self.console = get_console(stderr=True)
        self.started = time.monotonic()
        self._progress: Any = None
        self._bar: Any = None

    def __enter__(self) -> ProgressView:
        if self.console.is_terminal:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self._progress = Progress(TextColumn("batch"), BarColumn(), MofNCompleteColumn(),
                                      TextColumn("{task.fields[status]}"),
                                      console=self.console, transient=False)
            self._progress.start()
            self._bar = self._progress.add_task("batch", total=None, status="")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    def __call__(self, tally: Tally, result: TaskResult | None) -> None:
        if result is not None:
            self.console.print(result_line(result), style=_STYLE.get(result.status),
                               markup=False, highlight=False)
        if self._progress is not None:
            status = (f"running {tally.running}  failed {tally.failed}  "
                      f"${tally.spent_usd:.4f}  left {_eta(tally, self.started)}")
            self._progress.update(self._bar, total=tally.total,
                                  completed=tally.skipped + tally.done, status=status)
