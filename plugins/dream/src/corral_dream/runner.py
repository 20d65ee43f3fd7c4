"""One dream from start to end: lock, plan (model-free passes first), judge, commit, log.

Nothing is written until every phase has been planned, so a failed model call leaves the
memory untouched. The commit (:mod:`corral_dream.commit`) runs under the store's lock:
snapshot, entries (one store transaction), the CLAUDE.md section, the log, the state. With
``user_store`` on, the user store gets its own, smaller dream afterwards
(:mod:`corral_dream.user_scope`).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from corral.api import MemoryEntry, MemoryStore, now

from corral_dream import claude_md, rollback
from corral_dream.commit import commit, maybe_locked, undo_store
from corral_dream.gates import read_state, write_state
from corral_dream.judge import make_judge
from corral_dream.material import Material, collect
from corral_dream.merge import apply_verdicts, candidate_pairs
from corral_dream.plan import Workset
from corral_dream.prune import prune
from corral_dream.recheck import apply_rechecks, render_entries, run_recheck, stale_entries
from corral_dream.refresh import refresh_dates, reweigh
from corral_dream.report import Report
from corral_dream.settings import Settings
from corral_dream.synthesize import add_entries

if TYPE_CHECKING:
    from corral.api import App, Config

    from corral_dream.judge import Judge

Progress = Callable[[str], None]


def _quiet(_message: str) -> None:
    return None


async def dream(cwd: Path, config: Config, settings: Settings, *, dry_run: bool = False,
                trigger: str = "manual", progress: Progress | None = None,
                use_model: bool = True, app: App | None = None) -> Report:
    """Run one dream for the project of ``cwd``; returns its report. ``app`` runs the code
    re-check sub-session (made for ``cwd`` when not given and a re-check is due)."""
    from corral.api import project_root

    say = progress or _quiet
    root = project_root(cwd)
    store = MemoryStore.for_project(cwd)
    claude_path = claude_md.claude_md_path(root)
    report = Report(root=str(store.root), started=time.time(), dry_run=dry_run, trigger=trigger)
    with maybe_locked(store, dry_run, report):
        if not dry_run:
            recovered = rollback.recover(store, claude_path)
            if recovered:
                report.notes.append(recovered)
        work = await _plan(_Where(cwd, root, store, app), config, settings, report, say,
                           use_model)
        section = _section_change(work, settings, claude_path, report)
        report.changes = list(work.changes)
        report.entries_after = len(work.entries)
        if not dry_run and _nothing_to_remember(store, work, section):
            record_dream_only(store, report)
        elif not dry_run:
            commit(store, work, claude_path, section, report, say)
    report.finished = time.time()
    say(report.summary())
    if settings.user_store:
        from corral_dream.user_scope import dream_user

        report.user = await dream_user(config, settings, dry_run=dry_run, trigger=trigger,
                                       say=say, use_model=use_model)
    return report


def _nothing_to_remember(store: MemoryStore, work: Workset, section: str | None) -> bool:
    """No entries before or after and no memory folder yet: the dream must not create one."""
    return not work.base and not work.entries and section is None and not store.root.exists()


def record_dream_only(store: MemoryStore, report: Report) -> None:
    """Note the dream in the state (for the gates) without touching the memory folder."""
    report.finished = time.time()
    state = read_state(store)
    state.last_dream_at = report.finished
    write_state(store, state)


class _Where:
    """Where a dream works: the project, its store, and the app for the sub-session."""

    def __init__(self, cwd: Path, root: Path, store: MemoryStore, app: App | None) -> None:
        self.cwd, self.root, self.store, self._app = cwd, root, store, app

    @property
    def app(self) -> App:
        if self._app is None:
            from corral.api import App

            self._app = App.create(cwd=self.cwd)
        return self._app


async def _plan(where: _Where, config: Config, settings: Settings, report: Report,
                say: Progress, use_model: bool) -> Workset:
    at = now()
    entries = where.store.load()
    report.entries_before = len(entries)
    work = Workset(entries)
    state = read_state(where.store)
    say(f"prune: {len(entries)} entries: duplicates, dead references, expired")
    prune(work, where.root, at, settings.duplicate_threshold)
    pairs = candidate_pairs(work, settings.merge_threshold, settings.duplicate_threshold)
    material = collect(where.cwd, where.root, state.last_dream_at, settings.max_transcripts,
                       work.entries)
    stale = stale_entries(work, where.root, state.checked, at, settings)
    wanted = bool(pairs or material.moments or stale)
    judge = make_judge(config, settings, say) if use_model and wanted else None
    if judge is None and wanted:
        report.deferred += len(pairs) + len(material.moments) + len(stale)
        report.notes.append("no model available (no credentials or --no-model): merge, "
                            "contradiction, code re-check and synthesis judgments were deferred")
    try:
        await _judged_phases(where, work, judge, pairs, stale, material, settings, report, say,
                             at)
    finally:
        if judge is not None:
            await judge.client.close()
    if judge is not None:
        report.model_calls, report.deferred = judge.calls, report.deferred + judge.deferred
        report.input_tokens, report.output_tokens = judge.input_tokens, judge.output_tokens
        report.cost_usd = judge.cost_usd
    return work


async def _judged_phases(where: _Where, work: Workset, judge: Judge | None,
                         pairs: list[tuple[MemoryEntry, MemoryEntry]], stale: list[MemoryEntry],
                         material: Material, settings: Settings, report: Report, say: Progress,
                         at: datetime) -> None:
    say(f"merge: {len(pairs)} candidate pairs")
    if judge is not None:
        report.model = judge.model
        if pairs:
            apply_verdicts(work, await judge.judge_pairs(pairs), at)
    say(f"refresh: {len(stale)} stale entries, relative dates, importance")
    if judge is not None and stale:
        await _recheck(where, work, judge, stale, settings, report, say)
    refresh_dates(work)
    reweigh(work, Counter(material.uses), at, stale_days=settings.stale_days,
            used_boost=settings.used_boost)
    say(f"synthesize: {len(material.moments)} moments from {material.sessions} sessions"
        f" and {material.logs} kairos logs")
    if judge is not None and material.moments:
        found = await judge.synthesize(material.moments)
        report.notes.extend(add_entries(work, found, at, settings.duplicate_threshold))


async def _recheck(where: _Where, work: Workset, judge: Judge, stale: list[MemoryEntry],
                   settings: Settings, report: Report, say: Progress) -> None:
    """The code re-check of stale entries, in the guarded read-only sub-session."""
    from corral_dream._prompts import RECHECK_SYSTEM
    from corral_dream._text import estimate_tokens

    stale = [e for e in stale if work.entries.get(e.id) == e]  # not merged away meanwhile
    if not stale:
        return
    estimate = 3 * estimate_tokens(RECHECK_SYSTEM + render_entries(stale))
    if not judge.has_room(estimate):
        report.deferred += len(stale)
        report.notes.append(f"code re-check of {len(stale)} stale entries deferred: over the "
                            "token budget")
        return
    run = await run_recheck(where.app, where.root, where.store.root, stale,
                            judge.client, judge.model, settings, say)
    judge.spend(calls=run.calls, input_tokens=run.input_tokens,
                output_tokens=run.output_tokens, cost_usd=run.cost_usd)
    report.refused.extend(r.line() for r in run.refused)
    if run.skipped is not None:
        report.deferred += len(stale)
        report.notes.append(f"code re-check of {len(stale)} stale entries deferred: "
                            f"{run.skipped}")
        return
    work.rechecked |= apply_rechecks(work, run.verdicts)


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


def undo(cwd: Path, scope: str = "project") -> str:
    """Put back the memory as it was before the last dream: the project's (with its
    CLAUDE.md section) or, with ``scope="user"``, the user store."""
    from corral.api import project_root

    if scope == "user":
        return undo_store(MemoryStore.for_user(), None, "the user memory")
    claude_path = claude_md.claude_md_path(project_root(cwd))
    return undo_store(MemoryStore.for_project(cwd), claude_path, "the project memory")
