"""The tick decision: when a tick is due, what it says, and when it is skipped; and which
scheduled prompts are due.

:meth:`Ticker.poll` is cheap when nothing is due (a clock comparison and a dict check), so
the REPL can poll it every second. It never calls the model; it returns the tick's text or
``None``. The clock is injectable: tests pass ``clock=lambda: t``.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path

import msgspec

from corral_kairos.budget import Budget
from corral_kairos.settings import Settings
from corral_kairos.timing import QuietHours, Scheduled
from corral_kairos.watch import FileWatcher, GitState, describe_git, git_state, without

#: How many changed files a tick names before it only counts the rest.
MAX_FILES_LISTED = 20


class Counters(msgspec.Struct, kw_only=True):
    ticks_run: int = 0
    ticks_skipped: int = 0
    heartbeats: int = 0
    sleeps: int = 0
    wakes: int = 0
    budget_stops: int = 0
    quiet_skips: int = 0
    schedules_run: int = 0


class Ticker:
    """Decides, for one session, whether an idle moment becomes a ``<tick>`` message."""

    def __init__(
        self,
        settings: Settings,
        root: Path,
        *,
        clock: Callable[[], float] = time.time,
        watcher: FileWatcher | None = None,
        git: Callable[[Path], Awaitable[GitState | None]] | None = git_state,
        jobs: Callable[[], list[str]] | None = None,
        budget: Budget | None = None,
        note: Callable[[str], None] | None = None,
        quiet_paths: tuple[str, ...] = (),
    ) -> None:
        self.settings = settings
        self.root = root
        self.clock = clock
        self.watcher = watcher
        self.git = git
        self.jobs = jobs
        self.budget = budget or Budget(
            calls_per_hour=settings.max_calls_per_hour,
            tokens_per_day=settings.max_tokens_per_day,
            cost_per_day_usd=settings.max_cost_per_day_usd,
        )
        self.note = note or (lambda _text: None)
        #: Project-relative folders whose git status changes are not news (the memory folder).
        self.quiet_paths = quiet_paths
        self.quiet = QuietHours(settings.quiet_hours)
        now = clock()
        self.schedules = [Scheduled(s.prompt, every=s.every, cron=s.cron, now=now)
                          for s in settings.schedule]
        self.counters = Counters()
        self.interval = settings.interval_s
        self.last_tick = now
        self.last_run = now
        self.sleep_until = 0.0
        self.sleep_reason = ""
        self.blocked_until = 0.0
        self.blocked_reason = ""
        self._git_baseline: GitState | None = None
        self._baseline_taken = False

    # -- sleep ----------------------------------------------------------------------------------

    def sleep(self, seconds: float, reason: str) -> float:
        now = self.clock()
        self.sleep_until = now + max(0.0, seconds)
        self.sleep_reason = reason
        self.counters.sleeps += 1
        self.note(f"sleep {seconds:.0f}s: {reason}")
        return self.sleep_until

    def wake(self, why: str) -> bool:
        """End a Sleep early; returns whether one was running."""
        if self.sleep_until <= self.clock():
            return False
        self.sleep_until = 0.0
        self.counters.wakes += 1
        self.note(f"woken by {why}")
        return True

    @property
    def sleeping(self) -> bool:
        return self.sleep_until > self.clock()

    # -- the interval ---------------------------------------------------------------------------

    def quiet_turn(self) -> None:
        """A tick ran but nothing was done: wait longer next time."""
        self.interval = min(self.interval * self.settings.backoff, self.settings.max_interval_s)

    def busy_turn(self) -> None:
        self.interval = self.settings.interval_s

    def next_due(self) -> float:
        due = self.last_tick + self.interval
        if self.settings.heartbeat_s:  # a backed-off interval must not delay the heartbeat
            due = min(due, self.last_run + self.settings.heartbeat_s)
        if self.watcher is not None and self.watcher.pending():
            due = min(due, self.last_tick + self.settings.change_delay_s)
        return max(due, self.sleep_until, self.blocked_until)

    # -- the decision ---------------------------------------------------------------------------

    async def baseline(self) -> None:
        """Remember the git state, so the first tick reports only what changed after it."""
        if not self._baseline_taken:
            self._baseline_taken = True
            if self.git is not None:
                self._git_baseline = without(await self.git(self.root), self.quiet_paths)

    async def poll(self) -> str | None:
        """The tick text when a tick is due and something changed; else ``None``."""
        await self.baseline()
        now = self.clock()
        changed = self.watcher is not None and self.watcher.pending()
        if self.sleeping:
            if not changed:
                return None
            self.wake("a file change")
        if now < self.next_due():
            return None
        quiet_end = self.quiet.end_of_quiet(now)
        if quiet_end is not None:
            self.counters.quiet_skips += 1
            self.blocked_until, self.blocked_reason = quiet_end, "quiet hours"
            self.note(f"quiet hours until {_hm(quiet_end)}")
            return None
        limit = self.budget.exhausted(now)
        if limit is not None:
            why, resets = limit
            self.counters.budget_stops += 1
            self.blocked_until, self.blocked_reason = resets, f"budget: {why}"
            self.note(f"budget reached ({why}); no ticks until {_hm(resets)}")
            return None
        self.blocked_reason = ""
        self.last_tick = now
        lines = await self._digest(now)
        heartbeat = bool(self.settings.heartbeat_s) and now - self.last_run >= self.settings.heartbeat_s
        if not lines and not heartbeat:
            self.counters.ticks_skipped += 1
            self.quiet_turn()
            return None
        if not lines:
            self.counters.heartbeats += 1
            lines = ["nothing changed (heartbeat)"]
        self.counters.ticks_run += 1
        self.last_run = now
        self.busy_turn()
        return render_tick(now, lines)

    async def _digest(self, now: float) -> list[str]:
        lines: list[str] = []
        if self.watcher is not None:
            files = self.watcher.take()
            if files:
                names = sorted(files)
                shown = ", ".join(f"{n} ({files[n].lower()})" for n in names[:MAX_FILES_LISTED])
                more = f" and {len(names) - MAX_FILES_LISTED} more" if len(names) > MAX_FILES_LISTED else ""
                lines.append(f"files changed ({len(names)}): {shown}{more}")
        if self.git is not None:
            new = without(await self.git(self.root), self.quiet_paths)
            lines += [f"git: {line}" for line in describe_git(self._git_baseline, new)]
            if new is not None:
                self._git_baseline = new
        if self.jobs is not None:
            lines += [f"background job: {text}" for text in self.jobs()]
        return lines

    # -- scheduled prompts ----------------------------------------------------------------------

    def take_schedules(self) -> list[Scheduled]:
        """The schedule entries due now, each moved on to its next time.

        Scheduled prompts run as turns of their own (origin ``schedule``), not inside a tick.
        A Sleep does not hold them (the user asked for them); quiet hours and an exhausted
        budget do: the entry stays due and runs once when the pause ends.
        """
        now = self.clock()
        if not any(item.next_due <= now for item in self.schedules):
            return []
        if self.quiet.end_of_quiet(now) is not None or self.budget.exhausted(now) is not None:
            return []
        due = [item for item in self.schedules if item.take_if_due(now)]
        self.counters.schedules_run += len(due)
        return due

    def next_schedule_due(self) -> float | None:
        return min((item.next_due for item in self.schedules), default=None)

    def status(self) -> dict[str, object]:
        now = self.clock()
        return {
            **msgspec.structs.asdict(self.counters),
            "interval_s": self.interval,
            "sleeping_until": self.sleep_until if self.sleep_until > now else None,
            "sleep_reason": self.sleep_reason if self.sleep_until > now else "",
            "blocked": self.blocked_reason if self.blocked_until > now else "",
            "budget": self.budget.summary(now),
            "schedules": [{"label": item.label, "prompt": item.prompt, "next_due": item.next_due}
                          for item in self.schedules],
        }


def render_tick(now: float, lines: list[str]) -> str:
    """The ``<tick>`` message: the local time, then one line per change."""
    stamp = datetime.fromtimestamp(now).astimezone().strftime("%Y-%m-%d %H:%M:%S %Z (%A)")
    body = "\n".join(f"- {line}" for line in lines)
    return f"<tick>\nlocal time: {stamp}\n{body}\n</tick>"


def _hm(ts: float) -> str:
    return datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M")
