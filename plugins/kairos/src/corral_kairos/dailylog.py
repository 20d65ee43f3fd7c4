"""Where kairos keeps its files: the daemon's state folder, and its daily log.

The daily log itself is the kernel's (:class:`corral.api.DailyLog`, one file per local day in
the project's memory folder ``.claude/memory/logs/``), so the dream plugin reads it without
importing kairos. Earlier versions of kairos kept the logs in
``<user data dir>/kairos/<project>/logs``; :func:`logs_dir` (and so :func:`open_log`) moves any
found there into the memory folder, merging a day that exists in both.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from corral.api import (
    legacy_project_slug,
    project_key,
    project_root,
    user_data_dir,
    user_state_dir,
)

if TYPE_CHECKING:
    from corral.api import DailyLog, MemoryStore

#: What the first line of each day's file names as the writer.
HEADING = "kairos log"


def project_slug(root: Path) -> str:
    """The old, lossy per-project folder name (``my_app`` and ``my-app`` shared it)."""
    return legacy_project_slug(root)


def project_state_dir(root: Path) -> Path:
    """State of the kairos daemon of one project (pid, lock, token, status).

    One folder per project path; the state of a daemon kept under the old folder name is
    moved here when it belonged to this project and no daemon holds it.
    """
    base = user_state_dir() / "kairos"
    folder = base / project_key(root)
    old = base / project_slug(root)
    if old.is_dir() and not folder.exists() and _state_owner(old) in (str(root.resolve()), None):
        with contextlib.suppress(OSError):
            os.rename(old, folder)
    return folder


def _state_owner(folder: Path) -> str | None:
    """The project root whose daemon wrote ``folder/state.json`` (``None`` when unknown)."""
    import msgspec

    try:
        data = msgspec.json.decode((folder / "state.json").read_bytes())
    except (OSError, msgspec.DecodeError):
        return None
    cwd = data.get("cwd") if isinstance(data, dict) else None
    if not isinstance(cwd, str):
        return None
    return str(project_root(Path(cwd)))


def legacy_logs_dir(root: Path) -> Path:
    """Where logs were kept before they moved into the memory folder."""
    return user_data_dir() / "kairos" / project_slug(root) / "logs"


def memory_store(root: Path) -> MemoryStore:
    from corral.api import MemoryStore

    return MemoryStore.for_project(root)


def logs_dir(root: Path) -> Path:
    """The project's daily logs: ``logs/`` in its memory folder (``.claude/memory``).

    Logs left in the old location are moved in first; when that cannot be done now (the
    store's lock is busy) they stay where they are and the next call tries again.
    """
    from corral.api import daily_logs_dir

    migrate_legacy(memory_store(root), root)
    return daily_logs_dir(root)


def migrate_legacy(store: MemoryStore, root: Path) -> int:
    """Move old-location logs into ``store``'s folder; return how many files moved."""
    from corral.api import MemoryStoreError, daily_logs_dir

    old = legacy_logs_dir(root)
    if not old.is_dir():
        return 0
    moved = 0
    try:
        with store.lock():
            for path in sorted(old.glob("*/*/*.md")):
                target = daily_logs_dir(root) / path.relative_to(old)
                target.parent.mkdir(parents=True, exist_ok=True)
                if target.exists():
                    _merge_into(target, path)
                    path.unlink()
                else:
                    os.replace(path, target)
                moved += 1
    except (MemoryStoreError, OSError):
        return moved
    for folder in sorted(old.glob("*/*"), reverse=True) + sorted(old.glob("*")) + [old]:
        with contextlib.suppress(OSError):
            folder.rmdir()  # only empty folders go
    return moved


def _merge_into(target: Path, old: Path) -> None:
    """One day logged in both places: keep ``target``'s header, all lines by time."""
    from corral.api import write_atomic

    kept = target.read_text(encoding="utf-8").splitlines(keepends=True)
    header = [line for line in kept[:2] if not line.startswith("- ")]
    lines = [line for line in kept if line.startswith("- ")]
    lines += [line for line in old.read_text(encoding="utf-8").splitlines(keepends=True)
              if line.startswith("- ")]
    lines.sort(key=lambda line: line[2:10])  # "- HH:MM:SS ..."; a stable sort keeps order
    write_atomic(target, "".join(header + [line if line.endswith("\n") else line + "\n"
                                           for line in lines]), mode=0o600)


def open_log(root: Path) -> DailyLog:
    """The project's daily log, with logs from the old location moved in first."""
    from corral.api import DailyLog

    logs_dir(root)
    return DailyLog(root, HEADING)
