"""End to end: ``corral -p`` in this process, the real SDK against the scripted test server,
a real git repository, and only this plugin loaded."""

from __future__ import annotations

import io
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from corral.cli import main
from corral.testing import MessagesServer, text, tool_use

from .conftest import TERMS, Configure, git

RunCorral = Callable[..., tuple[int, dict[str, Any], str]]

HUMAN_TRAILERS = (
    "Co-authored-by: Ann Example <ann@example.org>\nSigned-off-by: Bo Example <bo@example.org>"
)


@pytest.fixture
def run_corral(
    repo: Path,
    corral_home: Configure,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> RunCorral:
    """Run ``corral ARGS`` in ``repo``; return the exit status, the JSON result, stderr."""
    monkeypatch.chdir(repo)

    def run(*args: str) -> tuple[int, dict[str, Any], str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(""))
        code = main(["-p", *args, "--output-format", "json"])
        out, err = capsys.readouterr()
        return code, json.loads(out.strip().splitlines()[-1]), err

    return run


def _tool_results(server: MessagesServer, index: int) -> list[dict[str, Any]]:
    content: list[dict[str, Any]] = server.message_requests[index].body["messages"][-1]["content"]
    return content


def _system_text(server: MessagesServer) -> str:
    return json.dumps(server.message_requests[0].body["system"])


def test_codename_commit_is_denied_and_the_rewritten_commit_lands(
    anthropic_server: MessagesServer, run_corral: RunCorral, corral_home: Configure, repo: Path
) -> None:
    corral_home(terms=TERMS)
    (repo / "importer.py").write_text("print('csv')\n", encoding="utf-8")
    git(repo, "add", "importer.py")
    clean = f"Add a CSV importer\n\n{HUMAN_TRAILERS}"
    anthropic_server.enqueue(
        tool_use("Bash", {"command": "git commit -q -m 'Add the Capybara CSV importer'"}),
        tool_use("Bash", {"command": f"git commit -q -m '{clean}'"}),
        text("Committed."),
    )
    code, result, err = run_corral("commit the importer", "--allowedTools", "Bash(git commit:*)")
    assert code == 0, (result, err)
    assert result["result"] == "Committed." and len(anthropic_server.message_requests) == 3

    [denial] = result["permission_denials"]
    assert "internal name or codename" in denial["reason"]
    assert "capybara" not in denial["reason"].lower()
    [refused] = _tool_results(anthropic_server, 1)
    assert refused["is_error"] is True
    assert "Permission to use Bash was denied" in refused["content"]
    assert "internal name or codename at command:1:" in refused["content"]
    assert "capybara" not in refused["content"].lower()
    [ran] = _tool_results(anthropic_server, 2)
    assert not ran.get("is_error")

    messages = git(repo, "log", "--format=%B%x00").stdout.split("\0")
    assert [m.strip() for m in messages if m.strip()] == [clean]  # the person's trailers kept
    assert "capybara" not in git(repo, "log", "-p").stdout.lower()


def test_prompt_has_the_section_and_no_corral_trailer_when_undercover(
    anthropic_server: MessagesServer, run_corral: RunCorral, corral_home: Configure
) -> None:
    corral_home(terms=TERMS)
    anthropic_server.enqueue(text("ok"))
    assert run_corral("hello")[0] == 0
    system = _system_text(anthropic_server)
    assert "Keep these out of all of it" in system and "internal codenames" in system
    assert "never claim to be a human or deny being an AI" in system
    assert "Co-Authored-By: corral" not in system
    for term in TERMS:
        assert not re.search(rf"\b{re.escape(term)}\b", system, re.IGNORECASE)


def test_trailer_stays_when_strip_attribution_is_off(
    anthropic_server: MessagesServer, run_corral: RunCorral, corral_home: Configure
) -> None:
    corral_home(top={"attribution": "Assisted-by: corral"}, terms=TERMS, strip_attribution=False)
    anthropic_server.enqueue(text("ok"))
    assert run_corral("hello")[0] == 0
    system = _system_text(anthropic_server)
    assert "Keep these out of all of it" in system and "Assisted-by: corral" in system


def test_trailer_stays_when_every_remote_is_internal(
    anthropic_server: MessagesServer, run_corral: RunCorral, corral_home: Configure, repo: Path
) -> None:
    git(repo, "remote", "add", "origin", "git@git.corp.example:team/x.git")
    corral_home(terms=TERMS, internal_remotes=["corp.example"])
    anthropic_server.enqueue(text("ok"))
    assert run_corral("hello")[0] == 0
    system = _system_text(anthropic_server)
    assert "Co-Authored-By: corral <noreply@corral.invalid>" in system
    assert "Keep these out of all of it" not in system


NOTES = "Capybara ships\nsee wiki.corp.example\n"


def test_redact_rewrites_a_write_before_it_runs(
    anthropic_server: MessagesServer, run_corral: RunCorral, corral_home: Configure, repo: Path
) -> None:
    corral_home(terms=TERMS, internal_hosts=["corp.example"], action="redact")
    anthropic_server.enqueue(
        tool_use("Write", {"file_path": "NOTES.md", "content": NOTES}),
        text("Wrote it."),
    )
    code, result, err = run_corral("note it", "--permission-mode", "acceptEdits")
    assert code == 0, (result, err)
    assert result["permission_denials"] == []
    assert (repo / "NOTES.md").read_text(encoding="utf-8") == (
        "[redacted name] ships\nsee [redacted host]\n"
    )
    [done] = _tool_results(anthropic_server, 1)
    assert not done.get("is_error") and "NOTES.md" in done["content"]


def test_write_to_an_ignored_file_passes_vote_and_filter(
    anthropic_server: MessagesServer, run_corral: RunCorral, corral_home: Configure, repo: Path
) -> None:
    corral_home(terms=TERMS)
    (repo / ".gitignore").write_text("scratch/\n", encoding="utf-8")
    anthropic_server.enqueue(
        tool_use("Write", {"file_path": "scratch/todo.md", "content": "ask about Falcon\n"}),
        tool_use("Write", {"file_path": "todo.md", "content": "ask about Falcon\n"}),
        text("done"),
    )
    code, result, err = run_corral("jot it down", "--permission-mode", "acceptEdits")
    assert code == 0, (result, err)
    assert (repo / "scratch" / "todo.md").read_text(encoding="utf-8") == "ask about Falcon\n"
    assert not (repo / "todo.md").exists()
    [denial] = result["permission_denials"]
    assert denial["tool_input"]["file_path"] == "todo.md"
    assert "internal name or codename at content:1:11" in denial["reason"]
