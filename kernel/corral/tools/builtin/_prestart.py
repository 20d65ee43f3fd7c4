"""Starting the next sandboxed command's sandbox while the model thinks.

Setting up a bubblewrap sandbox (namespaces, mounts, seccomp) costs several times what the
shell inside it does, and each command gets a sandbox of its own. After a sandboxed command
ends, the Bash tool starts the next one ahead of time: the same sandbox, built from the same
policy, around a shell that waits for its command on a pipe. When the next command comes,
it is used only if the sandbox that command would get now is exactly the one waiting — the
same bubblewrap arguments (mounts, hidden paths that exist now, working directory), the same
environment — and the shell then replaces itself with ``bash -c COMMAND``, so the command
runs in the very process tree it would have had. Anything else, and the waiting sandbox is
dropped (its shell reads end-of-file and exits) and the command starts as usual.

At most one sandbox waits per session. Starting it is awaited where the command ended (only
the fork and exec: bubblewrap sets the sandbox up in its own process, beside what corral does
next), never left to a background task: an event loop closing under a process start that is
still under way would wait for that process to end. A waiting sandbox is dropped when the
session's sandbox closes, when it belongs to an event loop that is gone, when it is garbage
collected, and it dies with corral in any case (``--die-with-parent``).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shlex
import weakref
from typing import TYPE_CHECKING

from corral.sandbox.runtime import RUNTIME, Launch, shell_env
from corral.sandbox.status import SESSION_LOOP
from corral.stash import StashKey
from corral.tools.builtin._proc import spawn

if TYPE_CHECKING:
    from corral.session import Session

#: Commands longer than this start as usual: the waiting shell reads its command from a
#: pipe, and a write larger than the pipe's buffer would wait on it.
MAX_COMMAND_BYTES = 32_768

#: How long the session's end waits for a dropped sandbox's shell to exit (it exits at once).
CLOSE_WAIT_S = 2.0

#: Key of a launch: its bubblewrap arguments but the command, and its environment.
_Key = tuple[tuple[str, ...], tuple[tuple[str, str], ...]]


class Waiting:
    """A started sandbox whose shell waits for its command on ``control``."""

    def __init__(self, key: _Key, proc: asyncio.subprocess.Process, control: int) -> None:
        self.key = key
        self.proc = proc
        self.loop = asyncio.get_running_loop()
        #: Closes the control pipe once (on hand-over, drop, or garbage collection).
        self.release = weakref.finalize(self, _close_quietly, control)
        self._control = control

    def hand_over(self, command: str) -> asyncio.subprocess.Process:
        """Give the waiting shell ``command``; it becomes ``bash -c command``."""
        try:
            os.write(self._control, command.encode() + b"\0")
        finally:
            self.release()
        return self.proc

    def drop(self) -> None:
        """Let the shell go: it reads end-of-file and exits. Its exit is collected when
        the event loop it started on still runs this code."""
        self.release()
        try:
            same_loop = asyncio.get_running_loop() is self.loop
        except RuntimeError:
            same_loop = False
        if same_loop:
            task = asyncio.ensure_future(self.proc.wait())
            _reaping.add(task)
            task.add_done_callback(_reaping.discard)


def _close_quietly(fd: int) -> None:
    with contextlib.suppress(OSError):
        os.close(fd)


_WAITING: StashKey[Waiting] = StashKey("bash.prestarted")
_reaping: set[asyncio.Future[int]] = set()


def key_of(launch: Launch) -> _Key:
    """What must match for a waiting sandbox to take a command: the arguments up to the
    command itself (the seccomp descriptor's number aside) and the environment."""
    argv = list(launch.argv[:-1])
    for at, arg in enumerate(argv[:-1]):
        if arg == "--seccomp":
            argv[at + 1] = "<fd>"
    return tuple(argv), tuple(sorted(launch.env.items()))


def usable(launch: Launch, command: str) -> bool:
    """Whether ``launch`` can run in a sandbox started ahead: a bubblewrap sandbox that
    holds every process of the command (its own pid namespace), running ``bash -c``."""
    return (launch.sandboxed and launch.contained and len(launch.argv) >= 3
            and launch.argv[-2:] == ["-c", command]
            and len(command.encode()) <= MAX_COMMAND_BYTES)


def take(session: Session, launch: Launch, command: str) -> asyncio.subprocess.Process | None:
    """The waiting sandbox's process, now running ``command``, if it is the sandbox
    ``launch`` describes; ``None`` (the caller starts the command itself) otherwise. Either
    way no sandbox waits afterwards."""
    waiting = session.stash.pop(_WAITING)
    if waiting is None:
        return None
    if (waiting.loop is not asyncio.get_running_loop() or not usable(launch, command)
            or waiting.key != key_of(launch) or waiting.proc.returncode is not None):
        waiting.drop()
        return None
    try:
        return waiting.hand_over(command)
    except OSError:  # the shell is gone: start the command as usual
        waiting.drop()
        return None


async def prepare(session: Session, bash: str) -> None:
    """Start the session's next sandbox (nothing when one waits or none can be started:
    the next command then starts as usual)."""
    runtime = session.stash.get(RUNTIME)
    if (runtime is None or session.stash.get(_WAITING) is not None
            or session.stash.get(SESSION_LOOP) is not asyncio.get_running_loop()):
        return  # a sandbox is kept waiting only inside a started session's own loop
    read, write = os.pipe()
    try:
        env = shell_env(session)
        launch = await runtime.wrap([bash, "-c", _stub(bash, read)], str(session.cwd), env)
        try:
            if not launch.contained:
                _close_quietly(write)
                return
            starting = asyncio.ensure_future(spawn(
                launch.argv, session.cwd, launch.env, (*launch.pass_fds, read),
                contained=True))
            try:
                proc = await asyncio.shield(starting)
            except asyncio.CancelledError:
                _close_quietly(write)  # the shell, once started, exits at once
                raise
        finally:
            launch.close()
    except OSError:
        _close_quietly(write)
        return
    finally:
        _close_quietly(read)
    session.stash[_WAITING] = Waiting(key_of(launch), proc, write)
    runtime.at_close[__name__] = lambda: _drop_waiting(session)


async def _drop_waiting(session: Session) -> None:
    """At the session's end: let the waiting shell go and collect its exit."""
    waiting = session.stash.pop(_WAITING)
    if waiting is None:
        return
    waiting.release()
    if waiting.loop is asyncio.get_running_loop():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(waiting.proc.wait(), CLOSE_WAIT_S)


def _stub(bash: str, fd: int) -> str:
    """The waiting shell: read the command up to a NUL from ``fd``, close it, and become
    ``bash -c COMMAND`` (exit quietly on end-of-file). ``exec`` lowers ``SHLVL`` by the
    level the waiting shell added, so the command sees the level it would have seen."""
    return (f'IFS= read -r -d "" cmd <&{fd}; exec {fd}<&-; [ -n "$cmd" ] || exit 0; '
            f'exec {shlex.quote(bash)} -c "$cmd"')
