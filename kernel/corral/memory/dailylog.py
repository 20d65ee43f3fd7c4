"""The project's daily log: one append-only markdown file per local day, one line per entry.

Files live in the project's memory folder, ``.claude/memory/logs/YYYY/MM/YYYY-MM-DD.md``,
beside the memory store. The kernel owns the layout so that one plugin can write the log
(kairos, one line per turn it starts) and another can read it (dream) without either
importing the other. Every append holds the store's lock (:meth:`MemoryStore.lock`), so a
session, a dream and a daemon can share the folder. Lines are only ever appended
(``O_APPEND``, fsynced per line), so a crash loses at most the line being written. The day
is the local date at write time: the file rolls over at local midnight.

Each file starts with ``# <heading> YYYY-MM-DD - <project root>`` and a blank line; every
entry is one line ``- HH:MM:SS <text>`` (whitespace collapsed).
"""

from __future__ import annotations

import os
import time
from datetime import datetime
from pathlib import Path

from corral.memory.errors import MemoryStoreError
from corral.memory.store import MemoryStore

#: The logs' folder inside the memory folder.
LOGS = "logs"
#: Seconds an append waits for the memory store's lock.
LOCK_WAIT_S = 2.0


def daily_logs_dir(root: Path) -> Path:
    """The folder of the project's daily logs: ``logs/`` in its memory folder."""
    return MemoryStore.for_project(root).root / LOGS


def daily_log_files(root: Path, since: float | None = None) -> list[Path]:
    """The project's daily log files, newest first; only those modified after ``since``
    (a POSIX time) when it is given."""
    base = daily_logs_dir(root)
    if not base.is_dir():
        return []
    files = []
    for path in base.glob("*/*/*.md"):
        try:
            if since is None or path.stat().st_mtime > since:
                files.append(path)
        except OSError:
            continue
    return sorted(files, reverse=True)


class DailyLog:
    """Appends lines to the daily log of the project at ``root``; ``heading`` names the
    writer in the first line of each new file."""

    def __init__(self, root: Path, heading: str = "log") -> None:
        self.root = root
        self.heading = heading
        self.store = MemoryStore.for_project(root)
        self.base = self.store.root / LOGS

    def path_for(self, now: float) -> Path:
        day = datetime.fromtimestamp(now)
        return self.base / f"{day:%Y}" / f"{day:%m}" / f"{day:%Y-%m-%d}.md"

    def append(self, text: str, now: float | None = None) -> Path:
        """Append one line (whitespace collapsed) to the log of ``now``'s local day.

        Holds the memory store's lock; when another writer keeps it longer than
        :data:`LOCK_WAIT_S` the line is appended anyway (one ``O_APPEND`` write) rather
        than lost.
        """
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
            data += f"# {self.heading} {datetime.fromtimestamp(now):%Y-%m-%d} - {self.root}\n\n"
        stamp = datetime.fromtimestamp(now).strftime("%H:%M:%S")
        data += f"- {stamp} {' '.join(text.split())}\n"
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, data.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
