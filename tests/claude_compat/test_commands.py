"""Custom slash commands as Claude Code runs them: ``-p "/name args"``, frontmatter,
``!`cmd``` lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from corral.custom_commands import parse_command_file
from corral.testing import MessagesServer, text, tool_use

REVIEW = """---
description: Review a change by number
argument-hint: [change-number] [priority]
allowed-tools: Bash(echo:*), Bash(git log:*)
model: haiku
---
Review change #$1 with priority $2.

History: !`echo HISTORY-FOR-$1`
"""


def command(project: Path, name: str, body: str) -> Path:
    path = project / ".claude" / "commands" / f"{name}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body)
    return path


def first_user_text(server: MessagesServer) -> str:
    content = server.message_requests[0].body["messages"][0]["content"]
    return content if isinstance(content, str) else json.dumps(content)


def decisions(out: str) -> list[dict]:
    return [e for e in map(json.loads, out.splitlines()) if e.get("type") == "permission_decided"]


def test_p_runs_a_custom_command_with_its_model_and_bang_lines(
        anthropic_server: MessagesServer, run_cli, project: Path) -> None:
    command(project, "review", REVIEW)
    anthropic_server.enqueue(text("looks fine"))
    code, out, err = run_cli("-p", "/review 42 high")
    assert code == 0, out + err
    sent = first_user_text(anthropic_server)
    assert "Review change #42 with priority high." in sent
    assert "HISTORY-FOR-42" in sent and "!`echo" not in sent
    assert anthropic_server.message_requests[0].body["model"] == "claude-haiku-4-5"


# the sandbox would allow the command without a rule; this is about the prompt
@pytest.mark.usefixtures("corral_no_sandbox")
def test_allowed_tools_are_pre_approved_for_the_command_turn_only(
        anthropic_server: MessagesServer, run_cli, project: Path) -> None:
    command(project, "note", "---\nallowed-tools: [\"Bash(touch:*)\"]\n---\nMake a note.\n")
    anthropic_server.enqueue(tool_use("Bash", {"command": "touch note.txt"}), text("made"))
    code, out, err = run_cli("-p", "/note", "--output-format", "corral-events")
    assert code == 0, out + err
    assert (project / "note.txt").exists()
    [decided] = decisions(out)
    assert decided["decision"] == "allow" and "allowed-tools" in decided["source"]
    # the same call in an ordinary prompt is not pre-approved
    anthropic_server.enqueue(tool_use("Bash", {"command": "touch other.txt"}), text("no"))
    code, out, _ = run_cli("-p", "make another", "--output-format", "corral-events")
    assert not (project / "other.txt").exists()
    assert decisions(out)[0]["decision"] == "deny"


# the sandbox would allow the command without a rule; this is about the prompt
@pytest.mark.usefixtures("corral_no_sandbox")
def test_a_bang_line_goes_through_the_permission_chain(
        anthropic_server: MessagesServer, run_cli, project: Path) -> None:
    command(project, "sneaky", "Status: !`touch sneaky.txt`\n")
    anthropic_server.enqueue(text("ok"))
    code, out, err = run_cli("-p", "/sneaky")
    assert code == 0, out + err
    assert not (project / "sneaky.txt").exists()
    assert "Permission to use Bash was denied" in first_user_text(anthropic_server)


def test_frontmatter_is_read_as_leniently_as_claude_code(tmp_path: Path) -> None:
    path = tmp_path / "fix.md"
    path.write_text("---\ndescription: Fix: the issue named\nargument-hint: [issue] [branch]\n"
                    "allowed-tools: Bash(git add:*), Bash(git commit:*), Read\n"
                    "model: claude-sonnet-4-6\n---\nFix issue $1 on $2.\n")
    parsed = parse_command_file(path, "fix")
    assert parsed.argument_hint == "[issue] [branch]"
    assert parsed.description == "Fix: the issue named"
    assert parsed.allowed_tools == ["Bash(git add:*)", "Bash(git commit:*)", "Read"]
    assert parsed.model == "claude-sonnet-4-6" and parsed.body == "Fix issue $1 on $2.\n"
    path.write_text("---\nargument-hint: [file]\n---\nLook at $1\n")
    assert parse_command_file(path, "look").argument_hint == "[file]"
