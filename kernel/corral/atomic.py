"""Atomic file writes: a crash or kill -9 leaves either the old file or the new one."""

from __future__ import annotations

import contextlib
import functools
import os
import re
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor

#: A temp file without a live writer is stale after this many seconds.
STALE_AFTER_S = 60.0
_TEMP = re.compile(r"^\.(?P<name>.+)\.corral-(?:(?P<pid>\d+)-)?[0-9a-f]{8}\.tmp$")


def is_atomic_temp(name: str) -> bool:
    """Whether a file name is one of :func:`write_atomic`'s temp files (a file watcher
    should not report those: each one is renamed over its target a moment later)."""
    return _TEMP.match(name) is not None


def remove_stale_temps(target: Path) -> int:
    """Remove temp files left beside ``target`` by interrupted writes (a kill -9 between
    creating and renaming): those whose writer is gone, or older than a minute.

    Returns how many were removed.
    """
    removed = 0
    try:
        candidates = list(target.parent.glob(f".{_glob_escape(target.name)}.corral-*.tmp"))
    except OSError:
        return 0
    for temp in candidates:
        match = _TEMP.match(temp.name)
        if match is None or match.group("name") != target.name:
            continue
        pid = match.group("pid")
        try:
            age = time.time() - temp.stat().st_mtime
        except OSError:
            continue
        writer_gone = pid is not None and int(pid) != os.getpid() and not pid_alive(int(pid))
        if writer_gone or age > STALE_AFTER_S:
            with contextlib.suppress(OSError):
                temp.unlink()
                removed += 1
    return removed


def _glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


def pid_alive(pid: int) -> bool:
    """Whether a process with ``pid`` exists (one we may not signal counts as alive)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def write_atomic(path: Path, data: str | bytes, *, mode: int | None = None) -> None:
    """Replace ``path`` with ``data`` through a temp file in the same directory, fsync and
    rename, then fsync the directory.

    Where the file system itself commits a file's data before a rename that replaces
    another file with it (:func:`rename_commits_data`: ext4 in its default ``data=ordered``
    mode with ``auto_da_alloc``), replacing an existing file skips the fsync before the
    rename — a crash still leaves the old file or the new one — and the directory's fsync,
    which only makes the rename durable sooner, runs in the background.

    An existing file keeps its permission bits; a new one gets ``mode``, or the usual mode of
    a created file (0o666 less the umask). A symlink is written through: its target is
    replaced and the link stays. Missing parent directories are created.
    """
    target = Path(os.path.realpath(path))
    target.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        st = os.stat(target)
    except FileNotFoundError:
        keep, ordered = mode, False
    else:
        keep, ordered = st.st_mode & 0o7777, rename_commits_data(st.st_dev)
    remove_stale_temps(target)
    tmp = target.parent / f".{target.name}.corral-{os.getpid()}-{os.urandom(4).hex()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            if not ordered:
                os.fsync(fh.fileno())
        if keep is not None:
            os.chmod(tmp, keep)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if ordered:
        _background().submit(_fsync_dir, target.parent)
    else:
        _fsync_dir(target.parent)


def _fsync_dir(directory: Path) -> None:
    try:
        dir_fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


@functools.lru_cache(maxsize=1)
def _background() -> ThreadPoolExecutor:
    from concurrent.futures import ThreadPoolExecutor

    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="corral-dirsync")


@functools.lru_cache(maxsize=64)
def rename_commits_data(device: int) -> bool:
    """Whether the file system on ``device`` (a ``st_dev``) writes a file's data to disk
    before it commits a rename that replaces another file with it, so that a crash leaves
    the old file or the new one without an fsync: ext4 journalling in ``data=ordered``
    (its default) or ``data=journal`` mode with ``auto_da_alloc`` (its default). Read from
    ``/proc/self/mountinfo``; False wherever that is not known."""
    try:
        lines = Path("/proc/self/mountinfo").read_text().splitlines()
    except OSError:
        return False
    wanted = f"{os.major(device)}:{os.minor(device)}"
    found = [line for line in lines if line.split(" ", 3)[2:3] == [wanted]]
    return bool(found) and all(mount_orders_renames(line) for line in found)


def mount_orders_renames(line: str) -> bool:
    """:func:`rename_commits_data` for one ``/proc/self/mountinfo`` line."""
    _, sep, tail = line.partition(" - ")
    fields = tail.split(" ")
    if not sep or len(fields) < 3 or fields[0] != "ext4":
        return False
    options = set(fields[2].split(","))
    return "noauto_da_alloc" not in options and "data=writeback" not in options
