"""Gates for automatic dreams (each blocking, in order) and the dream lock."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest
from corral.api import MemoryStore, project_dir
from corral.testing import MessagesServer
from corral_dream.errors import DreamBusy
from corral_dream.gates import DreamState, check_gates, read_state, state_dir, write_state
from corral_dream.lock import DreamLock
from corral_dream.runner import dream
from corral_dream.settings import Settings

from ._model import responder
from .conftest import SETTINGS, entry


def sessions(project: Path, count: int) -> None:
    folder = project_dir(project)
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):  # each a session that got a model answer
        (folder / f"s{n}.jsonl").write_text('{"type":"assistant_message","content":[]}\n')


def test_gates_block_in_order(project: Path) -> None:
    store = MemoryStore.for_project(project)
    now = time.time()
    settings = Settings(min_hours=24, min_sessions=2, check_interval_minutes=10)
    assert check_gates(store, project, Settings(auto=False), now).gate == "auto"

    write_state(store, DreamState(last_dream_at=now - 3600, last_check_at=now - 60))
    result = check_gates(store, project, settings, now)
    assert (result.passed, result.gate) == (False, "hours")  # first, though all four block
    assert "1.0 h ago" in result.reason

    write_state(store, DreamState(last_dream_at=now - 30 * 3600, last_check_at=now - 60))
    sessions(project, 1)
    assert check_gates(store, project, settings, now).gate == "sessions"

    sessions(project, 2)
    assert check_gates(store, project, settings, now).gate == "interval"

    write_state(store, DreamState(last_dream_at=now - 30 * 3600, last_check_at=now - 3600))
    with DreamLock(state_dir(store)):
        result = check_gates(store, project, settings, now)
    assert result.gate == "lock"
    assert read_state(store).last_check_at == now  # the interval gate records its check

    later = now + 11 * 60
    result = check_gates(store, project, settings, later)
    assert result.passed and result.gate is None


def test_sessions_before_the_last_dream_do_not_count(project: Path) -> None:
    store = MemoryStore.for_project(project)
    sessions(project, 5)
    past = time.time() - 3 * 86400
    for path in project_dir(project).glob("*.jsonl"):
        os.utime(path, (past, past))
    write_state(store, DreamState(last_dream_at=time.time() - 2 * 86400))
    result = check_gates(store, project, Settings(min_sessions=1))
    assert result.gate == "sessions" and result.reason.startswith("0 sessions")


def test_second_dream_is_refused_while_one_holds_the_lock(project: Path, fill, config) -> None:
    store = fill(entry("a fact"))
    with DreamLock(state_dir(store)):
        with pytest.raises(DreamBusy) as info:
            asyncio.run(dream(project, config, SETTINGS))
    assert f"pid {os.getpid()}" in str(info.value) and "did not start" in str(info.value)


def test_two_concurrent_dreams_one_runs(project: Path, fill, config,
                                        anthropic_server: MessagesServer) -> None:
    a = entry("Run the unit tests with tox before pushing.")
    b = entry("Before pushing, tox runs the unit test suite.")
    store = fill(a, b)
    slow = responder(lambda pairs, body: [{"pair": 1, "verdict": "distinct"}], lambda b: [])
    anthropic_server.enqueue(lambda r: slow(r).delayed(0.5))  # type: ignore[union-attr]

    async def both() -> list[object]:
        first = asyncio.create_task(dream(project, config, SETTINGS))
        await asyncio.sleep(0.2)
        second = asyncio.create_task(dream(project, config, SETTINGS))
        return await asyncio.gather(first, second, return_exceptions=True)

    first, second = asyncio.run(both())
    assert isinstance(second, DreamBusy)
    assert not isinstance(first, BaseException) and first.committed  # type: ignore[attr-defined]
    assert len(anthropic_server.message_requests) == 1
    assert len(store.load()) == 2


def test_stale_lock_from_a_dead_process_is_taken_over(project: Path, fill, config) -> None:
    import subprocess
    import sys

    store = fill(entry("a fact"))
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    state_dir(store).mkdir(parents=True, exist_ok=True)
    (state_dir(store) / "dream.lock").write_text(f"{dead.pid}\n")
    report = asyncio.run(dream(project, config, SETTINGS))
    assert any(f"stale dream lock left by pid {dead.pid}" in n for n in report.notes)
    assert report.committed


