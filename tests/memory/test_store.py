"""The store: on-disk format, transactions, quarantine, concurrent writers, selection."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import msgspec
import pytest
from corral.memory import (
    InvalidEntry,
    MemoryChange,
    MemoryEntry,
    MemoryStore,
    UnknownEntry,
    relevant,
    search,
)
from corral.memory._format import ENTRY_MARK, mark_stale, parse_topic, render_topic
from corral.memory.session_memory import clip_index


def test_add_update_remove_round_trip_on_disk(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path / "mem")
    changes: list[MemoryChange] = []
    store.listeners.append(changes.append)
    entry = store.add("Run the tests with tox -e py311", type="feedback", tags=["Tests", "#ci"],
                      importance=4, files=["tox.ini"], source="s1")
    assert entry.topic == "feedback" and entry.tags == ("tests", "ci")
    topic_text = (tmp_path / "mem" / "topics" / "feedback.md").read_text()
    assert topic_text.startswith("# Memory: feedback\n")
    assert "Run the tests with tox -e py311" in topic_text
    index = (tmp_path / "mem" / "MEMORY.md").read_text()
    assert f"- [feedback] Run the tests with tox -e py311 — {entry.id} · feedback · #tests #ci" \
           in index
    updated = store.update(entry.id, text="Run tox", topic="testing", source="s2")
    assert updated.created == entry.created and updated.updated >= entry.updated
    fresh = MemoryStore(tmp_path / "mem")
    [loaded] = fresh.load()
    assert loaded == updated and loaded.topic == "testing"
    assert "Run tox" not in (tmp_path / "mem" / "topics" / "feedback.md").read_text()
    store.remove(entry.id)
    assert MemoryStore(tmp_path / "mem").load() == []
    assert [(c.added, c.updated, c.removed) for c in changes] == [
        ((entry.id,), (), ()), ((), (entry.id,), ()), ((), (), (entry.id,))]
    assert [c.source for c in changes] == ["s1", "s2", None]
    with pytest.raises(UnknownEntry, match=entry.id):
        store.remove(entry.id)


def test_invalid_entries_are_refused_and_nothing_is_written(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path)
    with pytest.raises(InvalidEntry, match="importance 9"):
        store.add("x", importance=9)
    with pytest.raises(InvalidEntry, match="topic '../etc'"):
        store.add("x", topic="../etc")
    with pytest.raises(InvalidEntry, match="text is empty"):
        store.add("   ")
    assert not (tmp_path / "topics").exists() and not (tmp_path / "MEMORY.md").exists()


def test_text_that_looks_like_a_marker_survives(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path)
    tricky = f"line one\n{ENTRY_MARK}{{\"id\": \"fake\"}} -->\n## heading inside"
    entry = store.add(tricky)
    [loaded] = MemoryStore(tmp_path).load()
    assert loaded.text == tricky and loaded.id == entry.id


def test_index_keeps_hand_written_lines_outside_the_markers(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path)
    store.add("first")
    index = tmp_path / "MEMORY.md"
    index.write_text("# My notes\nkeep this line\n\n" + index.read_text().split("\n\n", 2)[2]
                     + "\ntrailing note\n")
    store.add("second", importance=5)
    text = index.read_text()
    assert text.startswith("# My notes\nkeep this line\n") and text.endswith("trailing note\n")
    lines = [line for line in text.splitlines() if line.startswith("- [")]
    assert "second" in lines[0] and "first" in lines[1]  # most important first


def test_corrupt_file_is_moved_aside_and_the_rest_loads(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path)
    good = store.add("good entry", topic="good")
    bad = tmp_path / "topics" / "bad.md"
    bad.write_text(f"# Memory: bad\n{ENTRY_MARK}{{not json}} -->\ntext\n")
    warnings: list[str] = []
    fresh = MemoryStore(tmp_path, warn=warnings.append)
    assert [e.id for e in fresh.load()] == [good.id]
    assert not bad.exists()
    corrupt = tmp_path / "topics" / "bad.md.corrupt"
    assert corrupt.read_text().startswith("# Memory: bad")  # kept, never deleted
    [warning] = warnings
    assert "bad.md does not parse (line 2: bad entry metadata" in warning
    assert "moved aside as bad.md.corrupt" in warning
    # a second corrupt copy of the same name does not overwrite the first
    bad.write_text(f"{ENTRY_MARK}{{\"id\": 1}} -->\nx\n")
    fresh.load()
    assert corrupt.exists() and len(list((tmp_path / "topics").glob("bad.md.*.corrupt"))) == 1


def test_replace_all_is_one_write(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path)
    a = store.add("alpha", topic="one")
    store.add("beta", topic="two")
    merged = msgspec.structs.replace(a, text="alpha and beta", topic="merged")
    changes: list[MemoryChange] = []
    store.listeners.append(changes.append)
    store.replace_all([merged], source="dream")
    assert [(e.id, e.text) for e in MemoryStore(tmp_path).load()] == [(a.id, "alpha and beta")]
    [change] = changes
    assert change.source == "dream" and change.updated == (a.id,) and len(change.removed) == 1


def test_exception_inside_a_transaction_writes_nothing(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path)
    store.add("keep")
    with pytest.raises(RuntimeError), store.transaction() as tx:
        tx.add("never")
        raise RuntimeError("boom")
    assert [e.text for e in MemoryStore(tmp_path).load()] == ["keep"]


_WRITER = textwrap.dedent("""
    import sys
    from corral.memory import MemoryStore
    store = MemoryStore(sys.argv[1])
    for n in range(int(sys.argv[3])):
        store.add(f"{sys.argv[2]} fact {n}", topic="shared")
""")


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    root = tmp_path / "mem"
    procs = [subprocess.Popen([sys.executable, "-c", _WRITER, str(root), name, "40"])
             for name in ("left", "right")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    texts = {e.text for e in MemoryStore(root).load()}
    assert texts == {f"{name} fact {n}" for name in ("left", "right") for n in range(40)}
    index = (root / "MEMORY.md").read_text()
    assert sum(line.startswith("- [") for line in index.splitlines()) == 80


def _entry(text: str, *, days: int = 0, tags: tuple[str, ...] = (), importance: int = 3,
           id: str = "") -> MemoryEntry:
    stamp = datetime(2026, 1, 1, tzinfo=UTC) - timedelta(days=days)
    return MemoryEntry(id=id or text[:8].replace(" ", "_"), text=text, tags=tags,
                       importance=importance, created=stamp, updated=stamp)


def test_relevance_uses_keywords_tags_importance_and_recency() -> None:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    entries = [
        _entry("Deploys go through the staging cluster first", id="deploy"),
        _entry("The parser lives in src/parse and is hand written", id="parser"),
        _entry("Prefer small commits", tags=("git",), id="gittag"),
        _entry("Old note about the parser", days=400, id="oldparser"),
        _entry("Never force-push main", importance=5, id="important"),
    ]
    picked = relevant(entries, "fix the parser bug", 3, at=at)
    assert [e.id for e in picked] == ["parser", "oldparser"]  # only entries that match
    # among equal matches, importance then recency decide
    boosted = [*entries, _entry("parser rules", importance=5, id="vip")]
    assert relevant(boosted, "parser", 1, at=at)[0].id == "vip"
    assert relevant(entries, "git history", 1, at=at)[0].id == "gittag"
    assert [e.id for _, e in search(entries, "staging")] == ["deploy"]


def test_stale_marks_and_index_clipping() -> None:
    text = "# head\n- [project] a — x · t · updated 2025-01-01\n- [user] b — y · t · updated " \
           "2026-06-01"
    marked = mark_stale(text, datetime(2026, 1, 1, tzinfo=UTC))
    assert marked.splitlines()[1].endswith("(possibly stale)")
    assert not marked.splitlines()[2].endswith("(possibly stale)")
    clipped, cut = clip_index("\n".join(f"line {n}" for n in range(300)), 200, 25_000)
    assert cut and clipped.splitlines()[-1] == "line 199"
    clipped, cut = clip_index("x" * 100 + "\n" + "y" * 100, 200, 150)
    assert cut and clipped == "x" * 100


def test_topic_render_parse_round_trip() -> None:
    entries = [_entry("one\n\nwith a blank line", id="a1"), _entry("two", id="b2", days=1)]
    entries = [msgspec.structs.replace(e, topic="t") for e in entries]
    assert sorted(parse_topic(render_topic("t", entries), "t"), key=lambda e: e.id) == entries


def test_old_entries_are_shown_to_the_model_as_possibly_stale() -> None:
    from corral.memory.session_memory import StoreView, render_store_section

    old, new = _entry("old parser fact", days=4000, id="old1"), _entry("new parser", id="new1")
    new = msgspec.structs.replace(new, updated=datetime.now(UTC), created=datetime.now(UTC))
    index = "\n".join(f"- [project] x — {e.id} · general · updated {e.updated.date()}"
                      for e in (old, new))
    view = StoreView(scope="project", root="/p", index_text=index, index_cut=True, entries=500,
                     relevant=[old, new])
    text = render_store_section([view], stale_days=30)
    assert '<memory-entry id="old1" scope="project" type="project" updated="2015-' in text
    assert 'possibly-stale="true">\nold parser fact' in text
    assert 'id="new1" scope="project" type="project" updated=' in text
    assert text.count("possibly-stale") == 1 and text.count("(possibly stale)") == 1
    assert "[index cut: 500 entries in all; search the memory for the rest]" in text
    off = render_store_section([view], stale_days=0)
    assert "possibly-stale" not in off and "(possibly stale)" not in off
