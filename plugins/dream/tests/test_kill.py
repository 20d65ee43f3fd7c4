"""A dream killed with SIGKILL, in a real child process: memory as before, then recovered."""

from __future__ import annotations

import asyncio
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from corral.api import MemoryStore
from corral.testing import MessagesServer
from corral_dream import snapshot
from corral_dream.runner import dream

from ._model import responder
from .conftest import SETTINGS, entry

DEADLINE_S = 30.0

#: ``corral dream`` in a child process that stops for a minute right after the store wrote
#: its first topic file: the index and the rest are not written yet (a dream half-written).
PAUSE_MID_WRITE = r"""
import sys, time
import corral.memory.store as store
real = store.write_file
def pausing(path, text):
    real(path, text)
    if path.parent.name == "topics":
        print("half-written", flush=True)
        time.sleep(60)
store.write_file = pausing
from corral.cli import main
sys.exit(main(["dream"]))
"""


def memory_files(store: MemoryStore) -> dict[str, bytes]:
    """The memory itself: the topic files and the index, byte for byte."""
    files = {p.name: p.read_bytes() for p in sorted(store.topics_dir.glob("*.md"))}
    files["MEMORY.md"] = store.index_path.read_bytes()
    return files


def pair_store(fill):  # type: ignore[no-untyped-def]
    return fill(entry("Run the unit tests with tox before pushing.", importance=4),
                entry("Before pushing, tox runs the unit test suite."),
                entry("The logo is teal."))


def start(project: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, *args], cwd=project, env=dict(os.environ),
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def kill(proc: subprocess.Popen[str]) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(timeout=DEADLINE_S) == -signal.SIGKILL
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    proc.stderr.close()


def wait_for(check, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + DEADLINE_S
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


def same_for_pair(pairs: list[list[str]], body: str) -> list[dict[str, object]]:
    return [{"pair": 1, "verdict": "same", "text": "Run tox (the unit tests) before pushing."}]


def distinct(pairs: list[list[str]], body: str) -> list[dict[str, object]]:
    return [{"pair": 1, "verdict": "distinct"}]


def test_killed_while_the_model_answers(project: Path, fill, config,
                                        anthropic_server: MessagesServer) -> None:
    store = pair_store(fill)
    before = memory_files(store)
    slow = responder(same_for_pair, lambda body: [])
    anthropic_server.enqueue(lambda r: slow(r).delayed(60))
    proc = start(project, "-m", "corral", "dream")
    try:
        wait_for(lambda: anthropic_server.message_requests, "the dream's model request")
        assert proc.poll() is None  # mid-dream: waiting for the model
    finally:
        kill(proc)
    assert memory_files(store) == before
    assert not (store.root / snapshot.PENDING).exists()
    from corral_dream.gates import state_dir

    assert (state_dir(store) / "dream.lock").read_text() == f"{proc.pid}\n"  # died holding it

    anthropic_server.respond_with(responder(distinct, lambda body: []))
    report = asyncio.run(dream(project, config, SETTINGS))
    assert report.committed
    assert any(f"stale dream lock left by pid {proc.pid}" in n for n in report.notes)
    assert memory_files(store) == before


def test_killed_while_writing_is_rolled_back(project: Path, fill, config,
                                            anthropic_server: MessagesServer) -> None:
    store = pair_store(fill)
    (project / "CLAUDE.md").write_text("# Rules\n")
    before = memory_files(store)
    anthropic_server.respond_with(responder(same_for_pair, lambda body: []))
    proc = start(project, "-c", PAUSE_MID_WRITE)
    assert proc.stdout is not None and proc.stderr is not None
    try:
        ready, _, _ = select.select([proc.stdout], [], [], DEADLINE_S)
        line = proc.stdout.readline() if ready else ""
        assert line == "half-written\n", f"the child said {line!r}; exit {proc.poll()}"
    finally:
        kill(proc)
    half = memory_files(store)
    assert half["project.md"] != before["project.md"]  # the merge reached the topic file
    assert half["MEMORY.md"] == before["MEMORY.md"]  # but not the index: torn
    assert (store.root / snapshot.PENDING).exists()
    assert (project / "CLAUDE.md").read_text() == "# Rules\n"

    anthropic_server.respond_with(responder(distinct, lambda body: []))
    report = asyncio.run(dream(project, config, SETTINGS))
    assert any("interrupted while writing; memory was put back" in n for n in report.notes)
    assert report.entries_before == 3 and report.changes == []
    assert memory_files(store) == before
    assert not (store.root / snapshot.PENDING).exists()
    assert "interrupted while writing" in (store.root / "dream-log.md").read_text()


def test_writes_made_after_the_kill_survive_the_roll_back(project: Path, fill, config,
                                                         anthropic_server: MessagesServer) -> None:
    store = pair_store(fill)
    before = {e.id: e for e in store.load()}
    anthropic_server.respond_with(responder(same_for_pair, lambda body: []))
    proc = start(project, "-c", PAUSE_MID_WRITE)
    assert proc.stdout is not None
    try:
        ready, _, _ = select.select([proc.stdout], [], [], DEADLINE_S)
        line = proc.stdout.readline() if ready else ""
        assert line == "half-written\n", f"the child said {line!r}; exit {proc.poll()}"
    finally:
        kill(proc)
    half = {e.id: e for e in store.load()}
    assert len(half) == 2  # the merge reached project.md: one entry updated, one removed

    # another writer, between the crash and the next dream, into the half-written file
    added = MemoryStore.for_project(project).add("Deploys go out on Tuesdays.")
    assert added.topic == "project" and len(store.load()) == 3

    anthropic_server.respond_with(responder(distinct, lambda body: []))
    report = asyncio.run(dream(project, config, SETTINGS))
    [note] = [n for n in report.notes if "interrupted while writing" in n]
    assert "2 entries undone" in note
    assert "kept what was written since in topics/project.md (1 entry)" in note
    assert report.entries_before == 4 and report.changes == []
    assert {e.id: e for e in store.load()} == {**before, added.id: added}
    listed = [line for line in store.read_index().splitlines() if line.startswith("- [")]
    assert sorted(line.split(" — ")[1].split(" · ")[0] for line in listed) == \
        sorted([*before, added.id])
    assert not (store.root / snapshot.PENDING).exists()
    assert "kept what was written since" in (store.root / "dream-log.md").read_text()
