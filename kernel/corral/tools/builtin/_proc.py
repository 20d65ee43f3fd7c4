"""Subprocess helpers for the shell tools: spawning in a process group, killing it, and
keeping the head and tail of output that may be arbitrarily long."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
from collections.abc import Mapping
from pathlib import Path

#: Bytes of output kept from the start and from the end; the middle is elided.
HEAD_BYTES = 15_000
TAIL_BYTES = 15_000


class CappedOutput:
    """Collects output, keeping its first and last bytes and counting what is dropped."""

    def __init__(self, head: int = HEAD_BYTES, tail: int = TAIL_BYTES) -> None:
        self._head_limit = head
        self._tail_limit = tail
        self.head = bytearray()
        self.tail = bytearray()
        self.dropped_bytes = 0
        self.dropped_lines = 0
        self.total_bytes = 0

    def feed(self, chunk: bytes) -> None:
        self.total_bytes += len(chunk)
        room = self._head_limit - len(self.head)
        if room > 0:
            self.head += chunk[:room]
            chunk = chunk[room:]
        if not chunk:
            return
        self.tail += chunk
        over = len(self.tail) - self._tail_limit
        if over > 0:
            self.dropped_bytes += over
            self.dropped_lines += self.tail.count(b"\n", 0, over)
            del self.tail[:over]

    def __bool__(self) -> bool:
        return self.total_bytes > 0

    def render(self) -> str:
        """The kept text; if anything was dropped, a note in the middle says how much."""
        if not self.dropped_bytes:
            return (bytes(self.head) + bytes(self.tail)).decode("utf-8", errors="replace")
        head, tail = bytes(self.head), bytes(self.tail)
        dropped_bytes, dropped_lines = self.dropped_bytes, self.dropped_lines
        # Cut at line boundaries so no line is shown half (and no character is split).
        cut = head.rfind(b"\n")
        if cut != -1:
            dropped_bytes += len(head) - cut - 1
            head = head[: cut + 1]
        cut = tail.find(b"\n")
        if cut != -1:
            dropped_bytes += cut + 1
            dropped_lines += 1
            tail = tail[cut + 1 :]
        note = (
            f"[… {dropped_bytes} bytes ({dropped_lines} lines) of output elided here; "
            f"{self.total_bytes} bytes in all …]\n"
        )
        if head and not head.endswith(b"\n"):
            note = "\n" + note
        return head.decode("utf-8", errors="replace") + note + tail.decode("utf-8", "replace")


def shell_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment commands run with: ours, the configuration's ``env`` table on top,
    and pagers that never wait for a key."""
    env = dict(os.environ)
    env.update(extra or {})
    env.update({"PAGER": "cat", "GIT_PAGER": "cat"})
    return env


async def spawn(command: str, cwd: Path,
                env: Mapping[str, str] | None = None) -> asyncio.subprocess.Process:
    """Start ``bash -c command`` in ``cwd`` as the leader of a new process group, with
    ``env`` (the configuration's ``env`` table) added to the environment.

    stdout and stderr share one pipe so the output keeps its order; stdin is empty.
    """
    bash = shutil.which("bash") or "/bin/bash"
    return await asyncio.create_subprocess_exec(
        bash,
        "-c",
        command,
        cwd=cwd,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        start_new_session=True,
        env=shell_env(env),
    )


def kill_group(proc: asyncio.subprocess.Process) -> None:
    """Send SIGKILL to the process group ``proc`` leads (it and every child it started)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


async def pump(stream: asyncio.StreamReader | None, out: CappedOutput) -> None:
    """Feed everything from ``stream`` into ``out`` until end of file."""
    if stream is None:
        return
    while chunk := await stream.read(65536):
        out.feed(chunk)
