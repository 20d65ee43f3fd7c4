"""A cgroup (v2) per shell command, where this process may make one: every process the command
starts stays in it, whatever it does to its session, process group or environment, so a
timeout can end them all (``cgroup.kill``).

Used only when the cgroup this process is in (``/proc/self/cgroup``) sits on a writable
cgroup2 mount (``/proc/self/mountinfo``) that offers ``cgroup.kill`` (Linux 5.14+): root in a
container, or a delegated subtree. Elsewhere nothing changes: the process group and the run
mark (:mod:`corral.tools.builtin._proc`) end what they can. Commands in the bubblewrap sandbox
get none: their own pid namespace holds their processes the same way
(:attr:`corral.sandbox.runtime.Launch.contained`).
"""

from __future__ import annotations

import contextlib
import functools
import os
import time
from pathlib import Path

#: The command enters its cgroup itself before it runs anything (so nothing it forks can be
#: outside), then becomes the real command; if it cannot enter, it runs anyway.
_ENTER = 'echo $$ > "$0" 2>/dev/null; exec "$@"'


@functools.lru_cache(maxsize=1)
def _own_dir() -> Path | None:
    """The cgroup2 directory of this process, when new cgroups can be made under it."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
        mounts = Path("/proc/self/mountinfo").read_text().splitlines()
    except OSError:
        return None
    own = next((line[3:] for line in lines if line.startswith("0::")), None)
    if own is None:
        return None
    for mount in mounts:
        fields = mount.split(" - ", 1)
        if len(fields) != 2 or not fields[1].startswith("cgroup2 "):
            continue
        point = Path(fields[0].split()[4])
        where = point / own.lstrip("/")
        probe = where / f"corral-probe-{os.getpid()}"
        try:
            probe.mkdir()
        except OSError:
            continue
        try:
            usable = (probe / "cgroup.kill").exists()
        finally:
            with contextlib.suppress(OSError):
                probe.rmdir()
        if usable:
            return where
    return None


class CommandGroup:
    """One command's cgroup."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def create(cls) -> CommandGroup | None:
        """A new, empty cgroup, or None where none can be made."""
        parent = _own_dir()
        if parent is None:
            return None
        path = parent / f"corral-{os.getpid()}-{os.urandom(4).hex()}"
        try:
            path.mkdir()
        except OSError:
            return None
        return cls(path)

    def wrap(self, argv: list[str]) -> list[str]:
        """``argv`` made to enter this cgroup first."""
        return ["/bin/sh", "-c", _ENTER, str(self.path / "cgroup.procs"), *argv]

    def pids(self) -> list[int]:
        try:
            text = (self.path / "cgroup.procs").read_text()
        except OSError:
            return []
        return [int(p) for p in text.split()]

    def kill(self, group: int) -> int:
        """SIGKILL every process in the cgroup; returns how many of them were outside the
        process group ``group`` (those a kill of the group alone would have missed)."""
        outside = 0
        for pid in self.pids():
            try:
                outside += os.getpgid(pid) != group
            except OSError:
                continue
        with contextlib.suppress(OSError):
            (self.path / "cgroup.kill").write_text("1")
        return outside

    def remove(self, wait_s: float = 1.0) -> bool:
        """Remove the cgroup once it is empty (waiting up to ``wait_s`` for killed processes
        to go); False when processes the command left running still live in it."""
        deadline = time.monotonic() + wait_s
        while True:
            try:
                self.path.rmdir()
                return True
            except FileNotFoundError:
                return True
            except OSError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(0.02)


def stale_groups() -> list[CommandGroup]:
    """Cgroups of commands whose corral process is gone (it may end with ``os._exit``)."""
    parent = _own_dir()
    if parent is None:
        return []
    found: list[CommandGroup] = []
    with contextlib.suppress(OSError):
        for entry in parent.iterdir():
            owner = entry.name.split("-")
            if len(owner) == 3 and owner[0] == "corral" and owner[1].isdigit() \
                    and int(owner[1]) != os.getpid() and not Path(f"/proc/{owner[1]}").exists():
                found.append(CommandGroup(entry))
    return found
