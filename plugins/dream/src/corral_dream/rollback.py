"""Undoing a dream that was killed while writing, without losing what others wrote since.

Before it writes anything, the commit records its intent in the ``dream-pending`` marker:
for every entry it changes, a fingerprint of the entry it writes (or none where it removes
the entry), the topic files it writes, and a hash of the CLAUDE.md section it writes.

Recovery (under the dream lock and the store's lock) compares three states entry by entry:
the snapshot (before the dream), the intent and the memory as it is now.

- an entry as the dream meant to leave it (its fingerprint, or absent where the dream
  removes it) is the dream's own write: it goes back to the snapshot;
- any other entry is kept as it is now: unchanged since the snapshot, or written by someone
  else after the crash (the Memory tool, ``corral memory add``, a kairos daemon), who saw the
  dream's half-written memory and changed it;
- a topic file the dream was writing that no longer parses (a torn write) is moved aside by
  the store, and its entries come back from the snapshot.

Entries the dream never changed keep their current state, so files the dream never wrote
are never restored. A topic file left holding exactly its snapshot entries gets the snapshot's
bytes back; ``MEMORY.md`` is then rebuilt from the topic files; the CLAUDE.md section goes back
only when it is still the one the dream wrote.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from pathlib import Path

import msgspec
from corral.api import MemoryEntry, MemoryStore, write_file

from corral_dream import claude_md, snapshot


class Intent(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """What a dream is about to write, recorded in ``dream-pending`` before it writes."""

    pid: int
    #: Entry id -> fingerprint of the entry the dream writes; ``None`` where it removes it.
    entries: dict[str, str | None] = {}
    #: The topics whose files (``topics/<topic>.md``) the dream writes.
    topics: tuple[str, ...] = ()
    #: sha256 of the CLAUDE.md section the dream writes; ``None`` when it leaves CLAUDE.md.
    section: str | None = None


class Outcome(msgspec.Struct, kw_only=True):
    """What a recovery did."""

    #: Entries put back as the snapshot had them (or removed, where the dream added them).
    undone: int = 0
    #: Topic file (``topics/<t>.md``) -> entries written there since the crash and kept.
    kept: dict[str, int] = {}
    #: Topic files the dream left torn, moved aside by the store as ``*.corrupt``.
    torn: list[str] = []
    #: Whether CLAUDE.md's section was edited since the crash and kept.
    claude_kept: bool = False

    def message(self) -> str:
        text = (f"an earlier dream was interrupted while writing; memory was put back as it "
                f"was before it ({_entries(self.undone)} undone)")
        if self.kept:
            files = ", ".join(f"{name} ({_entries(n)})" for name, n in sorted(self.kept.items()))
            text += f"; kept what was written since in {files}"
        if self.claude_kept:
            text += "; kept the CLAUDE.md section as edited since"
        if self.torn:
            text += (f"; {', '.join(sorted(self.torn))} did not parse and were moved aside "
                     "(*.corrupt) before being put back")
        return text


def _entries(count: int) -> str:
    return f"{count} entry" if count == 1 else f"{count} entries"


def fingerprint(entry: MemoryEntry) -> str:
    """sha256 of ``entry`` as a topic file gives it back (the store's own round trip)."""
    from corral.api import as_stored

    return hashlib.sha256(msgspec.json.encode(as_stored(entry))).hexdigest()


def section_hash(section: str | None) -> str | None:
    return None if section is None else hashlib.sha256(section.encode()).hexdigest()


def intent_of(before: dict[str, MemoryEntry], after: dict[str, MemoryEntry],
              claude_text: str | None) -> Intent:
    """The intent of a commit that turns ``before`` into ``after`` and writes ``claude_text``
    (the whole new CLAUDE.md, ``None`` when it is left alone)."""
    changed = {i for i in before.keys() | after.keys() if before.get(i) != after.get(i)}
    topics = {e.topic for i in changed for e in (before.get(i), after.get(i)) if e is not None}
    section = None if claude_text is None else section_hash(claude_md.split(claude_text)[1] or "")
    return Intent(pid=os.getpid(), topics=tuple(sorted(topics)), section=section,
                  entries={i: fingerprint(after[i]) if i in after else None
                           for i in sorted(changed)})


def write_intent(store: MemoryStore, intent: Intent) -> None:
    write_file(store.root / snapshot.PENDING, msgspec.json.encode(intent).decode() + "\n")


def read_intent(store: MemoryStore) -> Intent | None:
    """The marker's intent; ``None`` for a marker without one (an older dream's bare pid)."""
    try:
        return msgspec.json.decode((store.root / snapshot.PENDING).read_bytes(), type=Intent)
    except (msgspec.DecodeError, FileNotFoundError):
        return None


def recover(store: MemoryStore, claude_path: Path | None) -> str | None:
    """Undo a dream that was killed while writing; a note saying what was done, or ``None``
    when no dream was interrupted. Hold the dream lock."""
    if not (store.root / snapshot.PENDING).exists():
        return None
    with store.lock():
        if not snapshot.exists(store):
            snapshot.clear_pending(store)
            return None
        intent = read_intent(store)
        if intent is None:  # no record of what it wrote: the snapshot wholesale, as before
            count = snapshot.restore(store, claude_path)
            snapshot.clear_pending(store)
            return (f"an earlier dream was interrupted while writing; memory was put back as "
                    f"it was before it ({count} topic files; its marker recorded no intent, so "
                    "writes made since were not kept)")
        outcome = roll_back(store, claude_path, intent)
        snapshot.clear_pending(store)
    return outcome.message()


def roll_back(store: MemoryStore, claude_path: Path | None, intent: Intent) -> Outcome:
    """Undo the dream of ``intent`` and nothing else (hold ``store.lock()``)."""
    snap_root = store.root / snapshot.SNAPSHOT
    before = {e.id: e for e in MemoryStore(snap_root, store.scope).load()}
    present = {p.stem for p in store.topics_dir.glob("*.md")}
    current = {e.id: e for e in store.load()}  # a file that does not parse is moved aside
    aside = {t for t in present if not store.topic_path(t).exists()}
    torn = aside & set(intent.topics)  # the dream's own torn write: the snapshot's entries
    result = _merge(before, current, intent, torn)
    outcome = Outcome(torn=[f"topics/{t}.md" for t in sorted(torn)])
    outcome.undone = sum(1 for i in before.keys() | current.keys()
                         if result.get(i) != current.get(i) and i in intent.entries)
    kept: Counter[str] = Counter()
    for i in before.keys() | result.keys():
        entry = result.get(i) or before[i]
        if result.get(i) != before.get(i) and entry.topic not in aside:
            kept[f"topics/{entry.topic}.md"] += 1
    outcome.kept = dict(kept)
    with store.transaction(source="dream") as tx:
        tx.entries.clear()
        tx.entries.update(result)
    for topic in intent.topics:
        _put_back_bytes(store, snap_root, topic, before, result)
    store.reindex()
    if claude_path is not None and intent.section is not None:
        outcome.claude_kept = _claude(claude_path, snap_root, intent.section)
    return outcome


def _merge(before: dict[str, MemoryEntry], current: dict[str, MemoryEntry], intent: Intent,
           torn: set[str]) -> dict[str, MemoryEntry]:
    result: dict[str, MemoryEntry] = {}
    for entry_id in sorted(before.keys() | current.keys()):
        old, now = before.get(entry_id), current.get(entry_id)
        if now is None and old is not None and old.topic in torn:
            result[entry_id] = old  # its file is the dream's torn write
            continue
        if entry_id in intent.entries:
            meant = intent.entries[entry_id]
            dreams = meant is None if now is None else fingerprint(now) == meant
            if dreams:  # still as the dream left it: undo
                if old is not None:
                    result[entry_id] = old
                continue
        if now is not None:  # unchanged since the snapshot, or someone else's write
            result[entry_id] = now
    return result


def _put_back_bytes(store: MemoryStore, snap_root: Path, topic: str,
                    before: dict[str, MemoryEntry], result: dict[str, MemoryEntry]) -> None:
    """Give a topic file that holds exactly its snapshot entries the snapshot's bytes back
    (hand formatting included); remove a file the dream created that is left empty."""
    if {i: e for i, e in result.items() if e.topic == topic} != \
            {i: e for i, e in before.items() if e.topic == topic}:
        return
    saved, path = snap_root / "topics" / f"{topic}.md", store.topic_path(topic)
    if saved.exists():
        data = saved.read_bytes()
        if not path.exists() or path.read_bytes() != data:
            write_file(path, data.decode("utf-8"))
    elif path.exists():
        path.unlink()


def _claude(path: Path, snap_root: Path, intended: str) -> bool:
    """Put the CLAUDE.md section back when it is the one the dream wrote; ``True`` when it
    was edited since and kept."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return False
    state = msgspec.json.decode((snap_root / "claude.json").read_bytes(),
                                type=snapshot.ClaudeState)
    now = claude_md.split(text)[1]
    if now == state.section:
        return False  # the dream did not get there
    if section_hash(now or "") != intended:
        return True  # someone else's section: theirs stays
    snapshot.restore_claude(path, state)
    return False
