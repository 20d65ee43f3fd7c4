"""The hooks, through the kernel: a real App (config from ``$CORRAL_HOME``), a real Session,
and the plugin host's typed facade."""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pluggy
import pytest
from corral import hookspecs
from corral.api import App, CliCommand, PromptSection, Session, ToolCall
from corral_undercover import plugin
from corral_undercover.errors import UndercoverBlocked, UndercoverConfigError
from corral_undercover.settings import Settings

from .conftest import TERMS, git

MakeSession = Callable[..., Session]


@pytest.fixture
def make_session(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> MakeSession:
    def make(**table: Any) -> Session:
        table = {"terms": TERMS, "internal_hosts": ["corp.example"], **table}
        home = tmp_path / f"corral-home-{len(list(tmp_path.glob('corral-home-*')))}"
        (home / "config").mkdir(parents=True)
        lines = ["[plugins.undercover]"] + [f"{k} = {json.dumps(v)}" for k, v in table.items()]
        (home / "config" / "config.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        monkeypatch.setenv("CORRAL_HOME", str(home))
        app = App.create(cwd=repo)
        assert isinstance(app.config.plugin_settings("undercover"), Settings)
        return Session(app, cwd=repo)

    return make


def _run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_hooks_match_the_kernel_hookspecs_and_register_cli() -> None:
    pm = pluggy.PluginManager("corral")
    pm.add_hookspecs(hookspecs)
    pm.register(plugin, name="undercover")  # raises on a misnamed hook or argument
    commands: list[CliCommand] = []
    pm.hook.corral_register_cli(register=commands.append)
    (cmd,) = commands
    assert cmd.name == "undercover" and cmd.configure is not None
    parser = argparse.ArgumentParser()
    cmd.configure(parser)
    args = parser.parse_args(["scan", "--json", "a.txt"])
    assert (args.undercover_command, args.json, args.paths) == ("scan", True, ["a.txt"])
    assert "command" not in vars(parser.parse_args(["install-hooks"]))  # the kernel's dest


def test_prompt_section_names_categories_not_terms(make_session: MakeSession) -> None:
    session = make_session()
    sections = [s for s in _run(session.hooks.system_prompt(session)) if s.name == "undercover"]
    (section,) = sections
    assert isinstance(section, PromptSection) and section.scope == "session"
    assert "internal codenames" in section.text and "internal hostnames" in section.text
    for term in TERMS + ["corp.example"]:
        assert term.lower() not in section.text.lower()
    off = make_session(mode="off")
    assert [s for s in _run(off.hooks.system_prompt(off)) if s.name == "undercover"] == []


def test_no_prompt_section_when_every_remote_is_internal(
    make_session: MakeSession, repo: Path
) -> None:
    git(repo, "remote", "add", "origin", "git@git.corp.example:team/x.git")
    session = make_session(internal_remotes=["corp.example"])
    assert [s for s in _run(session.hooks.system_prompt(session)) if s.name == "undercover"] == []


def test_filter_outbound_blocks_with_positions(make_session: MakeSession) -> None:
    session = make_session()
    with pytest.raises(UndercoverBlocked) as info:
        _run(session.hooks.filter_outbound(session, "Fix\n\nfor Falcon", "commit"))
    message = str(info.value)
    assert "commit text" in message and "at 3:5" in message and "falcon" not in message.lower()
    assert _run(session.hooks.filter_outbound(session, "plain", "pr")) == "plain"


def test_filter_outbound_redacts(make_session: MakeSession) -> None:
    session = make_session(action="redact")
    out = _run(session.hooks.filter_outbound(session, "Falcon is done", "pr"))
    assert out == "[redacted name] is done"


def test_filter_outbound_outside_a_session_uses_the_configured_settings(
    make_session: MakeSession, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo)
    monkeypatch.setattr(plugin, "_configured", {})
    session = make_session(action="redact")  # App.create runs corral_configure
    assert _run(session.hooks.filter_outbound(None, "Falcon", "commit")) == "[redacted name]"


def test_check_permission_votes_deny(make_session: MakeSession) -> None:
    session = make_session()
    call = ToolCall(id="t1", name="Bash", input={"command": "git commit -m 'capy bara'"})
    votes = dict(_run(session.hooks.check_permission(session, call)))
    assert votes["undercover"].decision == "deny"
    assert "internal name or codename" in votes["undercover"].reason
    clean = ToolCall(id="t2", name="Bash", input={"command": "git commit -m 'tidy'"})
    assert "undercover" not in dict(_run(session.hooks.check_permission(session, clean)))


def test_misconfiguration_fails_closed(
    make_session: MakeSession, repo: Path, tmp_path: Path
) -> None:
    session = make_session(patterns=["v9(\\d"])
    call = ToolCall(id="t1", name="Write", input={"file_path": "a.md", "content": "hello"})
    votes = dict(_run(session.hooks.check_permission(session, call)))
    assert votes["undercover"].decision == "deny"
    assert "patterns[0]" in votes["undercover"].reason
    read = ToolCall(id="t2", name="Bash", input={"command": "ls"})
    assert "undercover" not in dict(_run(session.hooks.check_permission(session, read)))
    # The file filter agrees with the vote: a file outside the repository passes, one inside
    # is refused with the setting's error.
    outside = str(tmp_path / "elsewhere.md")
    assert _run(session.hooks.filter_outbound(session, "hello", "file", outside)) == "hello"
    with pytest.raises(UndercoverConfigError, match=r"patterns\[0\]"):
        _run(session.hooks.filter_outbound(session, "hello", "file", str(repo / "a.md")))


def test_rewrite_tool_input_in_redact_mode(make_session: MakeSession) -> None:
    call = ToolCall(id="t1", name="Write", input={"file_path": "a.md", "content": "odin"})
    block = make_session()
    assert _run(block.hooks.rewrite_tool_input(block, call)) is None
    redact = make_session(action="redact")
    new = _run(redact.hooks.rewrite_tool_input(redact, call))
    assert new == {"file_path": "a.md", "content": "[redacted name]"}
