"""``cleanupPeriodDays``: transcripts older than the period are deleted at start-up.

Only when the setting is given (corral keeps every transcript otherwise). The sweep runs
once per process, in a daemon thread, so it never delays the first request; a run that
exits first simply leaves the rest for the next start. Each deletion is one ``unlink`` of a
transcript file (``*.jsonl``) under the transcripts folder, whose modification time is
older than the period; folders left empty are removed.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from corral import paths

#: Transcript folders swept in this process.
_swept: set[Path] = set()
_lock = threading.Lock()


def transcripts_root() -> Path:
    return paths.user_data_dir() / "projects"


def remove_old_transcripts(root: Path, days: float, *, now: float | None = None,
                           keep: frozenset[Path] = frozenset()) -> list[Path]:
    """Delete ``*.jsonl`` files under ``root`` last written more than ``days`` ago (not
    those in ``keep``); return what was deleted."""
    cutoff = (time.time() if now is None else now) - days * 86400
    removed: list[Path] = []
    if not root.is_dir():
        return removed
    for path in root.rglob("*.jsonl"):
        try:
            if path in keep or path.stat().st_mtime >= cutoff:
                continue
            path.unlink()
        except OSError:
            continue
        removed.append(path)
    for folder in sorted({p.parent for p in removed}, key=lambda p: len(p.parts), reverse=True):
        while folder != root and folder.is_relative_to(root):
            try:
                folder.rmdir()
            except OSError:
                break
            folder = folder.parent
    return removed


def start_cleanup(days: int | None, keep: frozenset[Path] = frozenset()) -> threading.Thread | None:
    """Start the sweep in the background, once per process and folder; ``None`` when the
    setting is unset or it already ran."""
    if days is None:
        return None
    root = transcripts_root()
    with _lock:
        if root in _swept:
            return None
        _swept.add(root)
    thread = threading.Thread(target=remove_old_transcripts, args=(root, days),
                              kwargs={"keep": keep}, name="corral-cleanup", daemon=True)
    thread.start()
    return thread
