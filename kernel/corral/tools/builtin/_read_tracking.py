"""Shared file helpers for the built-in tools: path resolution, read tracking, atomic writes.

Read tracking lives in ``session.stash[FILES]``: a mapping from the resolved path to a
:class:`FileRecord` taken when the file was last read or written by a tool. Write and Edit of
an existing file require a record that still matches the file on disk, so the model never
overwrites changes it has not seen.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

from corral.permissions.paths import lexical
from corral.stash import StashKey

if TYPE_CHECKING:
    from corral.session import Session

#: The read-tracking table in ``session.stash``: resolved path -> :class:`FileRecord`.
FILES: StashKey[dict[str, FileRecord]] = StashKey("files")


class FileRecord(msgspec.Struct, frozen=True):
    """What a file looked like when a tool last saw its whole content."""

    mtime_ns: int
    size: int
    sha256: str


def resolve(session: Session, file_path: str) -> Path:
    """Make ``file_path`` absolute against the session's working directory.

    ``~`` is expanded; ``..`` parts are normalised away, symlinks are left alone.
    """
    # the permission check resolves with the same function, so both see one file
    return Path(lexical(file_path, str(session.cwd), os.path.expanduser("~")))


def display(session: Session, path: Path) -> str:
    """``path`` relative to the session's working directory when inside it, else absolute."""
    try:
        rel = path.relative_to(Path(session.cwd))
    except ValueError:
        return str(path)
    return str(rel) if str(rel) != "." else "."


def _table(session: Session) -> dict[str, FileRecord]:
    return session.stash.get_or_create(FILES, dict)


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
    """Replace ``path`` with ``data`` atomically, keeping the mode of an existing file (a
    symlink is written through). See :func:`corral.atomic.write_atomic`."""
    from corral.atomic import write_atomic

    write_atomic(path, data)


def numbered(lines: list[str], first: int) -> str:
    """Lines in ``cat -n`` style: the number right-aligned in six columns, a tab, the line."""
    return "\n".join(f"{n:>6}\t{line}" for n, line in enumerate(lines, start=first))
