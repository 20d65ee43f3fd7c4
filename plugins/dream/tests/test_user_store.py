"""The user store's dream: opt-in, and only what holds for the store as a whole."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from corral.api import MemoryEntry, MemoryStore
from corral.cli import main
from corral.testing import MessagesServer
from corral_dream.runner import dream, undo
from corral_dream.settings import Settings

from ._model import pair_ids, responder
from .conftest import entry, tree_hashes

ON = Settings(user_store=True)


def user_fill(*entries: MemoryEntry) -> MemoryStore:
    store = MemoryStore.for_user()
    with store.transaction(source="test") as tx:
        for e in entries:
            tx.put(e)
    return store


def user_entries():  # type: ignore[no-untyped-def]
    keep = entry("Prefers pytest over unittest.", type="user", importance=4)
    dup = entry("prefers pytest over unittest", type="user")
    a = entry("Write British English spelling in answers.", type="feedback")
    b = entry("Use British English spelling in replies.", type="feedback", importance=4)
    elsewhere = entry("The parser of another project is in src/parser.py.",
                      type="reference", files=("src/parser.py",), days_old=400)
    dated = entry("Started using fish shell last month.", type="user", days_old=3)
    return keep, dup, a, b, elsewhere, dated


def test_user_store_is_left_alone_by_default(project: Path, fill, config) -> None:
    fill(entry("a project fact"))
    store = user_fill(*user_entries())
    before = tree_hashes(store.root)
    report = asyncio.run(dream(project, config, Settings()))
    assert report.user is None and tree_hashes(store.root) == before


def test_user_store_dream_and_undo(project: Path, fill, config,
                                   anthropic_server: MessagesServer) -> None:
    project_store = fill(entry("a project fact"))
    keep, dup, a, b, elsewhere, dated = user_entries()
    store = user_fill(keep, dup, a, b, elsewhere, dated)
    before = tree_hashes(store.root)
    merged = "Use British English spelling in every answer."
    anthropic_server.respond_with(responder(
        lambda pairs, body: [{"pair": 1, "verdict": "same", "text": merged}], lambda body: []))
    report = asyncio.run(dream(project, config, ON))

    [request] = anthropic_server.message_requests
    assert [sorted(p) for p in pair_ids(request)] == [sorted([a.id, b.id])]
    user = report.user
    assert user is not None and user.committed and user.scope == "user"
    left = {e.id: e for e in store.load()}
    assert set(left) == {keep.id, b.id, elsewhere.id, dated.id}  # files of another project kept
    assert left[b.id].text == merged
    assert left[dated.id].text.startswith("Started using fish shell in ")
    assert left[elsewhere.id].importance == elsewhere.importance  # no re-weighing by one project
    assert [e.text for e in project_store.load()] == ["a project fact"]
    assert "dream of the user store changed" in (store.root / "dream-log.md").read_text()
    assert report.to_json()["user"]["counts"]["merge"] == 2

    assert "restored the user memory" in undo(project, "user")
    after = tree_hashes(store.root)
    assert {k: v for k, v in after.items() if k.startswith("topics/")} == \
        {k: v for k, v in before.items() if k.startswith("topics/")}


def test_busy_user_store_is_skipped_with_a_note(project: Path, fill, config,
                                                capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from corral_dream.lock import DreamLock

    fill(entry("a project fact"))
    store = user_fill(*user_entries())
    before = tree_hashes(store.root)
    (project / ".claude" / "corral.toml").write_text("[plugins.dream]\nuser_store = true\n")
    monkeypatch.chdir(project)
    from corral_dream.gates import state_dir

    with DreamLock(state_dir(store)):  # another project's dream holds the user store
        assert main(["dream", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["committed"] and not data["user"]["committed"]
    assert any("another dream" in n for n in data["user"]["notes"])
    after = tree_hashes(store.root)
    assert after == before
