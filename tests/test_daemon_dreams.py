"""The kairos daemon dreams on the dream plugin's gates, through the kernel's ``corral_idle``
hook (the two plugins never import each other)."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest
from corral.engine.transcript import Transcript, project_dir
from corral.events import AssistantMessage, SessionStarted
from corral.memory import MemoryStore

pytest.importorskip("corral_kairos")
pytest.importorskip("corral_dream")

from corral_dream.background import dreaming  # noqa: E402
from corral_dream.gates import GateResult, read_state, state_dir  # noqa: E402
from corral_dream.keys import RESULT  # noqa: E402
from corral_dream.lock import DreamLock  # noqa: E402
from corral_kairos.daemon import Daemon  # noqa: E402

CONFIG = (
    "[features]\nkairos = true\ndream = true\n"
    "[plugins.kairos]\ninterval_s = 3600\npoll_s = 0.05\nwatch = false\nbridge = false\n"
    "[plugins.dream]\nmin_sessions = 1\nmin_hours = 24\ncheck_interval_minutes = 0\n"
)


def _answered_session(project: Path) -> None:
    log = Transcript(project_dir(project) / "earlier.jsonl")
    log.write(SessionStarted(session_id="earlier", cwd=str(project.resolve())))
    log.write(AssistantMessage(content=[{"type": "text", "text": "ok"}], stop_reason="end_turn",
                               model="m"))
    log.close()


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_the_daemon_dreams_when_the_gates_pass_and_not_while_the_lock_is_held(
    project: Path,
) -> None:
    (project / ".claude" / "corral.toml").write_text(CONFIG)
    _answered_session(project)
    store = MemoryStore.for_project(project)
    lock = DreamLock(state_dir(store)).acquire()  # another dream is running

    async def scenario() -> str:
        daemon = Daemon(project)
        task = asyncio.create_task(daemon.run())
        try:
            await asyncio.wait_for(daemon.started.wait(), 30)
            stash = daemon.session.stash

            async def until(check) -> None:  # type: ignore[no-untyped-def]
                for _ in range(600):
                    if check():
                        return
                    await asyncio.sleep(0.05)
                raise AssertionError(f"never happened; dream state: {stash.get(RESULT)!r}")

            await until(lambda: isinstance(stash.get(RESULT), GateResult))
            result = stash[RESULT]
            assert isinstance(result, GateResult) and result.gate == "lock"
            lock.release()
            await until(lambda: str(stash.get(RESULT, "")).startswith("dreaming in pid"))
            return str(stash[RESULT])
        finally:
            daemon.request_stop()
            await asyncio.wait_for(task, 30)

    try:
        started = asyncio.run(scenario())
    finally:
        lock.release()
    pid = int(started.rsplit(" ", 1)[1])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and read_state(store).last_dream_at is None:
        time.sleep(0.1)
    assert read_state(store).last_dream_at is not None  # the dream ran and recorded itself
    while time.monotonic() < deadline and dreaming():  # reaps the finished dream
        time.sleep(0.1)
    assert _gone(pid)
