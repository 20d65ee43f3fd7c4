"""The daemon's loop, in-process: one headless session fed from a priority queue.

:class:`Daemon` owns an App, a Session and an Engine. Each round it queues the scheduled
prompts that came due (origin ``schedule``), takes the next queued input (user, bridge,
schedule, tick, in that order), runs it as a turn with that origin, and when the queue is
empty asks the ticker whether a tick is due. The process wrapper (pid file, lock,
signals) is :mod:`corral_kairos.process`; tests drive this class directly.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec
from corral.api import write_atomic

from corral_kairos.budget import BudgetState
from corral_kairos.dailylog import project_state_dir
from corral_kairos.permits import PermissionQueue
from corral_kairos.queue import InputQueue
from corral_kairos.settings import Settings

if TYPE_CHECKING:
    from corral.api import App, Engine, Event, Session

    from corral_kairos.bridge import Bridge
    from corral_kairos.runtime import Kairos

#: Seconds between state-file writes while idle.
STATE_EVERY_S = 10.0
#: Events of the turn in progress kept for a subscriber that comes in mid-turn.
REPLAY_MAX = 4000
#: Lines of today's daily log in a snapshot.
SNAPSHOT_LOG_LINES = 200


class DaemonState(msgspec.Struct, kw_only=True):
    """``state.json`` in the project's kairos state directory."""

    pid: int
    cwd: str
    session_id: str
    started_at: float
    updated_at: float
    running: bool
    current: str = ""
    queued: int = 0
    ticker: dict[str, Any] = msgspec.field(default_factory=dict)
    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float | None = None
    budget_state: BudgetState = msgspec.field(default_factory=BudgetState)
    bridge: dict[str, Any] = msgspec.field(default_factory=dict)


def read_state(state_dir: Path) -> DaemonState | None:
    try:
        return msgspec.json.decode((state_dir / "state.json").read_bytes(), type=DaemonState)
    except (OSError, msgspec.DecodeError, msgspec.ValidationError):
        return None


class Daemon:
    def __init__(
        self,
        cwd: Path,
        *,
        app: App | None = None,
        clock: Callable[[], float] = time.time,
        resume: bool = True,
    ) -> None:
        from corral.api import project_root

        self.cwd = cwd.resolve()
        self.root = project_root(self.cwd)
        self.state_dir = project_state_dir(self.root)
        self._app = app
        self.clock = clock
        self.resume = resume
        self.queue = InputQueue()
        self.stopping = asyncio.Event()
        self.started = asyncio.Event()
        self.session: Session
        self.engine: Engine
        self.runtime: Kairos
        self.settings: Settings
        self.bridge: Bridge | None = None
        self.started_at = time.time()
        self.current = ""
        self._turn: asyncio.Task[Any] | None = None
        self._subscribers: set[asyncio.Queue[bytes]] = set()
        self._replay: list[bytes] = []
        self._last_state = 0.0
        self.permissions: PermissionQueue

    # -- control (used by the bridge and signal handlers) ---------------------------------------

    def submit(self, origin: str, text: str) -> int:
        item = self.queue.put(origin, text)
        if origin != "tick":
            self.runtime.ticker.wake(f"{origin} input")
        return item.seq

    def request_stop(self) -> None:
        self.stopping.set()
        if self._turn is not None and not self._turn.done():
            self._turn.cancel()

    def interrupt(self, by: str) -> bool:
        """Cancel the turn in progress (it ends ``interrupted``); whether one was running."""
        if self._turn is None or self._turn.done():
            return False
        self.runtime.log.append(f"kairos: {self.current} interrupted from {by}")
        self._turn.cancel()
        return True

    def status_word(self) -> str:
        if self.current:
            return "working"
        return "sleeping" if self.runtime.ticker.sleeping else "idle"

    def snapshot(self) -> dict[str, Any]:
        """What the page shows besides the event stream: state, budgets, schedules, pending
        permission requests and the end of today's daily log."""
        path = self.runtime.log.path_for(self.clock())
        try:
            lines = path.read_text().splitlines()[-SNAPSHOT_LOG_LINES:]
        except OSError:
            lines = []
        return {
            "state": self.status_word(),
            "daemon": msgspec.to_builtins(self.state()),
            "permissions": msgspec.to_builtins(self.permissions.pending()),
            "permission_timeout_s": self.settings.permission_timeout_s,
            "log": lines,
            "log_path": str(path),
        }

    def replay(self) -> list[bytes]:
        """The events of the turn in progress (or the last one), for a new subscriber."""
        return list(self._replay)

    def subscribe(self) -> asyncio.Queue[bytes]:
        queue: asyncio.Queue[bytes] = asyncio.Queue(maxsize=1000)
        self._subscribers.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[bytes]) -> None:
        self._subscribers.discard(queue)

    def _broadcast(self, event: Event) -> None:
        self._send_all(msgspec.json.encode({"event": event}), event)

    def _announce(self, message: dict[str, Any]) -> None:
        self._send_all(msgspec.json.encode(message))

    def _send_all(self, data: bytes, event: Event | None = None) -> None:
        from corral.api import UserMessage

        if isinstance(event, UserMessage):
            self._replay.clear()
        if event is not None and len(self._replay) < REPLAY_MAX:
            self._replay.append(data)
        for queue in list(self._subscribers):
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(data)

    # -- the loop -------------------------------------------------------------------------------

    async def _open(self) -> None:
        from corral.api import App, Engine, Session

        from corral_kairos.keys import DAEMON, RUNTIME
        from corral_kairos.runtime import KEY, Kairos

        app = self._app or App.create(cwd=self.cwd, cli={"features": {KEY: True}})
        settings = app.config.plugin_settings(KEY)
        self.settings = settings if isinstance(settings, Settings) else Settings()
        if self.settings.bridge:
            from corral_kairos.bridge import tls_context

            tls_context(self.settings)  # a bridge beyond loopback without TLS: refuse early
        previous = read_state(self.state_dir) if self.resume else None
        session = Session(app, cwd=self.cwd, headless=True,
                          permission_mode=self.settings.permission_mode,
                          session_id=previous.session_id if previous else None)
        if previous is not None:
            self._restore(session)
        session.open_transcript()
        session.listeners.append(self._broadcast)
        runtime = Kairos(session, self.settings, clock=self.clock)
        if previous is not None:
            from corral_kairos.budget import Budget

            runtime.ticker.budget = Budget(
                calls_per_hour=self.settings.max_calls_per_hour,
                tokens_per_day=self.settings.max_tokens_per_day,
                cost_per_day_usd=self.settings.max_cost_per_day_usd,
                state=previous.budget_state,
            )
        session.stash[RUNTIME] = runtime
        session.stash[DAEMON] = True

        # a question of a daemon turn goes to the page and attach instead of being refused
        def note(text: str) -> None:
            runtime.log.append(f"kairos: {text}", self.clock())

        self.permissions = PermissionQueue(
            self.settings.permission_timeout_s, announce=self._announce, note=note,
            origin=lambda: runtime.turn.origin if runtime.turn is not None else "user")
        session.ask_permission = self.permissions.ask
        self.session, self.runtime = session, runtime
        self.engine = Engine(session)
        await session.start()
        await runtime.ensure_started()
        if self.settings.bridge:
            from corral_kairos.bridge import Bridge

            self.bridge = Bridge(self, self.settings, self.state_dir)
            await self.bridge.start()
        runtime.log.append(f"kairos: daemon started (pid {os.getpid()}, session {session.id})")

    def _restore(self, session: Session) -> None:
        from corral.api import ResumeError, find_transcript, restore

        try:
            restored = restore(find_transcript(session.cwd, session.id))
        except ResumeError:
            return
        session.messages = restored.messages
        session.totals = restored.totals()

    async def run(self) -> None:
        """Run until :meth:`request_stop`; always closes the session and writes the state."""
        await self._open()
        self.started.set()
        try:
            while not self.stopping.is_set():
                for due in self.runtime.ticker.take_schedules():
                    self.queue.put("schedule", due.prompt)
                item = self.queue.get_nowait()
                if item is not None:
                    await self._run_turn(item.origin, item.text)
                    continue
                # through the kernel's hook: kairos offers its tick there, and other plugins
                # (an automatic dream on its gates) get the daemon's idle moments too
                offered = await self.session.hooks.idle_input(self.session)
                if offered is not None:
                    self.queue.put(*offered)
                    continue
                self._maybe_write_state()
                await self._wait()
        finally:
            await self._close()

    async def _wait(self) -> None:
        ticker = self.runtime.ticker
        due = ticker.next_due()
        schedule = ticker.next_schedule_due()
        if schedule is not None:
            due = min(due, schedule)
        delay = min(self.settings.poll_s, max(0.01, due - ticker.clock()))
        waiters = [asyncio.ensure_future(self.queue.put_event.wait()),
                   asyncio.ensure_future(self.stopping.wait())]
        if self.runtime.watcher is not None:
            waiters.append(asyncio.ensure_future(self.runtime.watcher.changed_event.wait()))
        try:
            await asyncio.wait(waiters, timeout=delay, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()

    async def _run_turn(self, origin: str, text: str) -> None:
        limit = self.runtime.ticker.budget.exhausted(self.clock())
        if limit is not None:
            why = f"{origin} input dropped, budget reached ({limit[0]})"
            self.runtime.log.append(f"kairos: {why}")
            self._tell(why, origin, text)
            return
        self.current = f"{origin} turn"
        self._write_state()
        self._turn = asyncio.create_task(self.engine.run_turn(text, origin=origin))
        try:
            await self._turn
        except Exception as exc:  # a failed turn must not end the daemon
            why = f"{origin} turn failed: {type(exc).__name__}: {exc}"
            self.runtime.log.append(f"kairos: {why}")
            self._tell(why, origin, text)
        finally:
            self._turn = None
            self.current = ""
            self._write_state()

    def _tell(self, why: str, origin: str, text: str) -> None:
        """Tell subscribers an input will get no ``turn_end`` (dropped, or its turn failed)."""
        from corral.api import Notice

        self._broadcast(Notice(level="warning", text=f"kairos: {why}",
                               data={"origin": origin, "input": text}))

    async def _close(self) -> None:
        try:
            self.permissions.cancel_all()
            if self.bridge is not None:
                await self.bridge.stop()
            await self.engine.aclose()
            await self.session.end()
            await self.runtime.stop()
            self.runtime.log.append("kairos: daemon stopped")
        finally:
            self._write_state(running=False)

    # -- state ----------------------------------------------------------------------------------

    def _maybe_write_state(self) -> None:
        if time.monotonic() - self._last_state >= STATE_EVERY_S:
            self._write_state()

    def state(self, *, running: bool = True) -> DaemonState:
        usage = self.session.usage
        return DaemonState(
            pid=os.getpid(), cwd=str(self.cwd), session_id=self.session.id,
            started_at=self.started_at, updated_at=time.time(), running=running,
            current=self.current, queued=self.queue.qsize(), ticker=self.runtime.ticker.status(),
            calls=self.session.num_turns, input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens, cost_usd=self.session.cost_usd,
            budget_state=self.runtime.ticker.budget.state(),
            bridge=self.bridge.address() if self.bridge is not None else {},
        )

    def _write_state(self, *, running: bool = True) -> None:
        self._last_state = time.monotonic()
        write_atomic(self.state_dir / "state.json", msgspec.json.encode(self.state(running=running)),
                     mode=0o600)
