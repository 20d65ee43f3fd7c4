"""The user id the pet is rolled from, and the directory buddy keeps its files in.

By default nothing personal is hashed: the id is a random token made the first time it is
needed and kept in ``<user data dir>/buddy/user-id``. ``[plugins.buddy] user_id`` overrides it
(the same id gives the same pet on every machine).
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

from corral_buddy.errors import StoredFileError
from corral_buddy.settings import Settings

USER_ID_FILE = "user-id"


def buddy_dir() -> Path:
    """``<user data dir>/buddy``: relocated with the rest of corral by ``CORRAL_HOME``."""
    from corral.api import user_data_dir

    return user_data_dir() / "buddy"


def resolve_user_id(settings: Settings, root: Path) -> str:
    """The configured ``user_id``, else the one stored under ``root`` (made on first use)."""
    if settings.user_id is not None:
        return settings.user_id
    return stored_user_id(root)


def stored_user_id(root: Path) -> str:
    """The random id kept in ``root/user-id``, created once.

    Two processes starting at the same moment agree on one id: the file is written under a
    temporary name and linked into place, which fails if another process got there first.
    """
    path = root / USER_ID_FILE
    existing = _read_id(path)
    if existing is not None:
        return existing
    root.mkdir(parents=True, exist_ok=True)
    fresh = secrets.token_hex(16)
    fd, tmp = tempfile.mkstemp(prefix=f".{USER_ID_FILE}.", suffix=".tmp", dir=root)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(fresh + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        except OSError:
            # A file system without hard links: fall back to a plain atomic rename.
            if not path.exists():
                os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    stored = _read_id(path)
    if stored is None:
        raise StoredFileError(
            path,
            "the id file vanished right after it was written",
            "Check that nothing else is cleaning this directory.",
        )
    return stored


def _read_id(path: Path) -> str | None:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise StoredFileError(
            path,
            f"cannot read the pet's user id ({exc})",
            "Fix its permissions, or delete it to get a new pet.",
        ) from exc
    value = text.strip()
    if not value or "\n" in value:
        raise StoredFileError(
            path,
            "the user id file should hold one non-empty line",
            "Delete it to get a new pet, or set [plugins.buddy] user_id.",
        )
    return value
