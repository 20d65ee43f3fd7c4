"""Read-only on code, the CLAUDE.md section, dry run, undo, recovery after a kill."""

from __future__ import annotations

import asyncio
from pathlib import Path

from corral.testing import MessagesServer
from corral_dream import claude_md, rollback, snapshot
from corral_dream.runner import dream, undo

from ._model import responder
from .conftest import SETTINGS, entry, tree_hashes

HAND_WRITTEN = "# Rules\n\n- keep it short\n\n<!-- a comment -->\nlast line without newline"


def busy_store(fill):  # type: ignore[no-untyped-def]
    return fill(
        entry("Run the unit tests with tox before pushing.", importance=4),
        entry("Before pushing, tox runs the unit test suite.", importance=5),
        entry("run the unit tests with tox before pushing"),
        entry("The parser is in src/parser.py.", files=("src/parser.py",)),
        entry("We cut the release yesterday.", days_old=3),
    )


def test_dream_writes_only_memory_and_the_claude_section(project: Path, fill, config,
                                                         anthropic_server: MessagesServer) -> None:
    from corral.api import Transcript, UserMessage, project_dir

    store = busy_store(fill)
    (project / "CLAUDE.md").write_text(HAND_WRITTEN)
    (project / "src" / "notes.txt").write_text("remember this file is not memory\n")
    log = Transcript(project_dir(project) / "s1.jsonl")
    log.write(UserMessage(text="Remember: the API is in src/app.py."))
    log.close()
    anthropic_server.respond_with(responder(
        lambda pairs, body: [{"pair": 1, "verdict": "same", "text": "Run tox before pushing."}],
        lambda body: [{"text": "The API is in src/app.py.", "files": ["src/app.py"]}]))
    before = tree_hashes(project, skip=store.root)
    claude_before = before.pop("CLAUDE.md")
    report = asyncio.run(dream(project, config, SETTINGS))
    after = tree_hashes(project, skip=store.root)
    assert after.pop("CLAUDE.md") != claude_before
    assert after == before  # every other project file, byte for byte
    assert {c.phase for c in report.changes} == {"prune", "merge", "refresh", "synthesize"}
    text = (project / "CLAUDE.md").read_text()
    head, section, tail = claude_md.split(text)
    assert head == HAND_WRITTEN + "\n\n" and tail == "\n"
    assert section is not None and "- Run tox before pushing." in section


def test_section_update_keeps_every_line_outside_the_markers(project: Path, fill,
                                                             config) -> None:
    fill(entry("Never force-push to main.", importance=5))
    outside_before = "# Title\n\nintro\n"
    outside_after = "\n## Later\n\nuser text after\n"
    (project / "CLAUDE.md").write_text(
        f"{outside_before}{claude_md.START}\n- an old line\n{claude_md.END}{outside_after}")
    report = asyncio.run(dream(project, config, SETTINGS))
    text = (project / "CLAUDE.md").read_text()
    assert report.claude_md == "updated"
    assert text.startswith(outside_before + claude_md.START + "\n")
    assert text.endswith(claude_md.END + outside_after)
    assert "- an old line" not in text and "- Never force-push to main." in text


def test_no_claude_md_is_never_created(project: Path, fill, config) -> None:
    fill(entry("Never force-push to main.", importance=5))
    report = asyncio.run(dream(project, config, SETTINGS))
    assert not (project / "CLAUDE.md").exists() and report.claude_md == "unchanged"


def test_dry_run_writes_nothing(project: Path, fill, config) -> None:
    store = busy_store(fill)
    (project / "CLAUDE.md").write_text(HAND_WRITTEN)
    before = tree_hashes(project)
    report = asyncio.run(dream(project, config, SETTINGS, dry_run=True))
    assert tree_hashes(project) == before
    assert report.dry_run and not report.committed and len(report.changes) >= 3
    assert report.claude_md == "added"
    assert not (store.root / "dream.lock").exists()


def test_dream_log_and_undo(project: Path, fill, config) -> None:
    store = busy_store(fill)
    (project / "CLAUDE.md").write_text(HAND_WRITTEN)
    memory_before = tree_hashes(store.root)
    report = asyncio.run(dream(project, config, SETTINGS))
    log = (store.root / "dream-log.md").read_text()
    assert report.summary() in log and "prune remove" in log
    assert len(store.load()) < 5
    message = undo(project)
    assert "restored" in message
    assert (project / "CLAUDE.md").read_text() == HAND_WRITTEN
    now_hashes = tree_hashes(store.root)
    assert {k: now_hashes[k] for k in memory_before if k.startswith("topics/")} == \
        {k: v for k, v in memory_before.items() if k.startswith("topics/")}
    assert len(store.load()) == 5
    assert "nothing to undo" in undo(project)


def test_a_dream_killed_while_writing_is_rolled_back(project: Path, fill, config) -> None:
    store = busy_store(fill)
    before = {e.id: e for e in store.load()}
    with store.lock():  # what a dream does before writing, then "killed" halfway
        snapshot.take(store, project / "CLAUDE.md")
        rollback.write_intent(store, rollback.intent_of(before, {}, None))  # "remove them all"
        store.topic_path("project").write_text("# Memory: project\n")  # half-written state
    report = asyncio.run(dream(project, config, SETTINGS, dry_run=True))
    assert report.entries_before == 0  # a dry run never repairs
    report = asyncio.run(dream(project, config, SETTINGS))
    assert any("interrupted while writing" in n for n in report.notes)
    assert report.entries_before == 5
    assert not (store.root / snapshot.PENDING).exists()
    assert len(store.load()) < 5  # the restored entries were then consolidated


def test_a_marker_without_intent_puts_the_whole_snapshot_back(project: Path, fill,
                                                              config) -> None:
    store = busy_store(fill)
    memory_before = tree_hashes(store.topics_dir)
    with store.lock():  # a marker as older versions wrote it: a bare pid
        snapshot.take(store, None)
        (store.root / snapshot.PENDING).write_text("12345\n")
        store.topic_path("project").write_text("# Memory: project\n")
    note = rollback.recover(store, None)
    assert note is not None and "recorded no intent" in note
    assert tree_hashes(store.topics_dir) == memory_before
    assert not (store.root / snapshot.PENDING).exists()
