"""The user store's dream (``[plugins.dream] user_store = true``; off by default).

The user store is shared by every project, so a dream started in one project only does what
is true of the store as a whole: expired entries, exact and near duplicates, model-judged
merges and contradictions, relative dates made absolute. It skips what would judge the
store by one project: dead file references (an entry's files are relative to some other
project), importance by use (only this project's transcripts are read), the code re-check,
synthesis (new entries go to the project store) and CLAUDE.md. It has its own dream lock,
snapshot and pending marker in the user memory folder (``corral dream --undo user``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from corral.api import MemoryStore, now

from corral_dream import rollback
from corral_dream.commit import commit, maybe_locked
from corral_dream.errors import DreamBusy, DreamModelError
from corral_dream.judge import make_judge
from corral_dream.merge import apply_verdicts, candidate_pairs
from corral_dream.plan import Workset
from corral_dream.prune import prune_duplicates, prune_expired
from corral_dream.refresh import refresh_dates
from corral_dream.report import Report
from corral_dream.settings import Settings

if TYPE_CHECKING:
    from corral.api import Config


async def dream_user(config: Config, settings: Settings, *, dry_run: bool, trigger: str,
                     say: Callable[[str], None], use_model: bool) -> Report:
    """Consolidate the user store; a busy lock or a failed judgment leaves it as it was and
    says so in the report (the project's dream is already done by then)."""
    store = MemoryStore.for_user()
    report = Report(root=str(store.root), started=time.time(), dry_run=dry_run,
                    trigger=trigger, scope="user")
    if not store.topics_dir.is_dir():
        report.notes.append("the user store is empty")
        return report
    try:
        with maybe_locked(store, dry_run, report):
            if not dry_run:
                recovered = rollback.recover(store, None)
                if recovered:
                    report.notes.append(recovered)
            work = await _plan(store, config, settings, report, say, use_model)
            report.changes = list(work.changes)
            report.entries_after = len(work.entries)
            if not dry_run and work.changes:
                commit(store, work, None, None, report, say, "corral dream --undo user")
    except (DreamBusy, DreamModelError) as exc:
        report.changes = []
        report.notes.append(f"the user store was left as it was: {exc}")
    report.finished = time.time()
    say(report.summary())
    return report


async def _plan(store: MemoryStore, config: Config, settings: Settings, report: Report,
                say: Callable[[str], None], use_model: bool) -> Workset:
    at = now()
    work = Workset(store.load())
    report.entries_before = len(work.entries)
    say(f"user store: {len(work.entries)} entries: duplicates, expired, merges, dates")
    prune_expired(work, at)
    prune_duplicates(work, settings.duplicate_threshold)
    pairs = candidate_pairs(work, settings.merge_threshold, settings.duplicate_threshold)
    judge = make_judge(config, settings, say) if use_model and pairs else None
    if pairs and judge is None:
        report.deferred += len(pairs)
        report.notes.append("no model available: merge and contradiction judgments deferred")
    if judge is not None:
        report.model = judge.model
        try:
            apply_verdicts(work, await judge.judge_pairs(pairs), at)
        finally:
            await judge.client.close()
        report.model_calls, report.deferred = judge.calls, report.deferred + judge.deferred
        report.input_tokens, report.output_tokens = judge.input_tokens, judge.output_tokens
        report.cost_usd = judge.cost_usd
    refresh_dates(work)
    return work
