"""The daily log: one append-only markdown file per local day, one line per kairos turn.

Files live in the project's memory folder, ``.claude/memory/logs/YYYY/MM/YYYY-MM-DD.md``,
beside the memory store, so the dream plugin (and anyone else) finds them. Every append
holds the store's lock (:meth:`corral.memory.MemoryStore.lock`), so a session, a dream and
the daemon can share the folder. Lines are only ever appended (``O_APPEND``, fsynced per
line), so a crash loses at most the line being written. The day is the local date at write
time: the file rolls over at local midnight.

Earlier versions kept the logs in ``<user data dir>/kairos/<project>/logs``; :func:`logs_dir`
moves any found there into the memory folder (merging a day that exists in both).
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from corral import paths

if TYPE_CHECKING:
    from corral.memory import MemoryStore

#: The logs' folder inside the memory folder.
LOGS = "logs"
#: Seconds an append waits for the memory store's lock.
LOCK_WAIT_S = 2.0


def project_slug(root: Path) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", str(root.resolve())).strip("-") or "root"


def project_state_dir(root: Path) -> Path:
    """State of the kairos daemon of one project (pid, lock, token, status)."""
    return paths.user_state_dir() / "kairos" / project_slug(root)


def legacy_logs_dir(root: Path) -> Path:
    """Where logs were kept before they moved into the memory folder."""
    return paths.user_data_dir() / "kairos" / project_slug(root) / "logs"


def memory_store(root: Path) -> MemoryStore:
    from corral.memory import MemoryStore

    return MemoryStore.for_project(root)


def logs_dir(root: Path) -> Path:
    """The project's daily logs: ``logs/`` in its memory folder (``.claude/memory``).

    Logs left in the old location are moved in first; when that cannot be done now (the
    store's lock is busy) they stay where they are and the next call tries again.
    """
    store = memory_store(root)
    migrate_legacy(store, root)
    return store.root / LOGS


def migrate_legacy(store: MemoryStore, root: Path) -> int:
    """Move old-location logs into ``store``'s folder; return how many files moved."""
    from corral.memory import MemoryStoreError

    old = legacy_logs_dir(root)
    if not old.is_dir():
        return 0
    moved = 0
    try:
        with store.lock():
            for path in sorted(old.glob("*/*/*.md")):
                target = store.root / LOGS / path.relative_to(old)
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
    from corral.atomic import write_atomic

    kept = target.read_text(encoding="utf-8").splitlines(keepends=True)
    header = [line for line in kept[:2] if not line.startswith("- ")]
    lines = [line for line in kept if line.startswith("- ")]
    lines += [line for line in old.read_text(encoding="utf-8").splitlines(keepends=True)
              if line.startswith("- ")]
    lines.sort(key=lambda line: line[2:10])  # "- HH:MM:SS ..."; a stable sort keeps order
    write_atomic(target, "".join(header + [line if line.endswith("\n") else line + "\n"
                                           for line in lines]), mode=0o600)


class DailyLog:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.store = memory_store(root)
        self.base = logs_dir(root)

    def path_for(self, now: float) -> Path:
        day = datetime.fromtimestamp(now)
        return self.base / f"{day:%Y}" / f"{day:%m}" / f"{day:%Y-%m-%d}.md"

    def append(self, text: str, now: float | None = None) -> Path:
        """Append one line (whitespace collapsed) to the log of ``now``'s local day.

        Holds the memory store's lock; when another writer keeps it longer than
        :data:`LOCK_WAIT_S` the line is appended anyway (one ``O_APPEND`` write) rather
        than lost.
        """
        from corral.memory import MemoryStoreError

        now = time.time() if now is None else now
        path = self.path_for(now)
        try:
            with self.store.lock(LOCK_WAIT_S):
                self._write(path, text, now)
        except MemoryStoreError:
            self._write(path, text, now)
        return path

    def _write(self, path: Path, text: str, now: float) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = ""
        if not path.exists():
            data += f"# kairos log {datetime.fromtimestamp(now):%Y-%m-%d} - {self.root}\n\n"
        stamp = datetime.fromtimestamp(now).strftime("%H:%M:%S")
        data += f"- {stamp} {' '.join(text.split())}\n"
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, data.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
