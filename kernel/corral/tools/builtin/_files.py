"""Shared file helpers for the built-in tools: path resolution, read tracking, atomic writes.

Read tracking lives in ``session.tool_state["files"]``: a mapping from the resolved path to a
:class:`FileRecord` taken when the file was last read or written by a tool. Write and Edit of
an existing file require a record that still matches the file on disk, so the model never
overwrites changes it has not seen.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

if TYPE_CHECKING:
    from corral.session import Session

#: Key of the read-tracking table in ``session.tool_state``.
FILES_KEY = "files"


class FileRecord(msgspec.Struct, frozen=True):
    """What a file looked like when a tool last saw its whole content."""

    mtime_ns: int
    size: int
    sha256: str


def resolve(session: Session, file_path: str) -> Path:
    """Make ``file_path`` absolute against the session's working directory.

    ``~`` is expanded; ``..`` parts are normalised away, symlinks are left alone.
    """
    path = Path(os.path.expanduser(file_path))
    if not path.is_absolute():
        path = Path(session.cwd) / path
    return Path(os.path.normpath(path))


def display(session: Session, path: Path) -> str:
    """``path`` relative to the session's working directory when inside it, else absolute."""
    try:
        rel = path.relative_to(Path(session.cwd))
    except ValueError:
        return str(path)
    return str(rel) if str(rel) != "." else "."


def _table(session: Session) -> dict[str, FileRecord]:
    table = session.tool_state.get(FILES_KEY)
    if table is None:
        table = {}
        session.tool_state[FILES_KEY] = table
    return table


def _key(path: Path) -> str:
    return os.path.realpath(path)


def record(session: Session, path: Path, data: bytes) -> None:
    """Remember that the tool has now seen ``data`` as the content of ``path``."""
    record_digest(session, path, hashlib.sha256(data).hexdigest())


def record_digest(session: Session, path: Path, sha256: str) -> None:
    """Like :func:`record`, given the SHA-256 (hex) of the content seen."""
    st = os.stat(path)
    _table(session)[_key(path)] = FileRecord(
        mtime_ns=st.st_mtime_ns, size=st.st_size, sha256=sha256
    )


def staleness(session: Session, path: Path, data: bytes) -> str | None:
    """Why writing over the existing ``path`` (current content ``data``) is refused, or None.

    A file whose mtime changed but whose bytes did not (a ``touch``) still counts as fresh.
    """
    shown = display(session, path)
    rec = _table(session).get(_key(path))
    if rec is None:
        return (
            f"{shown} has not been read in this session. Read it with the Read tool first, "
            "then retry the change."
        )
    st = os.stat(path)
    if st.st_mtime_ns == rec.mtime_ns and st.st_size == rec.size:
        return None
    if st.st_size == rec.size and hashlib.sha256(data).hexdigest() == rec.sha256:
        return None
    return (
        f"{shown} has changed on disk since it was last read (by the user, a command or "
        "another tool). Read it again to see the current content, then retry the change."
    )


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically, keeping the mode of an existing file.

    The bytes go to a temporary file in the same directory, are fsynced, and the temporary
    file is renamed over the target, so a crash leaves either the old or the new content.
    A symlink is written through: its target is replaced, the link stays.
    """
    target = Path(os.path.realpath(path))
    try:
        mode: int | None = os.stat(target).st_mode & 0o7777
    except FileNotFoundError:
        mode = None
    tmp = target.parent / f".{target.name}.corral-{secrets.token_hex(4)}.tmp"
    # 0o666 lets the process umask decide the mode of a new file, as for any created file.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
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


def numbered(lines: list[str], first: int) -> str:
    """Lines in ``cat -n`` style: the number right-aligned in six columns, a tab, the line."""
    return "\n".join(f"{n:>6}\t{line}" for n, line in enumerate(lines, start=first))
