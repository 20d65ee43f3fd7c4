"""Running one hook command: JSON on stdin, bounded output, a timeout that kills the group.

The command runs through the shell in a new session (its own process group), so a timeout
or an interrupt can kill everything it started, not only the shell.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Mapping

import msgspec

#: Characters of stdout and of stderr a hook's output keeps.
OUTPUT_CAP = 10_000
_CHUNK = 65536


class ProcessResult(msgspec.Struct, frozen=True, kw_only=True):
    """How a hook process ended."""

    #: The exit status; ``None`` when it timed out or could not start.
    exit_code: int | None
    stdout: str = ""
    stderr: str = ""
    timed_out: bool = False
    #: Whether stdout or stderr was longer than :data:`OUTPUT_CAP` and was cut.
    truncated: bool = False
    #: Why the command could not start.
    error: str | None = None
    duration_ms: float = 0.0


def _kill_group(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        try:
            proc.kill()
        except ProcessLookupError:
            pass


async def _feed(proc: asyncio.subprocess.Process, data: bytes) -> None:
    stdin = proc.stdin
    assert stdin is not None
    try:
        stdin.write(data)
        await stdin.drain()
    except (BrokenPipeError, ConnectionResetError):
        pass  # the hook did not read its input; that is its business
    finally:
        stdin.close()


async def _collect(stream: asyncio.StreamReader | None, cap_bytes: int) -> tuple[bytes, bool]:
    """Read ``stream`` to its end, keeping at most ``cap_bytes`` (the rest is drained so the
    process never blocks on a full pipe)."""
    kept = bytearray()
    cut = False
    if stream is None:
        return b"", False
    while chunk := await stream.read(_CHUNK):
        room = cap_bytes - len(kept)
        if room > 0:
            kept += chunk[:room]
        if len(chunk) > room:
            cut = True
    return bytes(kept), cut


def _text(raw: bytes, cap: int) -> tuple[str, bool]:
    text = raw.decode("utf-8", errors="replace")
    if len(text) > cap:
        return text[:cap], True
    return text, False


async def run_command(
    command: str,
    stdin: bytes,
    *,
    cwd: str,
    env: Mapping[str, str],
    timeout: float,
    cap: int = OUTPUT_CAP,
) -> ProcessResult:
    """Run ``command`` with ``stdin``; kill its process group after ``timeout`` seconds or
    when the awaiting task is cancelled."""
    start = time.monotonic()
    try:
        proc = await asyncio.create_subprocess_shell(
            command,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            cwd=cwd,
            env=dict(env),
            start_new_session=True,
        )
    except OSError as exc:
        return ProcessResult(exit_code=None, error=f"could not start: {exc}")
    cap_bytes = cap * 4  # a character is at most four bytes of UTF-8
    try:
        async with asyncio.timeout(timeout):
            _, (out, cut_out), (err, cut_err) = await asyncio.gather(
                _feed(proc, stdin), _collect(proc.stdout, cap_bytes),
                _collect(proc.stderr, cap_bytes),
            )
            code = await proc.wait()
    except TimeoutError:
        _kill_group(proc)
        await proc.wait()
        return ProcessResult(exit_code=None, timed_out=True,
                             duration_ms=_ms(start))
    except asyncio.CancelledError:
        _kill_group(proc)
        await proc.wait()
        raise
    stdout, cut1 = _text(out, cap)
    stderr, cut2 = _text(err, cap)
    return ProcessResult(
        exit_code=code, stdout=stdout, stderr=stderr,
        truncated=cut_out or cut_err or cut1 or cut2, duration_ms=_ms(start),
    )


def _ms(start: float) -> float:
    return round((time.monotonic() - start) * 1000, 1)
