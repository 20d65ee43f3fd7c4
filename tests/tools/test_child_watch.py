"""The pidfd child watcher the shell tools install on Python 3.11: exits are seen from the
loop that started the child, in any thread, with no thread per child."""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import warnings
from pathlib import Path
from typing import Any

import pytest
from corral.tools.builtin import _child_watch
from corral.tools.builtin._child_watch import ensure_pidfd_watcher
from corral.tools.builtin._proc import spawn

pytestmark = pytest.mark.skipif(
    sys.version_info >= (3, 12) or not _child_watch._pidfds_work(),
    reason="asyncio watches pidfds itself from Python 3.12; or no pidfds on this system")


@pytest.fixture
def default_watcher() -> Any:
    """The policy's default thread-per-child watcher for the test, restored after."""
    policy = asyncio.get_event_loop_policy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        before = policy.get_child_watcher()
        policy.set_child_watcher(asyncio.ThreadedChildWatcher())
        yield policy
        policy.set_child_watcher(before)


def _watcher(policy: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return policy.get_child_watcher()


async def _run(argv: list[str], cwd: Path) -> tuple[int | None, bytes]:
    proc = await spawn(argv, cwd, dict(os.environ))
    assert proc.stdout is not None
    out = await proc.stdout.read()
    return await proc.wait(), out


def test_a_spawn_puts_the_pidfd_watcher_in_place(default_watcher: Any, tmp_path: Path) -> None:
    async def scenario() -> tuple[int | None, bytes, list[str]]:
        proc = await spawn(["sh", "-c", "sleep 0.2; echo hi; exit 3"], tmp_path,
                           dict(os.environ))
        assert proc.stdout is not None
        waiters = [t.name for t in threading.enumerate() if "waitpid" in t.name]
        out = await proc.stdout.read()
        return await proc.wait(), out, waiters

    code, out, waiters = asyncio.run(scenario())
    assert (code, out) == (3, b"hi\n")
    assert isinstance(_watcher(default_watcher), _child_watch.LoopPidfdWatcher)
    assert waiters == []  # the default watcher runs a "waitpid-N" thread per child


def test_children_of_a_loop_in_another_thread_are_reaped(default_watcher: Any,
                                                         tmp_path: Path) -> None:
    assert ensure_pidfd_watcher()
    results: list[tuple[int | None, bytes]] = []
    worker = threading.Thread(target=lambda: results.append(
        asyncio.run(_run(["sh", "-c", "echo there; exit 5"], tmp_path))))
    worker.start()
    worker.join(10)
    assert results == [(5, b"there\n")]


def test_a_watcher_chosen_by_someone_else_is_kept(tmp_path: Path) -> None:
    policy = asyncio.get_event_loop_policy()

    class Chosen(asyncio.ThreadedChildWatcher):
        pass

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        before = policy.get_child_watcher()
        chosen = Chosen()
        policy.set_child_watcher(chosen)
        try:
            assert ensure_pidfd_watcher() is False
            assert asyncio.run(_run(["true"], tmp_path))[0] == 0
            assert policy.get_child_watcher() is chosen
        finally:
            policy.set_child_watcher(before)
