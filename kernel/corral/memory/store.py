"""The memory store: entries in topic files under a folder, an index, a lock.

Layout (stable; see docs/memory.md)::

    <root>/MEMORY.md          the index, one line per entry (generated between markers)
    <root>/topics/<t>.md      the entries of topic <t>
    <root>/.lock              the lock every writer holds (a session, a dream, a daemon)
    <root>/*.corrupt          files that failed to parse, moved aside, never deleted

Every write happens inside :meth:`MemoryStore.transaction`: take the lock, read the files
afresh, change the entries, write each changed file atomically (temp + fsync + rename), then
the index, then release. Two processes writing at once therefore lose nothing.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from corral.atomic import write_atomic
from corral.memory import _format
from corral.memory.entry import MemoryEntry, MemoryType, Scope, check_entry, new_id, now
from corral.memory.errors import MemoryStoreError, UnknownEntry

if TYPE_CHECKING:
    from filelock import BaseFileLock

INDEX = "MEMORY.md"
TOPICS = "topics"
LOCK = ".lock"
#: Seconds a writer waits for the lock before giving up with an error.
LOCK_TIMEOUT_S = 10.0


class MemoryChange(msgspec.Struct, frozen=True, kw_only=True):
    """What one transaction changed, sent to every listener of the store."""

    scope: Scope
    root: str
    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    #: Who wrote: a session id, ``cli``, or a plugin name.
    source: str | None = None


Listener = Callable[[MemoryChange], None]
Warn = Callable[[str], None]


class MemoryStore:
    """One memory folder. Cheap to create; reads are cached by file size and mtime."""

    def __init__(self, root: Path, scope: Scope = "project", *, warn: Warn | None = None) -> None:
        self.root = Path(root)
        self.scope: Scope = scope
        self.warn = warn
        self.listeners: list[Listener] = []
        #: Warnings from the last load (quarantined files), also sent to ``warn``.
        self.warnings: list[str] = []
        self._cache: dict[str, tuple[tuple[int, int], list[MemoryEntry]]] = {}
        self._lock: BaseFileLock | None = None

    @classmethod
    def for_project(cls, cwd: Path, *, warn: Warn | None = None) -> MemoryStore:
        """The store in ``<project root>/.claude/memory``."""
        from corral.paths import project_root

        return cls(project_root(cwd) / ".claude" / "memory", "project", warn=warn)

    @classmethod
    def for_user(cls, *, warn: Warn | None = None) -> MemoryStore:
        """The user's store, in ``<user data dir>/memory``."""
        from corral.paths import user_data_dir

        return cls(user_data_dir() / "memory", "user", warn=warn)

    @property
    def index_path(self) -> Path:
        return self.root / INDEX

    @property
    def topics_dir(self) -> Path:
        return self.root / TOPICS

    def topic_path(self, topic: str) -> Path:
        return self.topics_dir / f"{topic}.md"

    # -- reading ------------------------------------------------------------------------------

    def load(self) -> list[MemoryEntry]:
        """Every entry, from every topic file; a file that fails to parse is moved aside
        as ``*.corrupt`` with a warning and the others still load."""
        self.warnings = []
        entries: list[MemoryEntry] = []
        seen: set[str] = set()
        try:
            files = sorted(self.topics_dir.glob("*.md"))
        except OSError:
            files = []
        for path in files:
            for entry in self._read_topic(path):
                if entry.id in seen:
                    self._warn(f"memory: {path}: entry id {entry.id} appears twice; the later "
                               "copy is ignored until the next write removes it")
                    continue
                seen.add(entry.id)
                entries.append(entry)
        return entries

    def get(self, entry_id: str) -> MemoryEntry:
        for entry in self.load():
            if entry.id == entry_id:
                return entry
        raise UnknownEntry(f"no memory entry {entry_id!r} in {self.root}; "
                           "`corral memory list` shows the ids")

    def read_index(self) -> str:
        try:
            return self.index_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return ""

    def _read_topic(self, path: Path) -> list[MemoryEntry]:
        try:
            st = path.stat()
        except FileNotFoundError:
            return []
        key = (st.st_mtime_ns, st.st_size)
        cached = self._cache.get(path.name)
        if cached is not None and cached[0] == key:
            return cached[1]
        try:
            text = path.read_text(encoding="utf-8")
            entries = _format.parse_topic(text, path.stem)
        except (_format.ParseError, UnicodeDecodeError) as exc:
            self._quarantine(path, str(exc))
            return []
        self._cache[path.name] = (key, entries)
        return entries

    def _quarantine(self, path: Path, problem: str) -> None:
        target = path.with_name(path.name + ".corrupt")
        if target.exists():
            target = path.with_name(f"{path.name}.{int(time.time())}.corrupt")
        try:
            with self.lock():
                if path.exists():
                    os.replace(path, target)
        except (OSError, MemoryStoreError) as exc:
            self._warn(f"memory: {path} does not parse ({problem}) and could not be moved "
                       f"aside ({exc}); its entries are skipped")
            return
        self._cache.pop(path.name, None)
        self._warn(f"memory: {path} does not parse ({problem}); moved aside as {target.name} "
                   "(nothing deleted); fix it and rename it back to restore its entries")

    def _warn(self, message: str) -> None:
        self.warnings.append(message)
        if self.warn is not None:
            self.warn(message)

    # -- writing ------------------------------------------------------------------------------

    def lock(self, timeout: float = LOCK_TIMEOUT_S) -> contextlib.AbstractContextManager[Any]:
        """The store's lock (re-entrant within a process). Hold it to write anything in the
        memory folder, including files other than entries (logs, snapshots)."""
        return _Locked(self._filelock(), timeout, self.root)

    def _filelock(self) -> BaseFileLock:
        from filelock import FileLock

        if self._lock is None:
            self.root.mkdir(parents=True, exist_ok=True)
            # one lock object per path in this process, so nested holders re-enter it
            self._lock = FileLock(str(self.root / LOCK), is_singleton=True, thread_local=False)
        return self._lock

    @contextlib.contextmanager
    def transaction(self, source: str | None = None) -> Iterator[Transaction]:
        """Lock, load afresh, let the caller change entries, write what changed, unlock.

        An exception inside the block writes nothing.
        """
        with self.lock():
            before = {e.id: e for e in self.load()}
            tx = Transaction(dict(before), source)
            yield tx
            change = self._commit(before, tx)
        if change is not None:
            for listener in list(self.listeners):
                listener(change)

    def _commit(self, before: dict[str, MemoryEntry], tx: Transaction) -> MemoryChange | None:
        after = tx.entries
        added = tuple(i for i in after if i not in before)
        removed = tuple(i for i in before if i not in after)
        updated = tuple(i for i in after if i in before and after[i] != before[i])
        if not (added or removed or updated):
            return None
        touched = {after[i].topic for i in (*added, *updated)}
        touched |= {before[i].topic for i in (*removed, *updated)}
        for topic in sorted(touched):
            path = self.topic_path(topic)
            write_file(path, _format.render_topic(topic, (e for e in after.values()
                                                          if e.topic == topic)))
        write_file(self.index_path,
                   _format.render_index(list(after.values()), self.read_index() or None))
        return MemoryChange(scope=self.scope, root=str(self.root), added=added, updated=updated,
                            removed=removed, source=tx.source)

    def reindex(self) -> None:
        """Write ``MEMORY.md`` again from the topic files (after a hand edit)."""
        with self.lock():
            write_file(self.index_path, _format.render_index(self.load(), self.read_index()))

    # -- one-call conveniences ----------------------------------------------------------------

    def add(
        self,
        text: str,
        *,
        type: MemoryType = "project",
        tags: Sequence[str] = (),
        importance: int = 3,
        source: str | None = None,
        files: Sequence[str] = (),
        topic: str | None = None,
        expires: datetime | None = None,
    ) -> MemoryEntry:
        with self.transaction(source) as tx:
            return tx.add(text, type=type, tags=tags, importance=importance, source=source,
                          files=files, topic=topic, expires=expires)

    def update(self, entry_id: str, *, source: str | None = None, **changes: Any) -> MemoryEntry:
        with self.transaction(source) as tx:
            return tx.update(entry_id, **changes)

    def remove(self, entry_id: str, *, source: str | None = None) -> MemoryEntry:
        with self.transaction(source) as tx:
            return tx.remove(entry_id)

    def replace_all(self, entries: Sequence[MemoryEntry], *, source: str | None = None) -> None:
        """Make the store hold exactly ``entries`` (a consolidation's result), in one write."""
        with self.transaction(source) as tx:
            for entry in entries:
                check_entry(entry)
            tx.entries.clear()
            tx.entries.update({e.id: e for e in entries})


class Transaction:
    """The entries of a store while its lock is held; change them through the methods (or
    :attr:`entries` directly, by id)."""

    def __init__(self, entries: dict[str, MemoryEntry], source: str | None) -> None:
        self.entries = entries
        self.source = source

    def add(
        self,
        text: str,
        *,
        type: MemoryType = "project",
        tags: Sequence[str] = (),
        importance: int = 3,
        source: str | None = None,
        files: Sequence[str] = (),
        topic: str | None = None,
        expires: datetime | None = None,
    ) -> MemoryEntry:
        stamp = now()
        entry = MemoryEntry(
            id=new_id(), text=text.strip(), type=type, tags=_tags(tags), importance=importance,
            created=stamp, updated=stamp, source=source or self.source, files=tuple(files),
            topic=topic or type, expires=expires,
        )
        check_entry(entry)
        self.entries[entry.id] = entry
        return entry

    def put(self, entry: MemoryEntry) -> MemoryEntry:
        """Insert or replace ``entry`` as given (a plugin that builds entries itself)."""
        check_entry(entry)
        self.entries[entry.id] = entry
        return entry

    def update(self, entry_id: str, **changes: Any) -> MemoryEntry:
        old = self._get(entry_id)
        if "tags" in changes:
            changes["tags"] = _tags(changes["tags"])
        if "files" in changes:
            changes["files"] = tuple(changes["files"])
        if "text" in changes:
            changes["text"] = str(changes["text"]).strip()
        unknown = set(changes) - set(MemoryEntry.__struct_fields__)
        if unknown or "id" in changes or "created" in changes:
            bad = ", ".join(sorted(unknown | ({"id", "created"} & set(changes))))
            raise MemoryStoreError(f"memory entry {entry_id}: cannot change {bad}")
        new = msgspec.structs.replace(old, **{"updated": now(), **changes})
        check_entry(new)
        self.entries[entry_id] = new
        return new

    def remove(self, entry_id: str) -> MemoryEntry:
        entry = self._get(entry_id)
        del self.entries[entry_id]
        return entry

    def _get(self, entry_id: str) -> MemoryEntry:
        try:
            return self.entries[entry_id]
        except KeyError:
            raise UnknownEntry(f"no memory entry {entry_id!r}; search or list the memory to "
                               "find its id") from None


def write_file(path: Path, text: str) -> None:
    """Atomically write a file of the memory folder; new files are readable by all (0644),
    like any other project file; an existing file keeps its mode."""
    write_atomic(path, text, mode=None if path.exists() else 0o644)


def _tags(tags: Sequence[str]) -> tuple[str, ...]:
    out: list[str] = []
    for tag in tags:
        clean = tag.strip().lstrip("#").lower().replace(" ", "-")
        if clean and clean not in out:
            out.append(clean)
    return tuple(out)


class _Locked:
    def __init__(self, lock: BaseFileLock, timeout: float, root: Path) -> None:
        self._lock = lock
        self._timeout = timeout
        self._root = root

    def __enter__(self) -> _Locked:
        from filelock import Timeout

        try:
            self._lock.acquire(timeout=self._timeout)
        except Timeout:
            raise MemoryStoreError(
                f"memory: {self._root / LOCK} is held by another process (a dream, a daemon or "
                f"another session) for more than {self._timeout:.0f} s; try again later"
            ) from None
        return self

    def __exit__(self, *exc: object) -> None:
        self._lock.release()
