"""Which sandbox backend works on this machine (probed once per process)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from functools import lru_cache
from typing import Literal

import msgspec

from corral.sandbox import bwrap

BackendName = Literal["bwrap", "seatbelt"]

#: How to get a backend, shown wherever the sandbox is unavailable.
INSTALL_HINT = ("install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap; Fedora: dnf "
                "install bubblewrap)")


class Availability(msgspec.Struct, frozen=True, kw_only=True):
    """A working backend (``backend`` and ``path``), or why there is none (``problem``)."""

    backend: BackendName | None = None
    path: str | None = None
    problem: str | None = None


def detect(weaker_nested: bool = False) -> Availability:
    """The backend that works here, probed once per process (a second caller, or the main
    thread after :func:`detect_soon`, waits for the probe under way)."""
    with _PROBING:
        if sys.platform == "darwin":
            return _seatbelt()
        if not sys.platform.startswith("linux"):
            return Availability(problem=f"no sandbox backend for {sys.platform}")
        return _bwrap(weaker_nested)


_PROBING = threading.Lock()


def detect_soon(weaker_nested: bool = False) -> None:
    """Start :func:`detect` in a thread: the probe waits on a subprocess, so a run that
    will ask for the answer (the "unsandboxed" notice, the first shell command) gets it
    ready beside its own start-up."""
    threading.Thread(target=detect, args=(weaker_nested,), name="corral-sandbox-probe",
                     daemon=True).start()


@lru_cache(maxsize=2)
def _bwrap(weaker_nested: bool) -> Availability:
    path = bwrap.bwrap_path()
    if path is None:
        return Availability(problem=f"bubblewrap (bwrap) is not installed; {INSTALL_HINT}")
    problem = bwrap.probe(path, weaker_nested)
    if problem is not None:
        hint = "" if weaker_nested else (
            "; inside a container, sandbox.enable_weaker_nested_sandbox may help")
        return Availability(path=path, problem=problem + hint)
    return Availability(backend="bwrap", path=path)


@lru_cache(maxsize=1)
def _seatbelt() -> Availability:
    path = shutil.which("sandbox-exec") or "/usr/bin/sandbox-exec"
    true = shutil.which("true") or "/usr/bin/true"
    try:
        done = subprocess.run([path, "-p", "(version 1)(allow default)", true],
                              capture_output=True, timeout=10)
    except (OSError, subprocess.SubprocessError) as exc:
        return Availability(problem=f"sandbox-exec could not run: {exc}")
    if done.returncode != 0:
        return Availability(path=path, problem="sandbox-exec failed: "
                            + done.stderr.decode("utf-8", "replace").strip())
    return Availability(backend="seatbelt", path=path)
