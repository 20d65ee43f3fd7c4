"""Merge, contradiction and synthesis against the scripted Messages-API server."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from corral.api import AssistantMessage, Transcript, UserMessage, project_dir
from corral.testing import MessagesServer, error, text
from corral_dream.errors import DreamModelError
from corral_dream.runner import dream

from ._model import pair_ids, responder, system_text, user_text
from .conftest import SETTINGS, entry, tree_hashes


def run(project: Path, config, **kw):  # type: ignore[no-untyped-def]
    return asyncio.run(dream(project, config, SETTINGS, **kw))


def no_moments(body: str) -> list[dict[str, object]]:
    return []


def test_two_phrasings_are_merged_by_the_model(project: Path, fill, config,
                                               anthropic_server: MessagesServer) -> None:
    a = entry("Run the unit tests with tox before pushing.", tags=("tests",))
    b = entry("Before pushing, tox runs the unit test suite.", importance=4, tags=("ci",))
    unrelated = entry("The logo is teal.")
    store = fill(a, b, unrelated)
    merged_text = "Run the unit test suite with tox before every push."
    anthropic_server.respond_with(responder(
        lambda pairs, body: [{"pair": 1, "verdict": "same", "text": merged_text}], no_moments))
    report = run(project, config)
    [request] = anthropic_server.message_requests
    assert [sorted(p) for p in pair_ids(request)] == [sorted([a.id, b.id])]
    assert "logo" not in user_text(request)  # only the pair that needs judgment is sent
    left = {e.id: e for e in store.load()}
    assert set(left) == {b.id, unrelated.id}  # the more important one keeps its id
    assert left[b.id].text == merged_text and left[b.id].tags == ("ci", "tests")
    assert left[b.id].created == a.created
    assert [c.action for c in report.changes if c.phase == "merge"] == ["update", "remove"]
    assert report.model_calls == 1 and report.input_tokens > 0


def test_contradicted_entry_is_pruned(project: Path, fill, config,
                                      anthropic_server: MessagesServer) -> None:
    old = entry("Deploy the web app with make deploy.", days_old=30)
    new = entry("Deploy the web app with scripts/ship.sh; make deploy is gone.", days_old=2)
    store = fill(old, new)
    anthropic_server.respond_with(responder(
        lambda pairs, body: [{"pair": 1, "verdict": "conflict", "keep": pairs[0][1]}],
        no_moments))
    report = run(project, config)
    assert [e.id for e in store.load()] == [new.id]
    [change] = [c for c in report.changes if c.action == "remove"]
    assert change.phase == "prune" and change.id == old.id and "contradicted" in change.reason


def test_distinct_pair_is_left_alone(project: Path, fill, config,
                                     anthropic_server: MessagesServer) -> None:
    a = entry("Staging database host: db-stage, port 5432.")
    b = entry("Staging database host password: see vault, port 5432.")
    store = fill(a, b)
    anthropic_server.respond_with(responder(
        lambda pairs, body: [{"pair": 1, "verdict": "distinct"}], no_moments))
    report = run(project, config)
    assert len(anthropic_server.message_requests) == 1
    assert {e.id for e in store.load()} == {a.id, b.id} and report.changes == []


def _transcript(project: Path, name: str, said: list[tuple[str, str]]) -> None:
    log = Transcript(project_dir(project) / f"{name}.jsonl")
    for assistant, user in said:
        log.write(AssistantMessage(content=[{"type": "text", "text": assistant}]))
        log.write(UserMessage(text=user))
    log.close()


def test_synthesis_turns_a_remember_this_into_an_entry(project: Path, fill, config,
                                                       anthropic_server: MessagesServer) -> None:
    store = fill(entry("The logo is teal."))
    _transcript(project, "s1", [
        ("I ran `pytest` directly.", "Remember this: always run tests via `.venv/bin/python -m pytest`."),
        ("Done.", "thanks, looks good"),
    ])
    (project / "CLAUDE.md").write_text("# Project\n\nHand-written rules.\n")

    def moments(body: str) -> list[dict[str, object]]:
        assert "Remember this" in body and "thanks, looks good" not in body
        assert "I ran `pytest` directly." in body  # the assistant's turn as context
        return [{"text": "Run tests with .venv/bin/python -m pytest, never bare pytest.",
                 "type": "feedback", "tags": ["Tests", "#pytest"], "importance": 4}]

    anthropic_server.respond_with(responder(lambda p, b: [], moments))
    report = run(project, config)
    [request] = anthropic_server.message_requests
    assert "corrections" in system_text(request)
    added = [e for e in store.load() if e.source == "dream"]
    assert len(added) == 1
    new = added[0]
    assert (new.type, new.tags, new.importance, new.topic) == \
        ("feedback", ("tests", "pytest"), 4, "feedback")
    assert new.id in store.read_index()
    assert [c.phase for c in report.changes] == ["synthesize"]
    claude = (project / "CLAUDE.md").read_text()
    assert claude.startswith("# Project\n\nHand-written rules.\n")
    assert "- Run tests with .venv/bin/python -m pytest, never bare pytest." in claude
    # a second dream does not read the same session again
    run(project, config)
    assert len(anthropic_server.message_requests) == 1


def test_synthesized_duplicate_of_memory_is_not_added(project: Path, fill, config,
                                                      anthropic_server: MessagesServer) -> None:
    known = entry("Run tests with .venv/bin/python -m pytest, never bare pytest.")
    store = fill(known)
    _transcript(project, "s1", [("ok", "Remember: never run bare pytest.")])
    anthropic_server.respond_with(responder(lambda p, b: [], lambda body: [
        {"text": "Run tests with .venv/bin/python -m pytest; never bare pytest.",
         "type": "feedback"}]))
    run(project, config)
    assert [e.id for e in store.load()] == [known.id]


@pytest.mark.parametrize("reply", [
    error(500, "boom"),
    text("I think they are the same."),
    text(json.dumps({"pairs": [{"pair": 1, "verdict": "conflict", "keep": "nobody"}]})),
], ids=["http-error", "no-json", "bad-keep"])
def test_model_failure_leaves_memory_untouched(project: Path, fill, config,
                                               anthropic_server: MessagesServer,
                                               reply: object) -> None:
    a = entry("Run the unit tests with tox before pushing.")
    b = entry("Before pushing, tox runs the unit test suite.")
    dup = entry("run the unit tests with tox before pushing")  # deterministic work too
    store = fill(a, b, dup)
    (project / "CLAUDE.md").write_text("# rules\n")
    _transcript(project, "s1", [("ok", "remember to lint")])
    before = tree_hashes(project.parent)
    anthropic_server.enqueue(reply)  # type: ignore[arg-type]
    with pytest.raises(DreamModelError) as info:
        run(project, config)
    assert "memory is unchanged" in str(info.value)
    from corral_dream.gates import state_dir

    assert tree_hashes(project.parent, skip=project.parent / "corral-env") == \
        {k: v for k, v in before.items() if not k.startswith("corral-env")}
    assert (state_dir(store) / "dream.lock").read_text() == ""  # released
