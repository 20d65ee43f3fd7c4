"""``corral kairos stop`` returns once the daemon's process is gone, killing it if it must."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from corral_kairos import process
from corral_kairos.dailylog import project_state_dir

FAST = (
    "[features]\nkairos = true\n"
    "[api]\nretry_base_delay_s = 0.01\nmax_retries = 0\n"
    "[plugins.kairos]\ninterval_s = 30\nchange_delay_s = 0.01\npoll_s = 0.02\nwatch = false\n"
)


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_stop_returns_after_the_process_is_gone(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / ".claude" / "corral.toml").write_text(FAST)
    from corral.cli import main

    pid = process.spawn(project)
    try:
        assert main(["kairos", "stop"]) == 0
        assert _gone(pid), "kairos stop returned while the daemon still lived"
    finally:
        if not _gone(pid):
            os.kill(pid, 9)
            os.waitpid(pid, 0)
    out = capsys.readouterr().out
    assert f"kairos daemon (pid {pid}) stopped" in out
    assert "killed" not in out


def _fake_daemon(state_dir: Path, on_term: str) -> subprocess.Popen[str]:
    """A process that holds the daemon lock like the real one, with its own SIGTERM."""
    code = (
        "import os, signal, sys, time\n"
        "from pathlib import Path\n"
        "from corral_kairos import process\n"
        f"state = Path({str(state_dir)!r})\n"
        "lock = process.acquire_lock(state)\n"
        "(state / process.PID_FILE).write_text(str(os.getpid()))\n"
        + on_term +
        "print('ready', flush=True)\n"
        "time.sleep(60)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    return child


def test_stop_waits_for_a_slow_exit_after_the_lock_is_released(project: Path) -> None:
    state_dir = project_state_dir(project)
    slow_exit = (
        "def term(*_):\n"
        "    os.close(lock)\n"
        "    time.sleep(1.0)\n"
        "    sys.exit(0)\n"
        "signal.signal(signal.SIGTERM, term)\n"
    )
    child = _fake_daemon(state_dir, slow_exit)
    try:
        stopped = process.terminate(state_dir, wait_s=10)
        assert stopped is not None and stopped.pid == child.pid and not stopped.killed
        assert child.poll() is not None, "terminate returned while the process still lived"
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()
        if child.stdout is not None:
            child.stdout.close()


def test_a_daemon_that_ignores_sigterm_is_killed_and_that_is_said(project: Path) -> None:
    state_dir = project_state_dir(project)
    child = _fake_daemon(state_dir, "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n")
    try:
        started = time.monotonic()
        stopped = process.terminate(state_dir, wait_s=0.5)
        assert stopped is not None
        assert stopped.pid == child.pid and stopped.killed
        assert time.monotonic() - started < 10
        assert _gone(child.pid)
        assert "SIGKILL" in stopped.describe() and str(child.pid) in stopped.describe()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        if child.stdout is not None:
            child.stdout.close()


def test_status_after_a_restart_keeps_tokens_and_a_stopped_daemon_shows_no_bridge(
    anthropic_server, project: Path
) -> None:
    import asyncio

    from corral.testing import text
    from corral_kairos.cli import _status_text
    from corral_kairos.daemon import Daemon, read_state

    from .conftest import bounded, until

    (project / ".claude" / "corral.toml").write_text(FAST)
    anthropic_server.enqueue(text("one").with_usage(input_tokens=120, output_tokens=7),
                             text("two").with_usage(input_tokens=300, output_tokens=9))

    async def one_run(prompt: str, turns: int) -> None:
        daemon = Daemon(project)
        task = asyncio.create_task(daemon.run())
        await bounded(daemon.started.wait())
        daemon.submit("bridge", prompt)
        await until(lambda: daemon.session.num_turns >= turns and not daemon.current
                    and daemon.queue.empty())
        daemon.request_stop()
        await bounded(task)

    asyncio.run(one_run("a", 1))
    asyncio.run(one_run("b", 2))
    state = read_state(project_state_dir(project))
    assert state is not None
    assert (state.calls, state.input_tokens, state.output_tokens) == (2, 420, 16)
    assert state.bridge  # the state file keeps the last address for the record
    stopped = _status_text(None, state)
    assert "tokens in 420 out 16" in stopped
    assert "bridge:" not in stopped and "uptime" not in stopped
    assert "not running" in stopped


def test_state_dirs_are_unique_per_project_and_old_state_moves(tmp_path: Path) -> None:
    import msgspec
    from corral import paths

    one, two = tmp_path / "my_app", tmp_path / "my-app"
    for root in (one, two):
        (root / ".claude").mkdir(parents=True)
    old = paths.user_state_dir() / "kairos" / paths.legacy_project_slug(one)
    old.mkdir(parents=True)
    (old / "state.json").write_bytes(msgspec.json.encode({"cwd": str(two.resolve())}))
    assert project_state_dir(one) != project_state_dir(two)
    assert not (project_state_dir(one) / "state.json").exists()  # not its daemon's state
    assert (project_state_dir(two) / "state.json").exists()  # moved to its owner
    assert not old.exists()
