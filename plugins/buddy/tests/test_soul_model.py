"""The model names the pet once, when a model is configured; otherwise the word lists do."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from corral.api import App, Session
from corral.cli import main
from corral.testing import MessagesServer, error, text
from corral_buddy.keys import NAMING, STATE
from corral_buddy.soul_model import parse_soul, prompt_for


def card(capsys: pytest.CaptureFixture[str]) -> dict:
    assert main(["buddy", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_cli_asks_the_model_once(anthropic_server: MessagesServer, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    anthropic_server.enqueue(text('{"name": "Pico Bytes", "personality": "naps on failing tests"}'))
    assert card(capsys)["name"] == "Pico Bytes"
    assert card(capsys)["name"] == "Pico Bytes"  # stored: no second request
    assert len(anthropic_server.message_requests) == 1
    sent = anthropic_server.message_requests[0].body["messages"][0]["content"]
    assert "Answer with JSON only" in sent and "user" not in json.dumps(anthropic_server.message_requests[0].body.get("metadata", {}))


def test_model_failure_falls_back_to_word_lists(anthropic_server: MessagesServer, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    anthropic_server.enqueue(error(400))
    name = card(capsys)["name"]
    assert name and name != "Pico Bytes"
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    assert card(capsys)["name"] == name


def test_no_credentials_no_request(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    with MessagesServer() as server:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", server.base_url)
        assert card(capsys)["name"]
        assert server.requests == []


def test_interactive_session_start_names_the_pet(anthropic_server: MessagesServer, tmp_path: Path) -> None:
    anthropic_server.enqueue(text('Sure! {"name": "Ada", "personality": "hums while you debug"}'))
    app = App.create(cwd=tmp_path, environ={"CORRAL_LOAD_PLUGINS": "buddy"})
    session = Session(app, headless=False)

    async def start() -> None:
        await app.host.session_start(session)
        await session.stash[NAMING]

    asyncio.run(start())
    [(_plugin, view)] = app.host.status(session)
    assert session.stash[STATE].profile.soul.name == "Ada"
    assert session.stash[STATE].profile.soul.origin == "model"


def test_parse_soul_rejects_bad_answers() -> None:
    assert parse_soul("no json here") is None
    assert parse_soul('{"name": "", "personality": "x"}') is None
    assert parse_soul('{"name": "Ok", "personality": "' + "x" * 200 + '"}') is None
    soul = parse_soul('{"name": " Ok ", "personality": "a  b"}')
    assert soul is not None and (soul.name, soul.personality, soul.origin) == ("Ok", "a b", "model")


def test_prompt_names_the_pet_not_the_user() -> None:
    from corral_buddy.bones import roll

    bones = roll("secret-user-id-123")
    prompt = prompt_for(bones)
    assert bones.species in prompt and "secret-user-id-123" not in prompt


def test_a_headless_session_start_asks_the_model_nothing(anthropic_server: MessagesServer,
                                                         tmp_path: Path) -> None:
    app = App.create(cwd=tmp_path, environ={"CORRAL_LOAD_PLUGINS": "buddy"})
    session = Session(app, headless=True)

    async def start() -> None:
        await app.host.session_start(session)
        naming = session.stash[NAMING]
        assert naming.done() and naming.result() is None
        await naming

    asyncio.run(start())
    assert anthropic_server.requests == []
