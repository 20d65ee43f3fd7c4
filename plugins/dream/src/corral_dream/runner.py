"""One dream from start to end: lock, plan (model-free passes first), judge, commit, log.

Nothing is written until every phase has been planned, so a failed model call leaves the
memory untouched. The commit runs under the store's lock: snapshot, entries (one store
transaction), the CLAUDE.md section, the log, the state.
"""

from __future__ import annotations

import contextlib
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec
from corral.memory import MemoryEntry, MemoryStore, now

from corral_dream import claude_md, snapshot
from corral_dream.gates import read_state, write_state
from corral_dream.lock import DreamLock
from corral_dream.material import Material, collect
from corral_dream.merge import apply_verdicts, candidate_pairs
from corral_dream.plan import Workset
from corral_dream.prune import prune
from corral_dream.refresh import refresh_dates, reweigh
from corral_dream.report import Report
from corral_dream.settings import Settings
from corral_dream.synthesize import add_entries

if TYPE_CHECKING:
    from corral.config.schema import Config

    from corral_dream.judge import Judge

LOG_NAME = "dream-log.md"
Progress = Callable[[str], None]


def _quiet(_message: str) -> None:
    return None


def make_judge(config: Config, settings: Settings, progress: Progress) -> Judge | None:
    """A judge on the configured model, or ``None`` when no credentials are set."""
    from corral.engine.client import NoCredentials, make_client

    from corral_dream.judge import Judge

    try:
        client = make_client(config)
    except NoCredentials:
        return None
    return Judge(client, config.resolve_model(settings.model), budget=settings.token_budget,
                 batch_tokens=settings.batch_tokens,
                 max_output_tokens=settings.max_output_tokens,
                 prices=config.models.prices, progress=progress)


@contextlib.contextmanager
def _maybe_locked(store: MemoryStore, dry_run: bool, report: Report) -> Iterator[None]:
    if dry_run:  # a dry run writes nothing, not even the lock file
        if not DreamLock(store.root).is_free():
            report.notes.append("another dream is running; this plan may be outdated soon")
        yield
        return
    with DreamLock(store.root) as lock:
        if lock.took_over:
            report.notes.append(lock.took_over)
        yield


async def dream(cwd: Path, config: Config, settings: Settings, *, dry_run: bool = False,
                trigger: str = "manual", progress: Progress | None = None,
                use_model: bool = True) -> Report:
    """Run one dream for the project of ``cwd``; returns its report."""
    from corral.paths import project_root

    say = progress or _quiet
    root = project_root(cwd)
    store = MemoryStore.for_project(cwd)
    claude_path = claude_md.claude_md_path(root)
    report = Report(root=str(store.root), started=time.time(), dry_run=dry_run, trigger=trigger)
    with _maybe_locked(store, dry_run, report):
        if not dry_run:
            recovered = snapshot.recover(store, claude_path)
            if recovered:
                report.notes.append(recovered)
        work = await _plan(cwd, root, store, config, settings, report, say, use_model)
        section = _section_change(work, settings, claude_path, report)
        report.changes = list(work.changes)
        report.entries_after = len(work.entries)
        if not dry_run:
            _commit(store, work, claude_path, section, report, say)
    report.finished = time.time()
    say(report.summary())
    return report


async def _plan(cwd: Path, root: Path, store: MemoryStore, config: Config, settings: Settings,
                report: Report, say: Progress, use_model: bool) -> Workset:
    at = now()
    entries = store.load()
    report.entries_before = len(entries)
    work = Workset(entries)
    state = read_state(store)
    say(f"prune: {len(entries)} entries: duplicates, dead references, expired")
    prune(work, root, at, settings.duplicate_threshold)
    pairs = candidate_pairs(work, settings.merge_threshold, settings.duplicate_threshold)
    material = collect(cwd, root, state.last_dream_at, settings.max_transcripts, work.entries)
    judge = make_judge(config, settings, say) if use_model and (pairs or material.moments) \
        else None
    if judge is None and (pairs or material.moments):
        report.deferred += len(pairs) + len(material.moments)
        report.notes.append("no model available (no credentials or --no-model): merge, "
                            "contradiction and synthesis judgments were deferred")
    try:
        await _judged_phases(work, judge, pairs, material, settings, report, say, at)
    finally:
        if judge is not None:
            await judge.client.close()
    return work


async def _judged_phases(work: Workset, judge: Judge | None,
                         pairs: list[tuple[MemoryEntry, MemoryEntry]], material: Material,
                         settings: Settings, report: Report, say: Progress,
                         at: datetime) -> None:
    say(f"merge: {len(pairs)} candidate pairs")
    if judge is not None:
        report.model = judge.model
        if pairs:
            apply_verdicts(work, await judge.judge_pairs(pairs), at)
    say("refresh: relative dates, importance")
    refresh_dates(work)
    reweigh(work, Counter(material.uses), at, stale_days=settings.stale_days,
            used_boost=settings.used_boost)
    say(f"synthesize: {len(material.moments)} moments from {material.sessions} sessions"
        f" and {material.logs} kairos logs")
    if judge is not None and material.moments:
        found = await judge.synthesize(material.moments)
        report.notes.extend(add_entries(work, found, at, settings.duplicate_threshold))
    if judge is not None:
        report.model_calls, report.deferred = judge.calls, report.deferred + judge.deferred
        report.input_tokens, report.output_tokens = judge.input_tokens, judge.output_tokens
        report.cost_usd = judge.cost_usd


def _section_change(work: Workset, settings: Settings, claude_path: Path,
                    report: Report) -> str | None:
    """The new CLAUDE.md text, or ``None`` when it does not change."""
    if not settings.claude_md:
        return None
    try:
        text = claude_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    body = claude_md.render_section(list(work.entries.values()), settings.claude_md_entries)
    new = claude_md.with_section(text, body)
    if new == text:
        return None
    report.claude_md = "updated" if claude_md.split(text)[1] is not None else "added"
    return new


def _commit(store: MemoryStore, work: Workset, claude_path: Path, section: str | None,
            report: Report, say: Progress) -> None:
    from corral.memory.store import write_file

    at = now()
    with store.lock():
        snapshot.take(store, claude_path)
        snapshot.mark_pending(store)
        skipped = 0
        with store.transaction(source="dream") as tx:
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
        if skipped:
            report.notes.append(f"{skipped} entries changed while the dream ran; left as they are")
        if section is not None:
            write_file(claude_path, section)
        snapshot.clear_pending(store)
        report.committed = True
        report.finished = time.time()
        _append_log(store, report.markdown())
        state = read_state(store)
        state.last_dream_at = report.finished
        write_state(store, state)
    say(f"wrote {store.root} (undo with `corral dream --undo`)")


def _append_log(store: MemoryStore, section: str) -> None:
    from corral.memory.store import write_file

    path = store.root / LOG_NAME
    try:
        old = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        old = "# Dream log\n\nWhat each `corral dream` changed in this memory folder.\n"
    write_file(path, old.rstrip("\n") + "\n\n" + section)


def undo(cwd: Path) -> str:
    """Put back the memory as it was before the last dream."""
    from corral.paths import project_root

    store = MemoryStore.for_project(cwd)
    claude_path = claude_md.claude_md_path(project_root(cwd))
    with DreamLock(store.root), store.lock():
        if not snapshot.exists(store):
            return "dream: nothing to undo (no snapshot of an earlier dream)"
        count = snapshot.restore(store, claude_path)
        snapshot.discard(store)
        snapshot.clear_pending(store)
        _append_log(store, f"## {time.strftime('%Y-%m-%d %H:%M:%SZ', time.gmtime())} (undo)\n\n"
                           f"Put back the memory as it was before the last dream "
                           f"({count} topic files).\n")
    return f"dream: restored the memory as it was before the last dream ({count} topic files)"


def report_json(report: Report) -> dict[str, Any]:
    return report.to_json()
