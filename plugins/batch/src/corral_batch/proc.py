"""Child processes of a task: each in its own process group, and gone when the driver is.

A task's children (git, setup commands, ``corral -p``) are started in a new session so that
the driver alone decides when they stop (a Ctrl-C in the terminal reaches the driver, which
ends them), and on Linux with a parent-death signal, so that a SIGKILL of the driver ends
them too instead of leaving them working on a task the driver will run again on resume.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

#: Seconds a child gets between SIGTERM and SIGKILL.
TERM_GRACE_S = 5.0

_PR_SET_PDEATHSIG = 1


def _find_prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


_prctl = _find_prctl()


def _in_child() -> None:
    """Runs in the child between fork and exec: die with the parent."""
    if _prctl is not None:
        _prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


class Finished:
    """Exit status and captured output of a child."""

    def __init__(self, code: int, out: bytes, err: bytes) -> None:
        self.code = code
        self.out = out
        self.err = err

    def err_tail(self, limit: int = 800) -> str:
        text = self.err.decode(errors="replace").strip()
        return text if len(text) <= limit else "..." + text[-limit:]


async def run(argv: Sequence[str], *, cwd: Path, env: dict[str, str] | None = None,
              stdin: bytes | None = None, timeout: float | None = None,
              stdout: Any = None, stderr: Any = None) -> Finished:
    """Run ``argv`` to completion; ``stdout``/``stderr`` may be open files (else captured).

    Raises :class:`TimeoutError` after ending the child when ``timeout`` passes; cancelling
    the caller ends the child too.
    """
    proc = await asyncio.create_subprocess_exec(
        *argv, cwd=cwd, env=env,
        stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
        stdout=stdout if stdout is not None else asyncio.subprocess.PIPE,
        stderr=stderr if stderr is not None else asyncio.subprocess.PIPE,
        start_new_session=True, preexec_fn=_in_child,
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(stdin), timeout)
    except BaseException:
        await _end(proc)
        raise
    assert proc.returncode is not None
    return Finished(proc.returncode, out or b"", err or b"")


async def _end(proc: asyncio.subprocess.Process) -> None:
    """SIGTERM the child's process group, then SIGKILL it if it lingers."""
    if proc.returncode is not None:
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        await asyncio.shield(asyncio.wait_for(proc.wait(), TERM_GRACE_S))
    except (TimeoutError, asyncio.CancelledError):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(TimeoutError, asyncio.CancelledError):
            await asyncio.shield(asyncio.wait_for(proc.wait(), TERM_GRACE_S))
