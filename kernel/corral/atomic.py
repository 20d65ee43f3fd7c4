"""Atomic file writes: a crash or kill -9 leaves either the old file or the new one."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def write_atomic(path: Path, data: str | bytes, *, mode: int | None = None) -> None:
    """Replace ``path`` with ``data`` through a temp file in the same directory, fsync and
    rename, then fsync the directory.

    An existing file keeps its permission bits; a new one gets ``mode``, or the usual mode of
    a created file (0o666 less the umask). A symlink is written through: its target is
    replaced and the link stays. Missing parent directories are created.
    """
    target = Path(os.path.realpath(path))
    target.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        keep: int | None = os.stat(target).st_mode & 0o7777
    except FileNotFoundError:
        keep = mode
    tmp = target.parent / f".{target.name}.corral-{secrets.token_hex(4)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        if keep is not None:
            os.chmod(tmp, keep)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    try:
        dir_fd = os.open(target.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)
