"""Kairos inside one session: its ticker, file watcher, daily log and turn bookkeeping.

One :class:`Kairos` lives in ``session.stash[RUNTIME]`` (see :mod:`corral_kairos.keys`). The hooks in
:mod:`corral_kairos.plugin` and the daemon both go through it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from corral.api import (
    AssistantMessage,
    Event,
    ToolFinished,
    ToolRequested,
    TurnEnded,
    UsageReported,
    UserMessage,
    project_root,
)

from corral_kairos.dailylog import open_log
from corral_kairos.settings import Settings
from corral_kairos.ticker import Ticker
from corral_kairos.watch import FileWatcher, relative_prefixes

if TYPE_CHECKING:
    from corral.api import Session

KEY = "kairos"
#: Turns kairos starts (and accounts for); ``user`` turns are the user's own.
KAIROS_ORIGINS = frozenset({"tick", "schedule", "bridge"})
_WRITE_TOOLS = frozenset({"Write", "Edit", "MultiEdit", "NotebookEdit"})


class TurnRecord:
    def __init__(self, origin: str, text: str) -> None:
        self.origin = origin
        self.prompt = text
        self.tools: list[str] = []
        self.reply = ""
        self.calls = 0


class Kairos:
    def __init__(
        self, session: Session, settings: Settings, *, clock: Callable[[], float] = time.time
    ) -> None:
        self.session = session
        self.settings = settings
        self.root = project_root(session.cwd)
        self.log = open_log(self.root)
        memory = [self.log.store.root]
        self.watcher = FileWatcher(self.root, ignore=memory) if settings.watch else None
        self.ticker = Ticker(settings, self.root, clock=clock, watcher=self.watcher,
                             jobs=self._finished_jobs, note=self._note,
                             quiet_paths=relative_prefixes(self.root, memory))
        self.turn: TurnRecord | None = None
        #: Scheduled prompts offered through ``corral_idle`` that no turn has started yet.
        self.offered: list[str] = []
        self._saved: tuple[str, int, float] | None = None
        #: Write tools requested and not finished yet: their paths, by tool_use_id.
        self._writing: dict[str, str] = {}
        self._started = False
        #: Called with each log line as well (the daemon's status, the bridge).
        self.on_note: list[Callable[[str], None]] = []

    async def ensure_started(self) -> None:
        if self._started:
            return
        self._started = True
        if self.watcher is not None:
            await self.watcher.start()
        await self.ticker.baseline()

    async def stop(self) -> None:
        if self.watcher is not None:
            await self.watcher.stop()

    async def idle_input(self) -> str | None:
        """What an idle session is offered: a due scheduled prompt first, else a tick.

        The REPL starts whatever ``corral_idle`` offers with origin ``tick``; a turn whose
        text is the first offered prompt is counted and logged as a ``schedule`` turn. An
        offer the user typed over stays offered until a turn takes it.
        """
        for item in self.ticker.take_schedules():
            if item.prompt not in self.offered:
                self.offered.append(item.prompt)
        if self.offered:
            return self.offered[0]
        return await self.ticker.poll()

    def _note(self, text: str) -> None:
        self.log.append(f"kairos: {text}", self.ticker.clock())
        for callback in self.on_note:
            callback(text)

    def _finished_jobs(self) -> list[str]:
        from corral.api import finished_jobs

        return [notice.text for notice in finished_jobs(self.session)]

    # -- events ---------------------------------------------------------------------------------

    def on_event(self, event: Event) -> None:
        if isinstance(event, UserMessage):
            self._begin(event)
        elif isinstance(event, ToolRequested):
            if self.turn is not None:
                self.turn.tools.append(event.name)
            path = event.input.get("file_path") or event.input.get("notebook_path")
            if self.watcher is not None and event.name in _WRITE_TOOLS and isinstance(path, str):
                self.watcher.ignore_own_write(path)
                self._writing[event.tool_use_id] = path
        elif isinstance(event, ToolFinished):
            path = self._writing.pop(event.tool_use_id, None)
            if self.watcher is not None and path is not None:
                self.watcher.ignore_own_write(path)  # the write happened just now
        elif isinstance(event, AssistantMessage) and self.turn is not None:
            text = "".join(b.get("text", "") for b in event.content if b.get("type") == "text")
            self.turn.reply = text or self.turn.reply
        elif isinstance(event, UsageReported) and self.turn is not None:
            self.turn.calls += 1
            tokens = event.input_tokens + event.output_tokens
            self.ticker.budget.record(self.ticker.clock(), tokens, event.cost_usd)
        elif isinstance(event, TurnEnded):
            self._end(event)

    def _begin(self, event: UserMessage) -> None:
        origin = event.origin
        if origin == "tick" and self.offered and event.text == self.offered[0]:
            self.offered.pop(0)
            origin = "schedule"
        if origin not in KAIROS_ORIGINS:
            self.turn = None
            self.ticker.wake("user input")
            self.ticker.busy_turn()
            return
        if origin == "bridge":
            self.ticker.wake("a bridge command")
        self.turn = TurnRecord(origin, event.text)
        session = self.session
        self._saved = (session.permission_mode, session.max_turns, session.max_budget_usd)
        session.permission_mode = self.settings.permission_mode
        now = self.ticker.clock()
        calls = self.ticker.budget.calls_left(now)
        if calls is not None:
            session.max_turns = max(1, calls)
        cost = self.ticker.budget.cost_left(now)
        if cost is not None:
            session.max_budget_usd = (session.cost_usd or 0.0) + max(cost, 1e-9)

    def _end(self, event: TurnEnded) -> None:
        turn, self.turn = self.turn, None
        if self._saved is not None:
            mode, max_turns, budget = self._saved
            self._saved = None
            self.session.permission_mode = mode
            self.session.max_turns = max_turns
            self.session.max_budget_usd = budget
        if turn is None:
            return
        if turn.origin == "tick" and not turn.tools:
            self.ticker.quiet_turn()
        tools = ", ".join(sorted(set(turn.tools))) or "no tools"
        first = turn.prompt.strip().splitlines()
        what = turn.prompt if turn.origin != "tick" else "; ".join(
            line.lstrip("- ") for line in first[2:-1]
        )
        reply = (turn.reply.strip().splitlines() or [""])[0][:200]
        self.log.append(
            f"{turn.origin} [{what[:160]}] -> {tools}; {turn.calls} calls; "
            f"{event.reason}: {reply}",
            self.ticker.clock(),
        )

    # -- display --------------------------------------------------------------------------------

    def status_line(self) -> str:
        c = self.ticker.counters
        parts = [f"kairos: ticks {c.ticks_run} run / {c.ticks_skipped} skipped"]
        if self.ticker.sleeping:
            left = self.ticker.sleep_until - self.ticker.clock()
            parts.append(f"sleeping {left:.0f}s ({self.ticker.sleep_reason})")
        status = self.ticker.status()
        if status["blocked"]:
            parts.append(f"paused: {status['blocked']}")
        return " | ".join(parts)


def runtime_of(session: Session, *, create: bool = True) -> Kairos | None:
    from corral_kairos.keys import RUNTIME

    found = session.stash.get(RUNTIME)
    if found is not None:
        return found
    if not create:
        return None
    settings = session.config.plugin_settings(KEY)
    if not isinstance(settings, Settings):
        settings = Settings()
    runtime = Kairos(session, settings)
    session.stash[RUNTIME] = runtime
    if settings.background_after_s > 0:
        from corral.api import AUTO_BACKGROUND_S

        session.stash[AUTO_BACKGROUND_S] = settings.background_after_s
    return runtime
