"""The SlashCommand tool: the model runs custom commands, within disable-model-invocation and
permission rules."""

from __future__ import annotations

import json
from pathlib import Path

from corral.testing import text, tool_use


def commands(project: Path) -> None:
    folder = project / ".claude" / "commands"
    folder.mkdir()
    (folder / "greet.md").write_text(
        "---\ndescription: Greet someone warmly\nargument-hint: [name]\n---\n"
        "Say hello to $ARGUMENTS and mention !`echo the-bang-ran`.\n")
    (folder / "deploy.md").write_text(
        "---\ndescription: Ship it\ndisable-model-invocation: true\n---\nDeploy now.\n")


def last_result(request) -> dict:
    return request.body["messages"][-1]["content"][0]


def test_the_model_runs_a_command_and_gets_its_instructions(
        anthropic_server, run_cli, project: Path) -> None:
    commands(project)
    (project / ".claude" / "settings.json").write_text(json.dumps(
        {"permissions": {"allow": ["Bash(echo *)"]}}))
    anthropic_server.enqueue(tool_use("SlashCommand", {"command": "/greet Ada"}),
                             tool_use("SlashCommand", {"command": "/deploy"}),
                             text("done"))
    code, out, err = run_cli("-p", "greet Ada", "--output-format", "json")
    assert code == 0, out + err
    first, second, third = anthropic_server.message_requests
    [tool] = [t for t in first.body["tools"] if t["name"] == "SlashCommand"]
    assert "/greet [name]: Greet someone warmly" in tool["description"]
    assert "/deploy" not in tool["description"]
    greeted = last_result(second)
    assert not greeted.get("is_error")
    assert "Say hello to Ada and mention the-bang-ran" in json.dumps(greeted["content"])
    refused = last_result(third)
    assert refused["is_error"] and "disable-model-invocation" in json.dumps(refused["content"])


def test_permission_rules_name_commands(anthropic_server, run_cli, project: Path) -> None:
    commands(project)
    (project / ".claude" / "settings.json").write_text(json.dumps(
        {"permissions": {"deny": ["SlashCommand(/greet:*)"], "allow": ["Bash(echo *)"]}}))
    anthropic_server.enqueue(tool_use("SlashCommand", {"command": "/greet Bob"}), text("ok"))
    code, out, err = run_cli("-p", "greet Bob", "--output-format", "corral-events")
    assert code == 0, out + err
    [decided] = [json.loads(line) for line in out.splitlines()
                 if json.loads(line).get("type") == "permission_decided"]
    assert decided["decision"] == "deny" and "SlashCommand(/greet:*)" in decided["reason"]


def test_no_tool_without_commands_the_model_may_run(anthropic_server, run_cli,
                                                   project: Path) -> None:
    anthropic_server.enqueue(text("hi"))
    assert run_cli("-p", "hi")[0] == 0
    names = [t["name"] for t in anthropic_server.last_request.body["tools"]]
    assert "SlashCommand" not in names


def test_rule_spellings() -> None:
    from corral.permissions.rules import parse_rule

    for spelling in ("SlashCommand(/review-pr:*)", "SlashCommand:/review-pr:*",
                     "SlashCommand(/review-pr *)"):
        _, rule = parse_rule(spelling, "allow", "test")
        assert rule.regex is not None
        assert rule.regex.fullmatch("/review-pr 123") and rule.regex.fullmatch("/review-pr")
        assert not rule.regex.fullmatch("/review-prs 1")
    _, exact = parse_rule("SlashCommand:/commit", "deny", "test")
    assert exact.regex is not None
    assert exact.regex.fullmatch("/commit") and not exact.regex.fullmatch("/commit now")
