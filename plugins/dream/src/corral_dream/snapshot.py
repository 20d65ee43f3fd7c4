"""The snapshot taken before a dream writes, for ``corral dream --undo`` and for recovery.

Layout, inside the memory folder (the store reads neither)::

    dream-snapshot/topics/*.md, dream-snapshot/MEMORY.md, dream-snapshot/claude.json
    dream-pending      present only while a dream is writing: what it writes (see rollback)

A dream killed while writing leaves ``dream-pending``: the next dream (or ``--undo``) undoes
what it wrote first, keeping what others wrote since (:mod:`corral_dream.rollback`).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import msgspec
from corral.api import MemoryStore, write_file

from corral_dream import claude_md

SNAPSHOT = "dream-snapshot"
PENDING = "dream-pending"


class ClaudeState(msgspec.Struct, kw_only=True):
    exists: bool = False
    section: str | None = None
    #: The whole file as it was, put back as is when nobody edited it since.
    text: str | None = None


def _claude_state(path: Path | None) -> ClaudeState:
    if path is None:
        return ClaudeState()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ClaudeState()
    return ClaudeState(exists=True, section=claude_md.split(text)[1], text=text)


def take(store: MemoryStore, claude_path: Path | None) -> None:
    """Copy the memory files and the CLAUDE.md section aside (hold ``store.lock()``);
    ``claude_path`` is ``None`` for the user store, which has no section."""
    target = store.root / SNAPSHOT
    fresh = store.root / f".{SNAPSHOT}.tmp"
    shutil.rmtree(fresh, ignore_errors=True)
    (fresh / "topics").mkdir(parents=True)
    for path in sorted(store.topics_dir.glob("*.md")):
        shutil.copy2(path, fresh / "topics" / path.name)
    if store.index_path.exists():
        shutil.copy2(store.index_path, fresh / "MEMORY.md")
    (fresh / "claude.json").write_bytes(msgspec.json.encode(_claude_state(claude_path)))
    _fsync_tree(fresh)
    old = store.root / f".{SNAPSHOT}.old"
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    os.replace(fresh, target)
    shutil.rmtree(old, ignore_errors=True)


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


def exists(store: MemoryStore) -> bool:
    return (store.root / SNAPSHOT / "claude.json").exists()


def restore(store: MemoryStore, claude_path: Path | None) -> int:
    """Put the snapshot back (hold ``store.lock()``); returns the number of topic files."""
    snap = store.root / SNAPSHOT
    saved = {p.name: p for p in (snap / "topics").glob("*.md")}
    for path in store.topics_dir.glob("*.md"):
        if path.name not in saved:
            path.unlink()
    for name, path in saved.items():
        write_file(store.topic_path(name[:-3]), path.read_text(encoding="utf-8"))
    if (snap / "MEMORY.md").exists():
        write_file(store.index_path, (snap / "MEMORY.md").read_text(encoding="utf-8"))
    elif store.index_path.exists():
        store.index_path.unlink()
    state = msgspec.json.decode((snap / "claude.json").read_bytes(), type=ClaudeState)
    if claude_path is not None:
        restore_claude(claude_path, state)
    return len(saved)


def restore_claude(path: Path, state: ClaudeState) -> None:
    """Put CLAUDE.md's section back as ``state`` had it: the whole file when nothing outside
    the section changed since, else the section alone (removed when there was none)."""
    if not path.exists():
        return
    text = path.read_text(encoding="utf-8")
    now_section = claude_md.split(text)[1]
    untouched = (state.text is not None and now_section is not None
                 and claude_md.with_section(state.text, now_section) == text)
    if untouched and state.text is not None:
        restored = state.text
    elif state.section is not None:
        restored = claude_md.with_section(text, state.section)
    else:
        restored = claude_md.without_section(text, was_appended=True)
    if restored != text:
        write_file(path, restored)


def clear_pending(store: MemoryStore) -> None:
    try:
        (store.root / PENDING).unlink()
    except FileNotFoundError:
        pass


def discard(store: MemoryStore) -> None:
    shutil.rmtree(store.root / SNAPSHOT, ignore_errors=True)
