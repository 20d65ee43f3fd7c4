"""Learning of a subprocess's exit from the event loop itself, through a pid file descriptor.

Before Python 3.12, asyncio's default child watcher starts a thread per subprocess, which
calls ``waitpid`` and hands the exit status back to the loop. Starting that thread waits
until it runs, and on a busy machine that wait (the GIL, the scheduler) cost 1-2 ms per shell
command. From 3.12 on asyncio watches a pid file descriptor in the loop instead (Linux 5.3+);
:func:`ensure_pidfd_watcher` gives 3.11 the same, and does nothing elsewhere, where it is
already so, where pidfds are missing, or where someone chose another watcher.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import sys
import warnings
from collections.abc import Callable
from typing import Any, TypeVarTuple

_Ts = TypeVarTuple("_Ts")


if sys.version_info < (3, 12):  # the watcher classes are gone from asyncio in 3.14
    class LoopPidfdWatcher(asyncio.AbstractChildWatcher):
        """Watches each child through a pidfd registered with the loop that started it (any
        loop, in any thread), as asyncio does from Python 3.12."""

        def __enter__(self) -> LoopPidfdWatcher:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

        def is_active(self) -> bool:
            return True

        def close(self) -> None:
            return None

        def attach_loop(self, loop: Any) -> None:
            return None

        def add_child_handler(self, pid: int, callback: Callable[[int, int, *_Ts], object],
                              *args: *_Ts) -> None:
            loop = asyncio.get_running_loop()
            pidfd = os.pidfd_open(pid)
            loop.add_reader(pidfd, self._reap, loop, pid, pidfd, callback, args)

        def remove_child_handler(self, pid: int) -> bool:
            # Like asyncio's own pidfd watcher: the loop asks only when its transport is closed
            # after the child was already reaped.
            return False

        @staticmethod
        def _reap(loop: asyncio.AbstractEventLoop, pid: int, pidfd: int, callback: Any,
                  args: tuple[Any, ...]) -> None:
            loop.remove_reader(pidfd)
            try:
                _, status = os.waitpid(pid, 0)
            except ChildProcessError:
                returncode = 255  # reaped elsewhere; asyncio's watchers report the same
            else:
                returncode = os.waitstatus_to_exitcode(status)
            os.close(pidfd)
            callback(pid, returncode, *args)


def ensure_pidfd_watcher() -> bool:
    """On Python 3.11 with working pidfds, replace the event loop policy's default
    thread-per-child watcher with :class:`LoopPidfdWatcher`. Returns whether one is in
    place."""
    if sys.version_info >= (3, 12) or not _pidfds_work():
        return False
    policy = asyncio.get_event_loop_policy()
    current = _current(policy)
    if type(current) is not asyncio.ThreadedChildWatcher:
        return isinstance(current, LoopPidfdWatcher)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        policy.set_child_watcher(LoopPidfdWatcher())
    return True


@functools.lru_cache(maxsize=1)
def _pidfds_work() -> bool:
    try:
        os.close(os.pidfd_open(os.getpid()))
    except (AttributeError, OSError):
        return False
    return True


def _current(policy: asyncio.AbstractEventLoopPolicy) -> object:
    with warnings.catch_warnings(), contextlib.suppress(NotImplementedError):
        warnings.simplefilter("ignore", DeprecationWarning)
        return policy.get_child_watcher()
    return None
