"""The model-free parts of each phase, on crafted stores (no credentials: no model call)."""

from __future__ import annotations

import asyncio
import random
from datetime import date, timedelta
from pathlib import Path

import msgspec
from corral.api import MemoryStore
from corral_dream._dates import absolutize
from corral_dream._text import jaccard, similar_pairs
from corral_dream.runner import dream
from corral_dream.settings import Settings

from .conftest import NOW, SETTINGS, entry


def run(project: Path, config, settings: Settings = SETTINGS, **kw):  # type: ignore[no-untyped-def]
    return asyncio.run(dream(project, config, settings, **kw))


def test_similar_pairs_equals_brute_force() -> None:
    rng = random.Random(7)
    vocab = [f"w{i}" for i in range(40)]
    sets = {f"k{i}": frozenset(rng.sample(vocab, rng.randint(1, 8))) for i in range(120)}
    for threshold in (0.3, 0.5, 0.85):
        brute = {(a, b) for a in sets for b in sets if a < b
                 and jaccard(sets[a], sets[b]) >= threshold}
        found = {(a, b) for _, a, b in similar_pairs(sets, threshold)}
        assert found == brute


def test_exact_and_near_duplicates_keep_the_best_copy(project: Path, fill, config) -> None:
    keep = entry("Run the tests with tox -e py311.", importance=4, tags=("tests",))
    exact = entry("run the tests with TOX -e py311", tags=("ci",))
    near = entry("Run the tests with tox -e py311 always.", importance=2, files=("README.md",))
    other = entry("The API lives in src/app.py.")
    store = fill(keep, exact, near, other)
    report = run(project, config)
    left = {e.id: e for e in store.load()}
    assert set(left) == {keep.id, other.id}
    assert left[keep.id].tags == ("tests", "ci") and left[keep.id].files == ("README.md",)
    reasons = {c.id: c.reason for c in report.changes if c.action == "remove"}
    assert reasons[exact.id] == f"exact duplicate of {keep.id}"
    assert reasons[near.id] == f"near duplicate of {keep.id}"


def test_dead_files_symbols_and_expired_entries_are_pruned(project: Path, fill, config) -> None:
    gone_file = entry("The parser is in src/parser.py.", files=("src/parser.py",))
    gone_symbol = entry("handle_reply answers requests.", files=("src/app.py#handle_reply",))
    alive = entry("handle_request answers requests.", files=("src/app.py#handle_request",))
    partly = entry("Docs are in README and docs/old.md.", files=("README.md", "docs/old.md"))
    outside = entry("Shared config lives one level up.", files=("../shared.toml",))
    expired = entry("Deploys are frozen this sprint.", expires=NOW - timedelta(hours=1))
    store = fill(gone_file, gone_symbol, alive, partly, outside, expired)
    run(project, config)
    left = {e.id: e for e in store.load()}
    assert set(left) == {alive.id, partly.id, outside.id}
    assert left[partly.id].files == ("README.md",)


def test_relative_dates_become_absolute() -> None:
    day = date(2026, 11, 25)  # a Wednesday
    assert absolutize("We shipped yesterday; review tomorrow.", day) == \
        "We shipped on 2026-11-24; review on 2026-11-26."
    assert absolutize("Freeze started 3 days ago, ends next week.", day) == \
        "Freeze started on 2026-11-22, ends the week of 2026-11-30."
    assert absolutize("Moved last Friday; see `today` flag.", day) == \
        "Moved on 2026-11-20; see `today` flag."
    assert absolutize("Budget reset last month.", date(2026, 1, 10)) == \
        "Budget reset in 2025-12."


def test_refresh_rewrites_dates_and_reweighs(project: Path, fill, config) -> None:
    dated = entry("The release branch was cut yesterday.", days_old=3)
    stale = entry("Old note about the logo colour.", days_old=200, importance=3)
    pinned = entry("Never push to main directly.", days_old=400, importance=5)
    store = fill(dated, stale, pinned)
    run(project, config)
    left = {e.id: e for e in store.load()}
    cut = (dated.updated.date() - timedelta(days=1)).isoformat()
    assert left[dated.id].text == f"The release branch was cut on {cut}."
    assert left[stale.id].importance == 2
    assert left[pinned.id].importance == 5


def test_uses_in_transcripts_raise_importance(project: Path, fill, config) -> None:
    from corral.api import ToolRequested, Transcript, project_dir

    used = entry("Use ruff for linting.", importance=3)
    store = fill(used)
    log = Transcript(project_dir(project) / "s1.jsonl")
    for n in range(3):
        log.write(ToolRequested(tool_use_id=f"t{n}", name="Memory",
                                input={"command": "update", "id": used.id}))
    log.close()
    run(project, config)
    assert store.get(used.id).importance == 4


def test_no_model_defers_judgment_and_says_so(project: Path, fill, config) -> None:
    a = entry("Run the unit tests with tox before pushing.")
    b = entry("Before pushing, tox runs the unit test suite.")
    store = fill(a, b)
    before = {e.id: e for e in store.load()}
    report = run(project, config)
    assert {e.id: e for e in store.load()} == before
    assert report.deferred == 1 and report.model_calls == 0
    assert any("no model available" in n for n in report.notes)
    assert msgspec.json.decode(msgspec.json.encode(report.to_json()))["counts"]["merge"] == 0


def test_store_changed_during_dream_wins(project: Path, fill, config, monkeypatch) -> None:
    import corral_dream.runner as runner

    dup1, dup2 = entry("Tabs are banned.", importance=4), entry("tabs are banned")
    store = fill(dup1, dup2)
    real_plan = runner._plan

    async def plan_then_edit(*args, **kwargs):  # type: ignore[no-untyped-def]
        work = await real_plan(*args, **kwargs)
        MemoryStore.for_project(project).update(dup2.id, text="Tabs are banned in Go only.")
        return work

    monkeypatch.setattr(runner, "_plan", plan_then_edit)
    report = run(project, config)
    texts = sorted(e.text for e in store.load())
    assert texts == ["Tabs are banned in Go only.", "Tabs are banned."]
    assert any("changed while the dream ran" in n for n in report.notes)


def test_material_reads_the_projects_daily_log(project: Path) -> None:
    from corral.api import DailyLog
    from corral_dream import material

    path = DailyLog(project, "kairos log").append(
        "tick [a.py] -> Edit; we decided to always run tox before pushing")
    DailyLog(project).append("tick -> no tools; 1 calls")
    assert material.daily_log_files(project, None) == [path]
    found = material.collect(project, project, None, 5, [])
    assert found.logs == 1
    assert [m.text for m in found.moments if m.source.startswith("kairos log")] == [
        path.read_text().splitlines()[2][2:]]
