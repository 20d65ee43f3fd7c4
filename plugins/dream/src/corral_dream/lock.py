"""The dream lock: ``dream.lock`` in the memory folder, so one dream runs per project.

An ``flock`` on the file is what excludes; the kernel drops it when the holder dies, so a
dead dream never blocks the next one. The file also holds the holder's pid: finding a pid
there while the lock is free means a dream died mid-run; the new one takes over and says so.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path
from types import TracebackType

from corral.api import pid_alive

from corral_dream.errors import DreamBusy

LOCK_NAME = "dream.lock"


class DreamLock:
    def __init__(self, memory_root: Path) -> None:
        self.path = memory_root / LOCK_NAME
        self._fd = -1
        #: Set on acquire when a dead dream's lock was taken over.
        self.took_over: str | None = None

    def acquire(self) -> DreamLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_pid(fd)
            os.close(fd)
            who = f"pid {holder}" if holder else "another process"
            raise DreamBusy(f"dream: another dream ({who}) is running for {self.path.parent} "
                            f"and holds {self.path}; this one did not start. Wait for it to "
                            "finish and try again") from None
        previous = _read_pid(fd)
        if previous and previous != os.getpid():
            state = "no longer running" if not pid_alive(previous) else "lock released"
            self.took_over = (f"took over a stale dream lock left by pid {previous} "
                              f"({state}); a dream interrupted there left memory as it was")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd < 0:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(self._fd, 0)
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = -1

    def is_free(self) -> bool:
        """Whether nobody holds the lock right now (checked without keeping it)."""
        if not self.path.exists():
            return True
        fd = os.open(self.path, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        finally:
            os.close(fd)
        return True

    def __enter__(self) -> DreamLock:
        return self.acquire()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


def _read_pid(fd: int) -> int | None:
    try:
        raw = os.pread(fd, 32, 0).decode().strip()
        return int(raw) if raw else None
    except (OSError, ValueError):
        return None
