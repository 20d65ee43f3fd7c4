"""Writing a planned dream, and undoing it, for one store (the project's or the user's).

The commit runs under the store's lock: snapshot and pending marker (with what the dream is
about to write, for :mod:`corral_dream.rollback`), entries (one store transaction), the
CLAUDE.md section (project store only), the log, the state.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import msgspec
from corral.api import MemoryStore, now

from corral_dream import rollback, snapshot
from corral_dream.gates import read_state, state_dir, write_state
from corral_dream.lock import DreamLock
from corral_dream.plan import Workset
from corral_dream.report import Report

LOG_NAME = "dream-log.md"
Progress = Callable[[str], None]


@contextlib.contextmanager
def maybe_locked(store: MemoryStore, dry_run: bool, report: Report) -> Iterator[None]:
    """The dream lock of ``store``'s folder; a dry run takes none (it writes nothing)."""
    if dry_run:  # a dry run writes nothing, not even the lock file
        if not DreamLock(state_dir(store)).is_free():
            report.notes.append("another dream is running; this plan may be outdated soon")
        yield
        return
    with DreamLock(state_dir(store)) as lock:
        if lock.took_over:
            report.notes.append(lock.took_over)
        yield


def commit(store: MemoryStore, work: Workset, claude_path: Path | None, section: str | None,
           report: Report, say: Progress, undo_hint: str = "corral dream --undo") -> None:
    from corral.api import write_file

    at = now()
    with store.lock():
        skipped = 0
        with store.transaction(source="dream") as tx:
            before = dict(tx.entries)
            for entry_id, old in work.base.items():
                new = work.entries.get(entry_id)
                if tx.entries.get(entry_id) != old:
                    skipped += new != old
                    continue  # changed by someone else while we planned: theirs wins
                if new is None:
                    del tx.entries[entry_id]
                elif new != old:
                    tx.put(msgspec.structs.replace(new, updated=at))
            for entry_id, entry in work.entries.items():
                if entry_id not in work.base:
                    tx.put(entry)
            # the files are written when the block ends: snapshot and intent first
            snapshot.take(store, claude_path)
            rollback.write_intent(store, rollback.intent_of(before, tx.entries, section))
        if skipped:
            report.notes.append(f"{skipped} entries changed while the dream ran; left as they are")
        if section is not None and claude_path is not None:
            write_file(claude_path, section)
        snapshot.clear_pending(store)
        report.committed = True
        report.finished = time.time()
        append_log(store, report.markdown())
        state = read_state(store)
        state.last_dream_at = report.finished
        state.checked = {i: t for i, t in state.checked.items() if i in work.entries}
        state.checked.update(dict.fromkeys(work.rechecked, report.finished))
        write_state(store, state)
    say(f"wrote {store.root} (undo with `{undo_hint}`)")


def append_log(store: MemoryStore, section: str) -> None:
    from corral.api import write_file

    path = store.root / LOG_NAME
    try:
        old = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        old = "# Dream log\n\nWhat each `corral dream` changed in this memory folder.\n"
    write_file(path, old.rstrip("\n") + "\n\n" + section)


def undo_store(store: MemoryStore, claude_path: Path | None, what: str) -> str:
    """Put ``store`` (and the CLAUDE.md section) back as before the last dream."""
    with DreamLock(state_dir(store)), store.lock():
        if not snapshot.exists(store):
            return f"dream: nothing to undo in {what} (no snapshot of an earlier dream)"
        recovered = rollback.recover(store, claude_path)
        if recovered:  # the last dream never finished: undo what it wrote, keep the rest
            snapshot.discard(store)
            append_log(store, f"## {_stamp()} (undo)\n\n{recovered[0].upper()}"
                              f"{recovered[1:]}.\n")
            return f"dream: {recovered}"
        count = snapshot.restore(store, claude_path)
        snapshot.discard(store)
        snapshot.clear_pending(store)
        append_log(store, f"## {_stamp()} (undo)\n\n"
                          f"Put back the memory as it was before the last dream "
                          f"({count} topic files).\n")
    return f"dream: restored {what} as it was before the last dream ({count} topic files)"


def _stamp() -> str:
    return time.strftime("%Y-%m-%d %H:%M:%SZ", time.gmtime())
