"""Recovery after a dream died mid-write keeps what others wrote since (in-process "kills").

The commit is stopped by an exception at a chosen point, which leaves the files as a
SIGKILL there would (every file write is atomic); ``test_kill.py`` does it with real signals.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import hypothesis.strategies as st
import msgspec
import pytest
from corral.api import App, Config, MemoryEntry, MemoryStore
from corral_dream import claude_md, rollback, snapshot
from corral_dream.runner import dream, undo
from hypothesis import given, settings

from .conftest import SETTINGS, entry


class Killed(Exception):
    """Stands for a SIGKILL at this point of the commit."""


def kill_after_first_topic(monkeypatch: pytest.MonkeyPatch) -> None:
    """The next dream dies right after the store wrote its first topic file."""
    import corral.memory.store as store_mod

    real = store_mod.write_file

    def dying(path: Path, text: str) -> None:
        real(path, text)
        if path.parent.name == "topics":
            monkeypatch.setattr(store_mod, "write_file", real)
            raise Killed(path.name)

    monkeypatch.setattr(store_mod, "write_file", dying)


def kill_before_clearing(monkeypatch: pytest.MonkeyPatch) -> None:
    """The next dream dies after writing everything, before removing its marker."""
    real = snapshot.clear_pending

    def dying(store: MemoryStore) -> None:
        monkeypatch.setattr(snapshot, "clear_pending", real)
        raise Killed("clear_pending")

    monkeypatch.setattr(snapshot, "clear_pending", dying)


def crashed_dream(project: Path) -> None:
    with pytest.raises(Killed):
        asyncio.run(dream(project, _config(project), SETTINGS, use_model=False))
    assert (MemoryStore.for_project(project).root / snapshot.PENDING).exists()


def _config(project: Path) -> Config:
    return App.create(cwd=project, environ={}).config


KEEP = entry("Run the tests with tox -e py311.", importance=4)
EXACT = entry("run the tests with TOX -e py311")  # an exact duplicate: the dream removes it
TEAL = entry("The logo is teal.")
DATED = entry("We cut the release yesterday.", days_old=3, type="feedback")  # gets a date
PLAIN = entry("Answer in short sentences.", type="feedback")


def two_topics(fill: Callable[..., MemoryStore]) -> MemoryStore:
    """feedback.md (written first by a dream, the dated entry) and project.md (second)."""
    return fill(KEEP, EXACT, TEAL, DATED, PLAIN)


def by_id(store: MemoryStore) -> dict[str, MemoryEntry]:
    return {e.id: e for e in store.load()}


def index_ids(store: MemoryStore) -> list[str]:
    """The entry ids the index lists, in its order."""
    return [line.split(" — ")[1].split(" · ")[0] for line in store.read_index().splitlines()
            if line.startswith("- [")]


def test_entries_written_after_the_crash_survive(project: Path, fill: Callable[..., MemoryStore],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    store = two_topics(fill)
    kill_after_first_topic(monkeypatch)
    crashed_dream(project)
    half = by_id(store)
    assert half[DATED.id].text != DATED.text and EXACT.id in half  # feedback.md only

    other = MemoryStore.for_project(project)  # other writers, after the crash
    new = other.add("Deploys go out on Tuesdays.", type="feedback")
    other.update(TEAL.id, text="The logo is dark teal.")
    other.remove(PLAIN.id)

    note = rollback.recover(store, None)
    assert note is not None and "interrupted while writing" in note
    assert "kept what was written since in topics/feedback.md (2 entries), " \
           "topics/project.md (1 entry)" in note
    left = by_id(store)
    assert left == {KEEP.id: KEEP, EXACT.id: EXACT, DATED.id: DATED,
                    TEAL.id: msgspec.structs.replace(TEAL, text="The logo is dark teal.",
                                                     updated=left[TEAL.id].updated),
                    new.id: new}
    assert sorted(index_ids(store)) == sorted(left)
    assert not (store.root / snapshot.PENDING).exists()


def test_an_entry_the_dream_changed_and_someone_edited_keeps_the_edit(
        project: Path, fill: Callable[..., MemoryStore],
        monkeypatch: pytest.MonkeyPatch) -> None:
    store = two_topics(fill)
    kill_after_first_topic(monkeypatch)
    crashed_dream(project)
    edited = MemoryStore.for_project(project).update(DATED.id, text="We cut 2.0 on Monday.")
    note = rollback.recover(store, None)
    assert note is not None and "topics/feedback.md (1 entry)" in note
    assert by_id(store) == {e.id: e for e in (KEEP, EXACT, TEAL, PLAIN, edited)}


def test_without_other_writers_memory_is_back_byte_for_byte(
        project: Path, fill: Callable[..., MemoryStore],
        monkeypatch: pytest.MonkeyPatch) -> None:
    store = two_topics(fill)
    (project / "CLAUDE.md").write_text("# Rules\n")
    before = {p.name: p.read_bytes() for p in (*store.topics_dir.glob("*.md"), store.index_path)}
    kill_before_clearing(monkeypatch)  # every file written, the marker still there
    crashed_dream(project)
    assert "corral:dream:start" in (project / "CLAUDE.md").read_text()
    note = rollback.recover(store, project / "CLAUDE.md")
    assert note is not None and "kept" not in note
    assert {p.name: p.read_bytes() for p in (*store.topics_dir.glob("*.md"),
                                             store.index_path)} == before
    assert (project / "CLAUDE.md").read_text() == "# Rules\n"


def test_a_claude_section_edited_after_the_crash_is_kept(
        project: Path, fill: Callable[..., MemoryStore],
        monkeypatch: pytest.MonkeyPatch) -> None:
    store = two_topics(fill)
    (project / "CLAUDE.md").write_text("# Rules\n")
    kill_before_clearing(monkeypatch)
    crashed_dream(project)
    edited = claude_md.with_section((project / "CLAUDE.md").read_text(), "- my own line")
    (project / "CLAUDE.md").write_text(edited)
    note = rollback.recover(store, project / "CLAUDE.md")
    assert note is not None and "kept the CLAUDE.md section as edited since" in note
    assert (project / "CLAUDE.md").read_text() == edited
    assert by_id(store) == {e.id: e for e in (KEEP, EXACT, TEAL, DATED, PLAIN)}


def test_a_torn_topic_file_comes_back_from_the_snapshot(
        project: Path, fill: Callable[..., MemoryStore],
        monkeypatch: pytest.MonkeyPatch) -> None:
    store = two_topics(fill)
    kill_after_first_topic(monkeypatch)
    crashed_dream(project)
    torn = store.topic_path("feedback").read_text()[:-25]  # as if cut off mid-write
    store.topic_path("feedback").write_text(torn.replace(" -->", "", 1))
    note = rollback.recover(store, None)
    assert note is not None and "topics/feedback.md did not parse and were moved aside" in note
    assert by_id(store) == {e.id: e for e in (KEEP, EXACT, TEAL, DATED, PLAIN)}
    assert (store.topics_dir / "feedback.md.corrupt").read_text() == torn.replace(" -->", "", 1)


def test_undo_of_an_interrupted_dream_keeps_later_writes(
        project: Path, fill: Callable[..., MemoryStore],
        monkeypatch: pytest.MonkeyPatch) -> None:
    store = two_topics(fill)
    kill_after_first_topic(monkeypatch)
    crashed_dream(project)
    new = MemoryStore.for_project(project).add("Deploys go out on Tuesdays.", type="feedback")
    message = undo(project)
    assert "kept what was written since in topics/feedback.md (1 entry)" in message
    assert by_id(store) == {e.id: e for e in (KEEP, EXACT, TEAL, DATED, PLAIN, new)}
    assert "nothing to undo" in undo(project)


# -- the merge rule itself, on random dreams, crashes and later writes ------------------------

WORDS = st.lists(st.sampled_from("alpha beta gamma delta tox teal api docs".split()),
                 min_size=1, max_size=4).map(" ".join)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[dict[str, MemoryEntry], dict[str, MemoryEntry],
                                        rollback.Intent, dict[str, MemoryEntry | None]]:
    """(snapshot, memory now, the dream's intent, the later writes by id)."""
    before = {f"e{i}": entry(draw(WORDS), id=f"e{i}", topic=draw(st.sampled_from("abc")))
              for i in range(draw(st.integers(0, 8)))}
    after = dict(before)
    for entry_id in before:
        action = draw(st.sampled_from(["keep", "update", "remove"]))
        if action == "update":
            after[entry_id] = msgspec.structs.replace(before[entry_id], text="dream " + draw(WORDS))
        elif action == "remove":
            del after[entry_id]
    for i in range(draw(st.integers(0, 3))):
        after[f"d{i}"] = entry("dream new " + draw(WORDS), id=f"d{i}",
                               topic=draw(st.sampled_from("abc")))
    intent = rollback.intent_of(before, after, None)
    written = set(draw(st.lists(st.sampled_from(intent.topics), unique=True))
                  if intent.topics else [])
    half = {i: e for i, e in before.items() if e.topic not in written}
    half |= {i: e for i, e in after.items() if e.topic in written}
    later: dict[str, MemoryEntry | None] = {}
    for entry_id in sorted(half):
        action = draw(st.sampled_from(["none", "none", "edit", "remove"]))
        if action == "edit":
            later[entry_id] = msgspec.structs.replace(half[entry_id], text="later " + draw(WORDS))
        elif action == "remove":
            later[entry_id] = None
    for i in range(draw(st.integers(0, 2))):
        later[f"n{i}"] = entry("later new " + draw(WORDS), id=f"n{i}",
                               topic=draw(st.sampled_from("abcd")))
    now = {i: e for i, e in half.items() if i not in later}
    now |= {i: e for i, e in later.items() if e is not None}
    return before, now, intent, later


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_recovery_is_the_snapshot_plus_every_later_write(
        case: tuple[dict[str, MemoryEntry], dict[str, MemoryEntry], rollback.Intent,
                    dict[str, MemoryEntry | None]]) -> None:
    before, now, intent, later = case
    expected = dict(before)
    for entry_id, value in later.items():
        if value is not None:
            expected[entry_id] = value
        elif intent.entries.get(entry_id, "kept") is not None:
            expected.pop(entry_id, None)
        # an entry removed by both the dream and someone else comes back: the two removals
        # cannot be told apart, and keeping an entry loses nothing
    assert rollback._merge(before, now, intent, set()) == expected
