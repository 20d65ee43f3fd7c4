"""A project gets ``.claude/memory/`` only when something is remembered: runs that never
reached a model do not count toward the gate, and the dream's lock and state live in
corral's state directory."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import msgspec
from corral.engine.transcript import Transcript, project_dir
from corral.events import AssistantMessage, ErrorOccurred, SessionStarted, UserMessage
from corral.memory import MemoryStore
from corral_dream.gates import DreamState, check_gates, read_state, state_dir, write_state
from corral_dream.lock import DreamLock
from corral_dream.runner import dream
from corral_dream.settings import Settings

from .conftest import entry


def transcript(project: Path, name: str, *, answered: bool) -> None:
    log = Transcript(project_dir(project) / f"{name}.jsonl")
    log.write(SessionStarted(session_id=name, cwd=str(project.resolve())))
    log.write(UserMessage(text="hello", origin="user"))
    if answered:
        log.write(AssistantMessage(content=[{"type": "text", "text": "hi"}], stop_reason="end_turn",
                                   model="m"))
    else:
        log.write(ErrorOccurred(error="no model credentials", kind="NoCredentials"))
    log.close()


def test_only_sessions_with_a_completed_turn_count(project: Path) -> None:
    store = MemoryStore.for_project(project)
    settings = Settings(min_sessions=2, check_interval_minutes=0)
    for n in range(5):
        transcript(project, f"failed{n}", answered=False)
    result = check_gates(store, project, settings)
    assert result.gate == "sessions" and result.reason.startswith("0 sessions")
    transcript(project, "real1", answered=True)
    transcript(project, "real2", answered=True)
    assert check_gates(store, project, settings).passed
    assert not (project / ".claude" / "memory").exists()  # gates wrote nothing there


def test_lock_and_state_live_in_the_state_dir(project: Path) -> None:
    store = MemoryStore.for_project(project)
    write_state(store, DreamState(last_dream_at=123.0))
    with DreamLock(state_dir(store)) as lock:
        assert lock.path.parent == state_dir(store)
    assert read_state(store).last_dream_at == 123.0
    assert not store.root.exists()
    from corral import paths

    assert paths.user_state_dir() in state_dir(store).parents


def test_state_and_lock_in_the_old_place_are_read_and_moved(project: Path) -> None:
    store = MemoryStore.for_project(project)
    store.root.mkdir(parents=True)
    old = store.root / "dream-state.json"
    old.write_bytes(msgspec.json.encode(DreamState(last_dream_at=time.time() - 3600)))
    (store.root / "dream.lock").write_text("")
    result = check_gates(store, project, Settings(min_hours=24))
    assert result.gate == "hours"  # the old state was read
    write_state(store, read_state(store))
    assert not old.exists() and (state_dir(store) / "dream-state.json").exists()
    assert not (store.root / "dream.lock").exists()


def test_a_dream_that_remembers_nothing_leaves_no_memory_folder(project: Path, config) -> None:
    for n in range(3):
        transcript(project, f"s{n}", answered=True)
    report = asyncio.run(dream(project, config, Settings(), use_model=False))
    assert report.entries_after == 0
    assert not (project / ".claude" / "memory").exists()
    assert read_state(MemoryStore.for_project(project)).last_dream_at is not None


def test_a_dream_with_entries_still_writes_its_folder(project: Path, config, fill) -> None:
    store = fill(entry("the tests run with tox"))
    asyncio.run(dream(project, config, Settings(), use_model=False))
    assert (store.root / "dream-log.md").exists()
    assert not (store.root / "dream-state.json").exists()
    assert not (store.root / "dream.lock").exists()


def test_headless_runs_without_credentials_leave_the_project_clean(project: Path) -> None:
    (project / ".claude").mkdir()
    (project / ".claude" / "corral.toml").write_text(
        "[features]\ndream = true\n[plugins.dream]\nmin_sessions = 2\nmin_hours = 0\n"
        "check_interval_minutes = 0\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
    for _ in range(4):
        done = subprocess.run([sys.executable, "-m", "corral", "-p", "hi"], cwd=project, env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode != 0 and "credentials" in done.stderr
    assert sorted(p.name for p in (project / ".claude").iterdir()) == ["corral.toml"]
