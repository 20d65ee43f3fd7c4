"""Scheduled prompts: ``every`` and cron entries come due on a fake clock and run as turns of
their own (origin ``schedule``), after user and bridge input and before ticks."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

import msgspec
from corral.api import App, Engine, Session
from corral.testing import MessagesServer, text
from corral_kairos.budget import Budget
from corral_kairos.daemon import Daemon
from corral_kairos.keys import RUNTIME
from corral_kairos.runtime import Kairos
from corral_kairos.settings import ScheduleEntry, Settings
from corral_kairos.ticker import Ticker

from .conftest import FakeClock, bounded, text_of, until

CI = ScheduleEntry(prompt="check the CI status", every="1m")


def test_every_entry_comes_due_and_never_rides_in_a_tick(project: Path) -> None:
    clock = FakeClock()
    ticker = Ticker(Settings(interval_s=5, heartbeat_s=50, schedule=[CI]), project,
                    clock=clock, git=None)

    async def scenario() -> tuple[list[str], str | None, list[str], list[str]]:
        await ticker.poll()
        clock.advance(30)
        early = [item.prompt for item in ticker.take_schedules()]
        clock.advance(31)
        tick = await ticker.poll()  # the heartbeat is due too
        due = [item.prompt for item in ticker.take_schedules()]
        again = [item.prompt for item in ticker.take_schedules()]
        return early, tick, due, again

    early, tick, due, again = asyncio.run(scenario())
    assert early == [] and due == ["check the CI status"] and again == []
    assert tick is not None and "check the CI status" not in tick
    assert ticker.next_schedule_due() == clock() + 60
    assert ticker.counters.schedules_run == 1


def test_cron_entry_runs_on_weekday_mornings(project: Path) -> None:
    monday = datetime(2026, 6, 1, 8, 59, 30).timestamp()
    clock = FakeClock(monday)
    entry = ScheduleEntry(prompt="write the standup notes", cron="0 9 * * 1-5")
    ticker = Ticker(Settings(schedule=[entry]), project, clock=clock, git=None)
    assert ticker.next_schedule_due() == datetime(2026, 6, 1, 9, 0).timestamp()
    clock.advance(20)
    assert ticker.take_schedules() == []
    clock.now = datetime(2026, 6, 1, 9, 0, 5).timestamp()
    assert [item.label for item in ticker.take_schedules()] == ["cron 0 9 * * 1-5"]
    assert ticker.next_schedule_due() == datetime(2026, 6, 2, 9, 0).timestamp()
    clock.now = datetime(2026, 6, 5, 9, 1).timestamp()  # Friday
    assert len(ticker.take_schedules()) == 1
    assert ticker.next_schedule_due() == datetime(2026, 6, 8, 9, 0).timestamp()  # Monday


def test_quiet_hours_and_budget_hold_a_schedule_but_a_sleep_does_not(project: Path) -> None:
    clock = FakeClock(datetime(2026, 6, 1, 21, 59, 30).timestamp())
    budget = Budget(calls_per_hour=1)
    ticker = Ticker(Settings(schedule=[CI], quiet_hours=["22:00-07:00"]), project,
                    clock=clock, git=None, budget=budget)
    clock.now = datetime(2026, 6, 1, 23, 0).timestamp()
    assert ticker.take_schedules() == []  # quiet: held, not lost
    clock.now = datetime(2026, 6, 2, 7, 0, 1).timestamp()
    budget.record(clock(), 10, 0.0)
    assert ticker.take_schedules() == []  # budget reached: held
    clock.advance(3600)
    ticker.sleep(7200, "nothing to do")
    assert [item.prompt for item in ticker.take_schedules()] == ["check the CI status"]
    assert ticker.sleeping  # the schedule did not end the Sleep


def test_daemon_runs_a_due_schedule_as_its_own_turn_before_a_tick(
    anthropic_server: MessagesServer, project: Path
) -> None:
    (project / ".claude" / "corral.toml").write_text(
        "[features]\nkairos = true\n[api]\nmax_retries = 0\n"
        "[plugins.kairos]\ninterval_s = 30\nheartbeat_s = 60\npoll_s = 0.02\nwatch = false\n"
        "bridge = false\n[[plugins.kairos.schedule]]\nevery = \"1m\"\n"
        "prompt = \"check the CI status\"\n"
    )
    anthropic_server.enqueue(text("CI is green"), text("nothing to do"))
    clock = FakeClock()

    async def scenario() -> tuple[Daemon, list[str]]:
        daemon = Daemon(project, clock=clock)
        events = daemon.subscribe()
        task = asyncio.create_task(daemon.run())
        await bounded(daemon.started.wait())
        await asyncio.sleep(0.1)
        assert anthropic_server.message_requests == []
        clock.advance(61)  # the schedule and the heartbeat are both due
        await until(lambda: len(anthropic_server.message_requests) == 2 and not daemon.current)
        daemon.request_stop()
        await bounded(task)
        origins = []
        while not events.empty():
            event = msgspec.json.decode(events.get_nowait())["event"]
            if event["type"] == "user_message":
                origins.append(event["origin"])
        return daemon, origins

    daemon, origins = asyncio.run(scenario())
    assert origins == ["schedule", "tick"]
    first, second = anthropic_server.message_requests
    assert text_of(first.messages[-1]["content"]) == "check the CI status"
    tick = text_of(second.messages[-1]["content"])
    assert tick.startswith("<tick>") and "check the CI status" not in tick
    status = daemon.state().ticker
    assert status["schedules_run"] == 1
    assert status["schedules"] == [{"label": "every 1m", "prompt": "check the CI status",
                                    "next_due": clock() + 60}]
    log = daemon.runtime.log.path_for(clock()).read_text()
    assert "schedule [check the CI status] -> no tools; 1 calls; success: CI is green" in log


def test_in_a_session_the_idle_hook_offers_a_due_schedule_and_logs_it_as_one(
    anthropic_server: MessagesServer, project: Path
) -> None:
    anthropic_server.enqueue(text("CI is red: test_x fails"))
    app = App.create(cwd=project, environ={}, cli={"features": {"kairos": True}})
    session = Session(app, headless=False)  # the REPL's session
    clock = FakeClock()
    runtime = Kairos(session, Settings(interval_s=600, watch=False, schedule=[CI]), clock=clock)
    runtime.ticker.git = None
    session.stash[RUNTIME] = runtime

    async def scenario() -> tuple[str | None, str | None, str | None]:
        engine = Engine(session)
        try:
            assert await app.host.idle(session) is None
            clock.advance(61)
            offered = await app.host.idle(session)
            kept = await app.host.idle(session)  # the user typed over it: offered again
            assert offered is not None
            await engine.run_turn(offered, origin="tick")  # how the REPL starts an offer
            return offered, kept, await app.host.idle(session)
        finally:
            await engine.aclose()

    offered, kept, after = asyncio.run(scenario())
    assert offered == kept == "check the CI status" and after is None
    assert runtime.offered == []
    assert runtime.ticker.counters.schedules_run == 1
    log = runtime.log.path_for(clock()).read_text()
    assert "schedule [check the CI status] -> no tools; 1 calls; success: CI is red" in log
