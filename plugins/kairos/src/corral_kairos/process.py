"""The daemon as a process: one per project (a lock), detached, stopped by SIGTERM.

``python -m corral_kairos.process --cwd DIR`` is what ``corral kairos start`` launches.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import fcntl
import os
import signal
import sys
import time
from pathlib import Path

import msgspec
from corral.api import pid_alive

from corral_kairos.dailylog import project_state_dir
from corral_kairos.errors import DaemonError

LOCK_FILE = "daemon.lock"
PID_FILE = "daemon.pid"
OUT_FILE = "daemon.out"


def acquire_lock(state_dir: Path) -> int:
    """Hold the project's daemon lock (an fd kept open for the process's life)."""
    state_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(state_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        pid = read_pid(state_dir)
        raise DaemonError(
            f"a kairos daemon already runs for this project (pid {pid}, state in {state_dir}); "
            "stop it with `corral kairos stop`"
        ) from None
    return fd


def read_pid(state_dir: Path) -> int | None:
    try:
        return int((state_dir / PID_FILE).read_text().strip())
    except (OSError, ValueError):
        return None


def is_running(state_dir: Path) -> int | None:
    """The pid of the project's live daemon, judged by its lock, or ``None``."""
    try:
        fd = acquire_lock(state_dir)
    except DaemonError:
        return read_pid(state_dir) or -1
    os.close(fd)
    return None


def spawn(cwd: Path, *, wait_s: float = 15.0) -> int:
    """Start the daemon detached from this terminal; return its pid once it is up."""
    from corral.api import project_root

    root_state = project_state_dir(project_root(cwd))
    if (pid := is_running(root_state)) is not None:
        raise DaemonError(f"a kairos daemon already runs for this project (pid {pid})")
    root_state.mkdir(parents=True, exist_ok=True)
    out = os.open(root_state / OUT_FILE, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        # posix_spawn with setsid: no controlling terminal, and no Popen object that would
        # complain about a child it never waited for
        pid = os.posix_spawn(
            sys.executable, [sys.executable, "-m", "corral_kairos.process", "--cwd", str(cwd)],
            dict(os.environ),
            file_actions=[(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                          (os.POSIX_SPAWN_DUP2, out, 1), (os.POSIX_SPAWN_DUP2, out, 2)],
            setsid=True,
        )
    finally:
        os.close(out)
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        status = _reap(pid)
        if status is not None:
            raise DaemonError(
                f"the kairos daemon exited at once (status {status}); see {root_state / OUT_FILE}"
            )
        if read_pid(root_state) == pid and (root_state / "state.json").exists():
            return pid
        time.sleep(0.05)
    raise DaemonError(f"the kairos daemon did not come up in {wait_s:.0f}s; see "
                      f"{root_state / OUT_FILE}")


class Stopped(msgspec.Struct, frozen=True):
    """How :func:`terminate` ended a daemon: its pid, and whether SIGKILL was needed."""

    pid: int
    killed: bool = False
    waited_s: float = 0.0

    def describe(self) -> str:
        if self.killed:
            return (f"kairos daemon (pid {self.pid}) did not stop within {self.waited_s:.0f}s "
                    "of SIGTERM; killed it (SIGKILL)")
        return f"kairos daemon (pid {self.pid}) stopped"


def terminate(state_dir: Path, *, wait_s: float = 30.0) -> Stopped | None:
    """SIGTERM the project's daemon and return once its process is gone.

    The lock is released a moment before the process exits, so the wait is on the pid
    itself. After ``wait_s`` the process is sent SIGKILL, which the result reports.
    """
    pid = is_running(state_dir)
    if pid is None:
        return None
    if pid < 0:
        raise DaemonError(f"a daemon holds the lock in {state_dir} but wrote no pid file")
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    if _wait_gone(pid, wait_s):
        return Stopped(pid)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    if not _wait_gone(pid, 10.0):
        raise DaemonError(f"the kairos daemon (pid {pid}) survived SIGKILL")
    return Stopped(pid, killed=True, waited_s=wait_s)


def _wait_gone(pid: int, wait_s: float) -> bool:
    """Wait up to ``wait_s`` for ``pid`` to exit (reaping it when it is our child)."""
    deadline = time.monotonic() + wait_s
    while True:
        _reap(pid)
        if not _alive(pid):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.02)


def _alive(pid: int) -> bool:
    return pid_alive(pid) and not _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    """An exited process nobody reaped yet (not our child): gone for our purposes."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[:1] == ["Z"]


def _reap(pid: int) -> int | None:
    """Collect ``pid`` if it is our child and has exited (its exit status), else ``None``."""
    try:
        done, status = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return None
    return os.waitstatus_to_exitcode(status) if done else None


async def _main(cwd: Path) -> int:
    from corral.api import project_root

    from corral_kairos.daemon import Daemon

    state_dir = project_state_dir(project_root(cwd))
    lock = acquire_lock(state_dir)
    try:
        (state_dir / PID_FILE).write_text(str(os.getpid()))
        daemon = Daemon(cwd)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            loop.add_signal_handler(sig, daemon.request_stop)
        await daemon.run()
        return 0
    finally:
        with contextlib.suppress(OSError):
            (state_dir / PID_FILE).unlink()
        os.close(lock)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="corral-kairos-daemon")
    parser.add_argument("--cwd", type=Path, default=Path.cwd())
    args = parser.parse_args(argv)
    try:
        return asyncio.run(_main(args.cwd.resolve()))
    except DaemonError as exc:
        sys.stderr.write(f"corral kairos: {exc}\n")
        return exc.exit_code


if __name__ == "__main__":
    sys.exit(main())
