"""Linux backend: a bubblewrap command line for a :class:`SandboxPolicy`.

The whole file system is mounted read-only, the writable directories are bound over it
read-write, protected paths inside them read-only again, and hidden paths are covered (an
empty read-only tmpfs over a directory, ``/dev/null`` over a file). The command gets its own
network namespace (nothing but its own loopback), its own process namespace (when bubblewrap
is killed, everything inside dies with it), a new session and no capabilities, even as root.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the probe needs no policy: detection stays light
    from corral.sandbox.policy import SandboxPolicy


def bwrap_path() -> str | None:
    return shutil.which("bwrap")


def base_args(*, weaker_nested: bool = False) -> list[str]:
    """The isolation flags every sandboxed command gets."""
    args = ["--die-with-parent", "--new-session", "--cap-drop", "ALL", "--unshare-net",
            "--unshare-ipc", "--unshare-uts", "--ro-bind", "/", "/", "--dev", "/dev"]
    if weaker_nested:
        args += ["--bind", "/proc", "/proc"]
    else:
        args += ["--unshare-pid", "--proc", "/proc"]
    return args


def holds_tree(policy: SandboxPolicy) -> bool:
    """Whether every process a command starts stays in the command's own pid namespace,
    which the kernel empties (SIGKILL to all) once its first process dies — and that one
    dies with bubblewrap (``--die-with-parent``). Not with the weaker nested mode, which
    shares the host's pid namespace."""
    return not policy.weaker_nested


def build_argv(policy: SandboxPolicy, cwd: str, command: Sequence[str],
               bwrap: str = "bwrap", *, seccomp_fd: int | None = None) -> list[str]:
    """``bwrap … -- command`` confining ``command`` to ``policy``, starting in ``cwd``;
    ``seccomp_fd`` is an inherited descriptor to read a compiled seccomp filter from."""
    argv = [bwrap, *base_args(weaker_nested=policy.weaker_nested)]
    if seccomp_fd is not None:
        argv += ["--seccomp", str(seccomp_fd)]
    for path in policy.writable:
        if os.path.isdir(path):
            argv += ["--bind", path, path]
    for path in policy.read_only:
        if os.path.lexists(path):
            argv += ["--ro-bind", path, path]
    for path in policy.hidden:
        argv += _hide(path)
    argv += ["--chdir", cwd, "--", *command]
    return argv


def _hide(path: str) -> list[str]:
    if os.path.islink(path):
        # cover what the link points at; the link itself is harmless without a target
        path = os.path.realpath(path)
    if os.path.isdir(path):
        return ["--tmpfs", path, "--remount-ro", path]
    if os.path.exists(path):
        return ["--ro-bind", "/dev/null", path]
    return []


@lru_cache(maxsize=4)
def probe(bwrap: str, weaker_nested: bool = False) -> str | None:
    """Run a trivial command under the same isolation once; ``None`` when it works, else
    the reason it does not (cached for the process)."""
    true = shutil.which("true") or "/bin/true"
    try:
        done = subprocess.run([bwrap, *base_args(weaker_nested=weaker_nested), "--", true],
                              stdin=subprocess.DEVNULL, capture_output=True, timeout=10)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"{bwrap} could not run: {exc}"
    if done.returncode != 0:
        err = done.stderr.decode("utf-8", "replace").strip().splitlines()
        return f"{bwrap} failed: {err[-1] if err else f'exit code {done.returncode}'}"
    return None
