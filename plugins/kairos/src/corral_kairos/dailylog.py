"""The daily log: one append-only markdown file per local day, one line per kairos turn.

Files live at ``<user data>/kairos/<project>/logs/YYYY/MM/YYYY-MM-DD.md``. Lines are only
ever appended (``O_APPEND``, flushed and fsynced per line), so a crash loses at most the
line being written. The day is taken from the local date at write time, so the file rolls
over at local midnight.
"""

from __future__ import annotations

import os
import re
import time
from datetime import datetime
from pathlib import Path

from corral import paths


def project_slug(root: Path) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", str(root.resolve())).strip("-") or "root"


def project_state_dir(root: Path) -> Path:
    """State of the kairos daemon of one project (pid, lock, token, status)."""
    return paths.user_state_dir() / "kairos" / project_slug(root)


def logs_dir(root: Path) -> Path:
    return paths.user_data_dir() / "kairos" / project_slug(root) / "logs"


class DailyLog:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.base = logs_dir(root)

    def path_for(self, now: float) -> Path:
        day = datetime.fromtimestamp(now)
        return self.base / f"{day:%Y}" / f"{day:%m}" / f"{day:%Y-%m-%d}.md"

    def append(self, text: str, now: float | None = None) -> Path:
        now = time.time() if now is None else now
        path = self.path_for(now)
        path.parent.mkdir(parents=True, exist_ok=True)
        fresh = not path.exists()
        line = " ".join(text.split())
        stamp = datetime.fromtimestamp(now).strftime("%H:%M:%S")
        data = ""
        if fresh:
            data += f"# kairos log {datetime.fromtimestamp(now):%Y-%m-%d} - {self.root}\n\n"
        data += f"- {stamp} {line}\n"
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, data.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
        return path
