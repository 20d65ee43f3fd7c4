"""Kairos inside a session, against the scripted Messages API: the idle hook, the Sleep tool,
the permission mode of tick-started work, and the budget stopping a turn."""

from __future__ import annotations

import asyncio
from pathlib import Path

from corral.api import App, Engine, Event, PermissionDecided, Session
from corral.testing import MessagesServer, text, tool_use
from corral_kairos.keys import RUNTIME
from corral_kairos.runtime import Kairos, runtime_of
from corral_kairos.settings import Settings

from .conftest import FakeClock


def new_session(project: Path, mode: str = "default", **kairos: object) -> Session:
    app = App.create(cwd=project, environ={},
                     cli={"features": {"kairos": True}, "plugins": {"kairos": kairos}})
    return Session(app, headless=True, permission_mode=mode)


def test_idle_hook_offers_a_tick_only_when_something_changed(project: Path) -> None:
    session = new_session(project, interval_s=5, watch=False)
    session.headless = False  # the REPL's session: the one kairos ticks
    clock = FakeClock()
    settings = session.config.plugin_settings("kairos")
    assert isinstance(settings, Settings) and settings.interval_s == 5
    runtime = Kairos(session, settings, clock=clock)
    runtime.ticker.git = None
    session.stash[RUNTIME] = runtime

    async def scenario() -> list[str | None]:
        first = await session.app.host.idle(session)
        clock.advance(6)
        quiet = await session.app.host.idle(session)
        runtime.ticker.schedules = []
        runtime.ticker.settings = Settings(interval_s=5, heartbeat_s=1, watch=False)
        clock.advance(11)
        beat = await session.app.host.idle(session)
        return [first, quiet, beat]

    first, quiet, beat = asyncio.run(scenario())
    assert first is None and quiet is None
    assert beat is not None and beat.startswith("<tick>")
    assert runtime.ticker.counters.ticks_skipped == 1


def test_sleep_tool_through_the_model_and_user_input_wakes_it(
    anthropic_server: MessagesServer, project: Path
) -> None:
    anthropic_server.enqueue(
        tool_use("Sleep", {"seconds": 600, "reason": "waiting for CI"}), text("sleeping"),
        text("hi"),
    )
    session = new_session(project, watch=False)

    async def scenario() -> tuple[bool, bool, str]:
        engine = Engine(session)
        try:
            outcome = await engine.run_turn("<tick>\nlocal time: now\n- x\n</tick>", origin="tick")
            runtime = runtime_of(session)
            assert runtime is not None
            asleep = runtime.ticker.sleeping
            await engine.run_turn("hello", origin="user")
            return asleep, runtime.ticker.sleeping, outcome.result
        finally:
            await engine.aclose()

    asleep, still, result = asyncio.run(scenario())
    assert asleep is True and still is False and result == "sleeping"
    first = anthropic_server.message_requests[0].body
    assert any(t["name"] == "Sleep" for t in first["tools"])
    assert any("<tick> messages" in block["text"] for block in first["system"])
    tool_result = anthropic_server.message_requests[1].messages[-1]["content"][0]
    assert tool_result["content"].startswith("Sleeping until ")
    runtime = runtime_of(session)
    assert runtime is not None and runtime.ticker.counters.wakes == 1
    log = runtime.log.path_for(runtime.ticker.clock()).read_text()
    assert "kairos: sleep 600s: waiting for CI" in log
    assert "tick [x] -> Sleep; 2 calls; success: sleeping" in log


def test_tick_work_runs_under_plan_mode_and_the_user_mode_comes_back(
    anthropic_server: MessagesServer, project: Path
) -> None:
    write = {"file_path": str(project / "out.txt"), "content": "x"}
    anthropic_server.enqueue(tool_use("Write", write), text("could not"),
                             tool_use("Write", write), text("done"))
    session = new_session(project, mode="acceptEdits", watch=False)
    decisions: list[PermissionDecided] = []

    def listen(event: Event) -> None:
        if isinstance(event, PermissionDecided):
            decisions.append(event)

    session.listeners.append(listen)

    async def scenario() -> str:
        engine = Engine(session)
        try:
            await engine.run_turn("<tick>\nlocal time: now\n- y\n</tick>", origin="tick")
            after_tick = session.permission_mode
            await engine.run_turn("please write it", origin="user")
            return after_tick
        finally:
            await engine.aclose()

    after_tick = asyncio.run(scenario())
    assert after_tick == "acceptEdits"
    assert [d.decision for d in decisions] == ["deny", "allow"]
    assert "plan" in decisions[0].reason
    assert (project / "out.txt").read_text() == "x"  # written by the user's turn only


def test_hourly_call_budget_stops_a_tick_turn_midway(
    anthropic_server: MessagesServer, project: Path
) -> None:
    anthropic_server.enqueue(tool_use("Glob", {"pattern": "*"}), tool_use("Glob", {"pattern": "*"}),
                             text("never reached"))
    session = new_session(project, watch=False, max_calls_per_hour=1)

    async def scenario() -> str:
        engine = Engine(session)
        try:
            outcome = await engine.run_turn("<tick>\nlocal time: now\n- z\n</tick>", origin="tick")
            return outcome.subtype
        finally:
            await engine.aclose()

    assert asyncio.run(scenario()) == "error_max_turns"
    assert len(anthropic_server.message_requests) == 1
    runtime = runtime_of(session)
    assert runtime is not None
    assert runtime.ticker.budget.calls_left(runtime.ticker.clock()) == 0
    assert session.max_turns == 0  # the user's own limit is back


def test_finished_background_job_is_a_tick_event(project: Path) -> None:
    from corral.tools.builtin.bash_jobs import jobs_of, start_job

    from .conftest import until

    session = new_session(project, watch=False, interval_s=5)
    clock = FakeClock()
    runtime = Kairos(session, Settings(interval_s=5, watch=False), clock=clock)
    runtime.ticker.git = None

    async def scenario() -> str | None:
        await runtime.ticker.poll()
        job = await start_job(session, "echo built", "build")
        await until(lambda: job.status != "running")
        clock.advance(6)
        text = await runtime.ticker.poll()
        assert jobs_of(session).jobs[job.id].reported
        return text

    text = asyncio.run(scenario())
    assert text is not None
    assert "- background job: Background job bash_1 ('echo built') exited with code 0." in text


def test_kairos_moves_long_shell_commands_to_the_background(tmp_path: Path) -> None:
    from corral.api import AUTO_BACKGROUND_S, App, Session
    from corral_kairos.runtime import runtime_of

    app = App.create(cwd=tmp_path, environ={}, cli={
        "features": {"kairos": True}, "plugins": {"kairos": {"background_after_s": 7.5}}})
    session = Session(app, headless=True)
    runtime_of(session)
    assert session.stash[AUTO_BACKGROUND_S] == 7.5


def test_a_headless_run_never_ticks(project: Path) -> None:
    """`corral -p` answers and ends: kairos offers nothing there (the daemon ticks itself)."""
    session = new_session(project, interval_s=0.01, watch=False, heartbeat_s=0.01)
    assert session.headless
    assert asyncio.run(session.app.host.idle(session)) is None
