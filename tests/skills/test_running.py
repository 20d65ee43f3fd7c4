"""Skills at work, end to end through the scripted Messages server: the listing in the system
prompt, the Skill tool, ``-p "/name args"``, allowed-tools, and ``Skill(name)`` rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from corral.testing import MessagesServer, text, tool_use

from tests.skills._kit import NOTES, pdf_skill, write_skill


def skills_root(project: Path) -> Path:
    return project / ".claude" / "skills"


def system_text(server: MessagesServer, index: int = 0) -> str:
    system = server.message_requests[index].body.get("system") or []
    return system if isinstance(system, str) else "\n".join(b.get("text", "") for b in system)


def tool_results(server: MessagesServer, index: int) -> list[dict]:
    messages = server.message_requests[index].body["messages"]
    return [b for m in messages if isinstance(m["content"], list) for b in m["content"]
            if b.get("type") == "tool_result"]


def result_text(block: dict) -> str:
    content = block["content"]
    return content if isinstance(content, str) else "".join(c.get("text", "") for c in content)


def events(out: str, kind: str) -> list[dict]:
    return [e for e in map(json.loads, out.splitlines()) if e.get("type") == kind]


def tool_names(server: MessagesServer, index: int = 0) -> list[str]:
    return [t["name"] for t in server.message_requests[index].body.get("tools", [])]


def test_the_model_loads_a_skill_with_the_skill_tool(
        anthropic_server: MessagesServer, run_cli, project: Path) -> None:
    file = pdf_skill(skills_root(project))
    write_skill(skills_root(project), "release-notes", NOTES)
    write_skill(skills_root(project), "secret-deploy",
                "---\ndescription: deploy to production\ndisable-model-invocation: true\n"
                "---\nDeploy.\n")
    anthropic_server.enqueue(tool_use("Skill", {"skill": "pdf-tools", "args": "form.pdf"}),
                             text("filled"))
    code, out, err = run_cli("-p", "fill in form.pdf")
    assert code == 0, out + err
    system = system_text(anthropic_server)
    assert "- pdf-tools: Fill PDF forms" in system
    assert "- release-notes: Write release notes from the git log" in system
    assert "secret-deploy" not in system  # disable-model-invocation hides it from the model
    assert "Skill" in tool_names(anthropic_server)
    [result] = tool_results(anthropic_server, 1)
    body = result_text(result)
    assert not result.get("is_error")
    assert "To fill a form, run `python scripts/fill_form.py INPUT.pdf`" in body
    assert "Work on: form.pdf" in body  # $ARGUMENTS filled in
    assert f"Skill folder: {file.parent}" in body
    assert "scripts/fill_form.py" in body and "reference/forms.md" in body
    assert "---" not in body.split("\n\n", 1)[1]  # the frontmatter is not sent


def test_the_older_command_input_and_a_hidden_skill(
        anthropic_server: MessagesServer, run_cli, project: Path) -> None:
    write_skill(skills_root(project), "release-notes", NOTES)
    write_skill(skills_root(project), "secret-deploy",
                "---\ndescription: deploy\ndisable-model-invocation: true\n---\nDeploy.\n")
    anthropic_server.enqueue(tool_use("Skill", {"command": "/release-notes"}),
                             tool_use("Skill", {"skill": "secret-deploy"}), text("ok"))
    code, out, err = run_cli("-p", "notes please")
    assert code == 0, out + err
    [loaded] = tool_results(anthropic_server, 1)
    assert "Group the changes by area" in result_text(loaded)
    hidden = tool_results(anthropic_server, 2)[-1]
    assert hidden.get("is_error") and "runs only when the user types" in result_text(hidden)


def test_p_slash_name_runs_a_skill_with_its_arguments_and_model(
        anthropic_server: MessagesServer, run_cli, project: Path) -> None:
    write_skill(skills_root(project), "secret-deploy",
                "---\ndescription: deploy\ndisable-model-invocation: true\nmodel: haiku\n"
                "---\nDeploy $ARGUMENTS carefully.\n", {"checklist.md": "- tests\n"})
    anthropic_server.enqueue(text("deployed"), text("plain"))
    code, out, err = run_cli("-p", "/secret-deploy staging")
    assert code == 0, out + err
    first = anthropic_server.message_requests[0].body
    sent = first["messages"][0]["content"]
    sent = sent if isinstance(sent, str) else json.dumps(sent)
    assert "Deploy staging carefully." in sent and "checklist.md" in sent
    assert first["model"] == "claude-haiku-4-5"
    assert "Skill" not in tool_names(anthropic_server)  # no skill is the model's to load
    code, out, err = run_cli("-p", "just talk")
    assert anthropic_server.message_requests[1].body["model"] != "claude-haiku-4-5"


def test_a_custom_command_of_the_same_name_wins(
        anthropic_server: MessagesServer, run_cli, project: Path) -> None:
    write_skill(skills_root(project), "review", "---\ndescription: skill review\n---\nSKILL\n")
    command = project / ".claude" / "commands" / "review.md"
    command.parent.mkdir(parents=True)
    command.write_text("COMMAND review\n")
    anthropic_server.enqueue(text("ok"))
    code, out, err = run_cli("-p", "/review")
    assert code == 0, out + err
    assert "COMMAND review" in json.dumps(anthropic_server.message_requests[0].body["messages"])
    write_skill(skills_root(project), "memory", "---\ndescription: clashes\n---\nM\n")
    code, out, _ = run_cli("skills", "--json")
    rows = {row["name"]: row for row in json.loads(out)["skills"]}
    assert rows["review"]["shadowed_by_command"] == str(command)
    assert rows["memory"]["shadowed_by_command"] == "plugin memory"  # the kernel's /memory


# the sandbox would allow the command without a rule; this is about the prompt
@pytest.mark.usefixtures("corral_no_sandbox")
def test_allowed_tools_hold_from_the_skill_call_to_the_end_of_the_turn(
        anthropic_server: MessagesServer, run_cli, project: Path) -> None:
    write_skill(skills_root(project), "notes",
                "---\ndescription: make notes\nallowed-tools: Bash(touch:*)\n---\nTouch.\n")
    anthropic_server.enqueue(tool_use("Bash", {"command": "touch before.txt"}),
                             tool_use("Skill", {"skill": "notes"}),
                             tool_use("Bash", {"command": "touch after.txt"}), text("done"))
    code, out, err = run_cli("-p", "notes", "--output-format", "corral-events")
    assert code == 0, out + err
    assert not (project / "before.txt").exists() and (project / "after.txt").exists()
    bash = [d for d in events(out, "permission_decided") if d["name"] == "Bash"]
    assert [d["decision"] for d in bash] == ["deny", "allow"]
    assert "allowed-tools of skill notes" in bash[1]["source"]
    # the next turn starts without them
    anthropic_server.enqueue(tool_use("Bash", {"command": "touch later.txt"}), text("no"))
    code, out, _ = run_cli("-p", "again", "--output-format", "corral-events")
    assert not (project / "later.txt").exists()


def test_skill_rules_deny_one_skill_and_leave_the_others(
        anthropic_server: MessagesServer, run_cli, project: Path) -> None:
    write_skill(skills_root(project), "release-notes", NOTES)
    write_skill(skills_root(project), "wipe", "---\ndescription: wipe things\n---\nWipe.\n")
    (project / ".claude" / "settings.json").write_text(
        json.dumps({"permissions": {"deny": ["Skill(wipe)"]}}))
    anthropic_server.enqueue(tool_use("Skill", {"skill": "wipe"}),
                             tool_use("Skill", {"skill": "release-notes"}), text("ok"))
    code, out, err = run_cli("-p", "go", "--output-format", "corral-events")
    assert code == 0, out + err
    decided = [(d["decision"], d.get("rule")) for d in events(out, "permission_decided")
               if d["name"] == "Skill"]
    assert decided[0][0] == "deny" and decided[1][0] == "allow", decided
    denied = tool_results(anthropic_server, 1)[-1]
    assert denied.get("is_error") and "Wipe." not in result_text(denied)
    assert "Group the changes" in result_text(tool_results(anthropic_server, 2)[-1])


def test_a_bare_skill_deny_rule_takes_the_tool_and_the_listing_away(
        anthropic_server: MessagesServer, run_cli, project: Path) -> None:
    write_skill(skills_root(project), "release-notes", NOTES)
    (project / ".claude" / "settings.json").write_text(
        json.dumps({"permissions": {"deny": ["Skill"]}}))
    anthropic_server.enqueue(text("ok"))
    code, out, err = run_cli("-p", "go")
    assert code == 0, out + err
    assert "Skill" not in tool_names(anthropic_server)
    assert "release-notes" not in system_text(anthropic_server)


def test_a_skill_model_holds_from_the_skill_call_to_the_end_of_the_turn(
        anthropic_server: MessagesServer, run_cli, project: Path) -> None:
    write_skill(skills_root(project), "quick",
                "---\ndescription: quick answers\nmodel: haiku\n---\nBe quick.\n")
    anthropic_server.enqueue(tool_use("Skill", {"skill": "quick"}), text("done"))
    code, out, err = run_cli("-p", "hi", "--model", "sonnet")
    assert code == 0, out + err
    models = [r.body["model"] for r in anthropic_server.message_requests]
    assert models == ["claude-sonnet-4-6", "claude-haiku-4-5"]


def test_stream_json_init_names_the_skills(
        anthropic_server: MessagesServer, run_cli, project: Path) -> None:
    write_skill(skills_root(project), "release-notes", NOTES)
    write_skill(skills_root(project), "quiet", "---\ndescription: q\nuser-invocable: false\n"
                "---\nQ\n")
    anthropic_server.enqueue(text("ok"))
    code, out, err = run_cli("-p", "hi", "--output-format", "stream-json")
    assert code == 0, out + err
    init = json.loads(out.splitlines()[0])
    assert init["subtype"] == "init" and init["skills"] == ["quiet", "release-notes"]
    assert "release-notes" in init["slash_commands"] and "quiet" not in init["slash_commands"]
