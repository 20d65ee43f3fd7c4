"""When a tick fires, what it says, and when it is skipped (fake clock, real watcher)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

from corral_kairos.budget import Budget
from corral_kairos.settings import Settings
from corral_kairos.ticker import Ticker
from corral_kairos.watch import FileWatcher

from .conftest import FakeClock, git, until


def test_tick_skipped_when_nothing_changed_and_interval_grows(git_project: Path) -> None:
    clock = FakeClock()
    notes: list[str] = []
    ticker = Ticker(Settings(interval_s=10, backoff=2, max_interval_s=25), git_project,
                    clock=clock, note=notes.append)

    async def scenario() -> list[str | None]:
        results = [await ticker.poll()]  # baseline; not due yet
        clock.advance(10)
        results.append(await ticker.poll())
        clock.advance(10)
        results.append(await ticker.poll())  # interval is 20 now: not due
        clock.advance(10)
        results.append(await ticker.poll())
        return results

    assert asyncio.run(scenario()) == [None, None, None, None]
    assert ticker.counters.ticks_skipped == 2 and ticker.counters.ticks_run == 0
    assert ticker.interval == 25  # 10 -> 20 -> capped at 25


def test_heartbeat_ticks_without_changes(project: Path) -> None:
    clock = FakeClock()
    ticker = Ticker(Settings(interval_s=5, heartbeat_s=30), project, clock=clock, git=None)

    async def scenario() -> str | None:
        await ticker.poll()
        clock.advance(31)
        return await ticker.poll()

    text = asyncio.run(scenario())
    assert text is not None and text.startswith("<tick>\nlocal time: ")
    assert "nothing changed (heartbeat)" in text
    assert ticker.counters.heartbeats == 1


def test_digest_names_changed_files_and_honours_gitignore(git_project: Path) -> None:
    clock = FakeClock()

    async def scenario() -> str | None:
        watcher = FileWatcher(git_project)
        ticker = Ticker(Settings(interval_s=60, change_delay_s=1), git_project, clock=clock,
                        watcher=watcher, git=None)
        await watcher.start()
        try:
            await ticker.poll()
            (git_project / "build.log").write_text("ignored\n")
            (git_project / "notes.txt").write_text("new\n")
            await until(lambda: "notes.txt" in watcher.changed)
            await asyncio.sleep(0.2)  # let the ignored file's batch arrive too
            assert await ticker.poll() is None  # the change delay has not passed yet
            clock.advance(1.5)
            return await ticker.poll()
        finally:
            await watcher.stop()

    text = asyncio.run(scenario())
    assert text is not None
    assert "- files changed (1): notes.txt (added)" in text
    assert "build.log" not in text


def test_digest_reports_git_head_and_branch_change(git_project: Path) -> None:
    clock = FakeClock()
    ticker = Ticker(Settings(interval_s=5), git_project, clock=clock)
    old_head = git(git_project, "rev-parse", "HEAD")

    async def scenario() -> str | None:
        await ticker.poll()
        git(git_project, "checkout", "-q", "-b", "feature")
        git(git_project, "commit", "-q", "--allow-empty", "-m", "second")
        clock.advance(6)
        return await ticker.poll()

    text = asyncio.run(scenario())
    new_head = git(git_project, "rev-parse", "HEAD")
    assert text is not None
    assert "- git: branch main -> feature" in text
    assert f"- git: HEAD {old_head[:10]} -> {new_head[:10]}" in text


def test_sleep_holds_ticks_until_it_ends(project: Path) -> None:
    clock = FakeClock()
    ticker = Ticker(Settings(interval_s=5, heartbeat_s=1), project, clock=clock, git=None)

    async def scenario() -> list[bool]:
        await ticker.poll()
        ticker.sleep(100, "waiting for CI")
        clock.advance(50)
        during = await ticker.poll()
        clock.advance(51)
        after = await ticker.poll()
        return [during is None, after is not None]

    assert asyncio.run(scenario()) == [True, True]
    assert ticker.counters.sleeps == 1


def test_file_change_wakes_a_sleep(project: Path) -> None:
    clock = FakeClock()

    async def scenario() -> str | None:
        watcher = FileWatcher(project)
        ticker = Ticker(Settings(interval_s=5, change_delay_s=0), project, clock=clock,
                        watcher=watcher, git=None)
        await watcher.start()
        try:
            await ticker.poll()
            ticker.sleep(3600, "nothing to do")
            clock.advance(10)
            assert await ticker.poll() is None and ticker.sleeping
            (project / "wake.txt").write_text("x")
            await until(watcher.pending)
            return await ticker.poll()
        finally:
            await watcher.stop()

    text = asyncio.run(scenario())
    assert text is not None and "wake.txt" in text


def test_budget_exhausted_stops_ticks_until_reset(project: Path) -> None:
    clock = FakeClock()
    notes: list[str] = []
    budget = Budget(calls_per_hour=1)
    ticker = Ticker(Settings(interval_s=5, heartbeat_s=1), project, clock=clock, git=None,
                    budget=budget, note=notes.append)

    async def scenario() -> list[bool]:
        await ticker.poll()
        budget.record(clock(), 100, 0.0)
        clock.advance(10)
        blocked = await ticker.poll()
        clock.advance(3600)
        resumed = await ticker.poll()
        return [blocked is None, resumed is not None]

    assert asyncio.run(scenario()) == [True, True]
    assert ticker.counters.budget_stops == 1
    assert any(n.startswith("budget reached (1 model calls in the last hour)") for n in notes)


def test_quiet_hours_hold_ticks(project: Path) -> None:
    clock = FakeClock(datetime(2026, 6, 1, 23, 0).timestamp())
    notes: list[str] = []
    ticker = Ticker(Settings(interval_s=5, heartbeat_s=1, quiet_hours=["22:00-07:00"]), project,
                    clock=clock, git=None, note=notes.append)

    async def scenario() -> list[bool]:
        await ticker.poll()
        clock.advance(60)
        night = await ticker.poll()
        clock.now = datetime(2026, 6, 2, 7, 0, 5).timestamp()
        morning = await ticker.poll()
        return [night is None, morning is not None]

    assert asyncio.run(scenario()) == [True, True]
    assert ticker.counters.quiet_skips == 1
    assert notes == ["quiet hours until 2026-06-02 07:00"]


def test_heartbeat_holds_after_the_interval_backed_off(project: Path) -> None:
    clock = FakeClock()
    ticker = Ticker(Settings(interval_s=10, backoff=10, max_interval_s=3600, heartbeat_s=60),
                    project, clock=clock, git=None)

    async def scenario() -> list[str | None]:
        results = [await ticker.poll()]
        clock.advance(10)
        results.append(await ticker.poll())  # skipped: the interval grows to 100 s
        clock.advance(50)  # 60 s since the last run: the heartbeat is due
        results.append(await ticker.poll())
        return results

    first, skipped, beat = asyncio.run(scenario())
    assert first is None and skipped is None
    assert ticker.interval == 10  # a tick ran, so the interval is back to its start
    assert beat is not None and "nothing changed (heartbeat)" in beat
    assert ticker.next_due() <= clock() + 60


def test_the_watcher_reports_an_atomic_write_as_its_target_and_an_own_write_not_at_all(
    project: Path,
) -> None:
    from corral.api import write_atomic

    async def scenario() -> tuple[dict[str, str], dict[str, str]]:
        watcher = FileWatcher(project)
        await watcher.start()
        try:
            write_atomic(project / "plan.md", "step one\n")
            await until(lambda: "plan.md" in watcher.changed)
            await asyncio.sleep(0.3)  # any later batch of the same write
            first = watcher.take()
            # the agent's own write, announced before it happens and seen after a tick looked
            watcher.ignore_own_write(str(project / "own.md"))
            assert watcher.take() == {}
            write_atomic(project / "own.md", "mine\n")
            (project / "theirs.md").write_text("yours\n")
            await until(lambda: "theirs.md" in watcher.changed and "own.md" in watcher.changed)
            return first, watcher.take()
        finally:
            await watcher.stop()

    first, second = asyncio.run(scenario())
    assert list(first) == ["plan.md"]
    assert list(second) == ["theirs.md"]
