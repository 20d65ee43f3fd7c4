"""Subprocess helpers for the shell tools: spawning in a process group, killing it, and
keeping the head and tail of output that may be arbitrarily long."""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import os
import signal
from collections.abc import Mapping, Sequence
from pathlib import Path

from corral.tools.builtin._cgroup import CommandGroup, stale_groups
from corral.tools.builtin._child_watch import ensure_pidfd_watcher

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


async def spawn(argv: Sequence[str], cwd: Path, env: Mapping[str, str],
                pass_fds: Sequence[int] = (), *,
                contained: bool = False) -> asyncio.subprocess.Process:
    """Start ``argv`` (``bash -c …``, maybe inside the sandbox) in ``cwd`` as the leader of
    a new process group.

    stdout and stderr share one pipe so the output keeps its order; stdin is empty. Unless
    ``contained`` (``argv`` is a sandbox whose pid namespace holds every process the command
    starts and dies with its first one: :attr:`corral.sandbox.runtime.Launch.contained`),
    the command gets a cgroup of its own where one can be made: moving a process into a
    cgroup is costly next to starting a namespace sandbox, and there it adds nothing.
    """
    ensure_pidfd_watcher()
    full, mark = marked_env(dict(env))
    _sweep_groups()
    group = None if contained else CommandGroup.create()
    if group is not None:
        argv = group.wrap(list(argv))
    proc = await asyncio.create_subprocess_exec(
        *argv,
        cwd=cwd,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        start_new_session=True,
        env=full,
        pass_fds=tuple(pass_fds),
    )
    if len(_MARKS) > 256:  # forget commands that ended on their own
        for pid in [pid for pid in _MARKS if not Path(f"/proc/{pid}").exists()]:
            del _MARKS[pid]
    _MARKS[proc.pid] = mark
    if group is not None:
        _GROUPS[proc.pid] = group
    return proc


#: The cgroup of each command that has one, by the pid of its shell.
_GROUPS: dict[int, CommandGroup] = {}


def _sweep_groups() -> None:
    """Remove the cgroups of commands that ended and left nothing running, and those that
    corral processes now gone left behind."""
    for pid in [pid for pid in _GROUPS if not Path(f"/proc/{pid}").exists()]:
        if _GROUPS[pid].remove(wait_s=0):
            del _GROUPS[pid]
    for group in stale_groups():
        group.remove(wait_s=0)


atexit.register(_sweep_groups)


def kill_group(proc: asyncio.subprocess.Process) -> int:
    """SIGKILL everything ``proc`` started: its process group, then what is left in its
    cgroup where it has one (:mod:`corral.tools.builtin._cgroup`: even processes that left
    the group and cleared their environment, ``env -i``), and every process that left the
    group (``setsid``, a daemonizing double fork) but still carries the run's mark in its
    environment. Returns how many processes outside the group were ended."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    outside = 0
    group = _GROUPS.pop(proc.pid, None)
    if group is not None:  # what remains in the command's cgroup left the group
        outside = group.kill(proc.pid)
        if not group.remove():
            _GROUPS[proc.pid] = group  # still emptying: a later sweep removes it
    mark = _MARKS.pop(proc.pid, None)
    return outside + (_kill_marked(mark) if mark is not None else 0)


#: The environment variable that marks every process a command started.
RUN_MARK = "CORRAL_RUN"
#: The mark of each running command, by the pid of its shell.
_MARKS: dict[int, str] = {}


def marked_env(env: dict[str, str]) -> tuple[dict[str, str], str]:
    """``env`` with a fresh run mark (inherited by every descendant, in any session)."""
    mark = os.urandom(8).hex()
    return {**env, RUN_MARK: mark}, mark


def _kill_marked(mark: str) -> int:
    """SIGKILL every process whose environment holds ``RUN_MARK=mark`` (read from /proc;
    nothing where /proc is missing). A few rounds, so a child forked meanwhile is caught."""
    needle = f"{RUN_MARK}={mark}".encode()
    ended: set[int] = set()
    for _ in range(3):
        found = 0
        for entry in _proc_pids():
            if entry == os.getpid() or entry in ended:
                continue
            try:
                environ = Path(f"/proc/{entry}/environ").read_bytes()
            except OSError:
                continue
            if needle in environ.split(b"\0"):
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(entry, signal.SIGKILL)
                    ended.add(entry)
                    found += 1
        if not found:
            break
    return len(ended)


def _proc_pids() -> list[int]:
    try:
        return [int(name) for name in os.listdir("/proc") if name.isdigit()]
    except OSError:
        return []


async def pump(stream: asyncio.StreamReader | None, out: CappedOutput) -> None:
    """Feed everything from ``stream`` into ``out`` until end of file."""
    if stream is None:
        return
    while chunk := await stream.read(65536):
        out.feed(chunk)
