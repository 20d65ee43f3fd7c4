"""The Agent tool end to end: ``corral -p`` through the real SDK against the scripted server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from corral.testing import MessagesServer, error, message, text, tool_block, tool_use

from ._script import MAIN, Router, system_text, tool_names
from .conftest import RunCli, result_of, write_agent


def agent_call(subagent_type: str, prompt: str, id: str | None = None) -> dict:
    return {"description": f"run {subagent_type}", "prompt": prompt,
            "subagent_type": subagent_type}


def results_of(request) -> list[dict]:  # noqa: ANN001
    return request.messages[-1]["content"]


def test_subagent_gets_its_own_prompt_tools_and_mode(
    anthropic_server: MessagesServer, run_cli: RunCli, project: Path
) -> None:
    (project / "notes.txt").write_text("alpha\nbeta\n")
    write_agent(project / ".claude" / "agents", "reader", "You are READER-MARK.",
                tools="Read, Write", permissionMode="plan")
    router = Router({
        MAIN: [
            tool_use("Agent", agent_call("reader", "Summarize notes.txt")),
            text("The reader says the notes hold alpha and beta."),
        ],
        "READER-MARK": [
            message(tool_block("Read", {"file_path": "notes.txt"}, id="toolu_r1"),
                    tool_block("Write", {"file_path": "out.txt", "content": "x"}, id="toolu_w1"),
                    tool_block("Bash", {"command": "ls"}, id="toolu_b1")),
            text("notes.txt holds alpha and beta.").with_usage(input_tokens=700, output_tokens=9),
        ],
    })
    anthropic_server.respond_with(router)
    code, out, err = run_cli("-p", "what is in the notes?", "--output-format", "json",
                             "--permission-mode", "acceptEdits")
    assert code == 0, out + err
    result = result_of(out)
    assert result["result"] == "The reader says the notes hold alpha and beta."

    first_child, second_child = router.seen["READER-MARK"]
    assert "You are READER-MARK." in system_text(first_child)
    assert "READER-MARK" not in system_text(router.seen[MAIN][0])
    assert tool_names(first_child) == {"Read", "Write"}  # Bash is not offered at all
    assert first_child.messages[0]["content"][-1]["text"] == "Summarize notes.txt"
    read, write, bash = results_of(second_child)
    assert "alpha" in read["content"] and not read.get("is_error")
    assert write["is_error"] and "plan mode" in write["content"]  # the agent's own mode
    assert bash["is_error"] and "Unknown tool 'Bash'" in bash["content"]
    assert not (project / "out.txt").exists()

    [answer] = results_of(router.seen[MAIN][1])
    assert not answer.get("is_error")
    assert answer["content"].startswith("notes.txt holds alpha and beta.")
    assert "[sub-agent reader: 2 model requests" in answer["content"]
    # the child's usage rolls up into the parent's totals
    requests = anthropic_server.message_requests
    assert len(requests) == 4
    assert result["usage"]["input_tokens"] >= 700
    assert result["usage"]["output_tokens"] >= 9
    # the plan-mode denial of the child is listed with the agent that hit it
    assert [d["tool_name"] for d in result["permission_denials"]] == ["Write"]
    assert result["permission_denials"][0]["agent"] == "reader"


@pytest.mark.usefixtures("corral_no_sandbox")
def test_child_never_exceeds_the_parent(
    anthropic_server: MessagesServer, run_cli: RunCli, project: Path
) -> None:
    write_agent(project / ".claude" / "agents", "wild", "You are WILD-MARK.",
                tools="Bash, Read", permissionMode="bypassPermissions")
    router = Router({
        MAIN: [tool_use("Agent", agent_call("wild", "delete things")), text("done")],
        "WILD-MARK": [
            tool_use("Bash", {"command": "touch made-by-child.txt"}),
            text("could not"),
        ],
    })
    anthropic_server.respond_with(router)
    # the parent runs in default mode, headless: an ask is a deny, and bypass is not inherited
    code, out, err = run_cli("-p", "go", "--output-format", "json")
    assert code == 0, out + err
    [bash] = results_of(router.seen["WILD-MARK"][1])
    assert bash["is_error"] and "denied" in bash["content"]
    assert not (project / "made-by-child.txt").exists()


def test_tool_the_parent_is_denied_is_not_offered_to_the_child(
    anthropic_server: MessagesServer, run_cli: RunCli, project: Path
) -> None:
    write_agent(project / ".claude" / "agents", "sh", "You are SH-MARK.", tools="Bash, Read")
    router = Router({
        MAIN: [tool_use("Agent", agent_call("sh", "list files")), text("ok")],
        "SH-MARK": [text("nothing to do")],
    })
    anthropic_server.respond_with(router)
    code, out, err = run_cli("-p", "go", "--output-format", "json", "--disallowedTools", "Bash")
    assert code == 0, out + err
    assert "Bash" not in tool_names(router.seen[MAIN][0])
    assert tool_names(router.seen["SH-MARK"][0]) == {"Read"}


def test_parallel_agents_overlap_and_return_in_request_order(
    anthropic_server: MessagesServer, run_cli: RunCli, project: Path
) -> None:
    names = ["one", "two", "three"]
    for name in names:
        write_agent(project / ".claude" / "agents", name, f"You are {name.upper()}-MARK.",
                    tools="Read")
    calls = [tool_block("Agent", agent_call(n, f"task {n}"), id=f"toolu_{n}") for n in names]
    scripts: dict = {MAIN: [message(*calls), text("all three answered")]}
    for name in names:
        scripts[f"{name.upper()}-MARK"] = [text(f"answer from {name}").delayed(0.4)]
    router = Router(scripts)
    anthropic_server.respond_with(router)
    code, out, err = run_cli("-p", "fan out", "--output-format", "json")
    assert code == 0, out + err
    children = [router.seen[f"{n.upper()}-MARK"][0] for n in names]
    # every child's request arrived before any child's reply was finished: they overlapped
    assert max(c.received_at for c in children) < min(c.replied_at for c in children)
    results = results_of(router.seen[MAIN][1])
    assert [r["tool_use_id"] for r in results] == [f"toolu_{n}" for n in names]
    for name, block in zip(names, results, strict=True):
        assert block["content"].startswith(f"answer from {name}")


def test_parallel_cap_serializes_beyond_the_limit(
    anthropic_server: MessagesServer, run_cli: RunCli, project: Path
) -> None:
    names = ["aa", "bb"]
    for name in names:
        write_agent(project / ".claude" / "agents", name, f"You are {name.upper()}-MARK.")
    calls = [tool_block("Agent", agent_call(n, "t"), id=f"toolu_{n}") for n in names]
    scripts: dict = {MAIN: [message(*calls), text("done")]}
    for name in names:
        scripts[f"{name.upper()}-MARK"] = [text(f"from {name}").delayed(0.2)]
    router = Router(scripts)
    anthropic_server.respond_with(router)
    code, out, err = run_cli("-p", "fan out", "--output-format", "json",
                             settings="[plugins.coordinator]\nmax_parallel = 1\n")
    assert code == 0, out + err
    first, second = sorted((router.seen[f"{n.upper()}-MARK"][0] for n in names),
                           key=lambda r: r.received_at)
    assert first.replied_at is not None and second.received_at > first.replied_at


def test_failing_subagent_is_an_error_result_not_a_crash(
    anthropic_server: MessagesServer, run_cli: RunCli, project: Path
) -> None:
    write_agent(project / ".claude" / "agents", "flaky", "You are FLAKY-MARK.")
    router = Router({
        MAIN: [
            message(tool_block("Agent", agent_call("flaky", "x"), id="toolu_f"),
                    tool_block("Agent", agent_call("nobody", "y"), id="toolu_n")),
            text("one failed, one did not exist"),
        ],
        "FLAKY-MARK": [error(400, "the child's request is malformed")],
    })
    anthropic_server.respond_with(router)
    code, out, err = run_cli("-p", "go", "--output-format", "json")
    assert code == 0, out + err
    assert result_of(out)["result"] == "one failed, one did not exist"
    flaky, nobody = results_of(router.seen[MAIN][1])
    assert flaky["is_error"] and flaky["content"].startswith(
        "Sub-agent flaky failed (error_during_execution)")
    assert "the child's request is malformed" in flaky["content"]
    assert nobody["is_error"] and "Unknown subagent_type 'nobody'" in nobody["content"]
    assert "verifier" in nobody["content"]


def test_max_turns_of_the_definition_stops_the_child(
    anthropic_server: MessagesServer, run_cli: RunCli, project: Path
) -> None:
    write_agent(project / ".claude" / "agents", "loopy", "You are LOOPY-MARK.", maxTurns="2")
    glob = tool_use("Glob", {"pattern": "*"})
    router = Router({
        MAIN: [tool_use("Agent", agent_call("loopy", "x")), text("gave up")],
        "LOOPY-MARK": [glob, glob, glob, glob],
    })
    anthropic_server.respond_with(router)
    code, out, err = run_cli("-p", "go", "--output-format", "json")
    assert code == 0, out + err
    assert len(router.seen["LOOPY-MARK"]) == 2
    [block] = results_of(router.seen[MAIN][1])
    assert block["is_error"] and "(error_max_turns)" in block["content"]


def test_nesting_stops_at_the_configured_depth(
    anthropic_server: MessagesServer, run_cli: RunCli, project: Path
) -> None:
    write_agent(project / ".claude" / "agents", "outer", "You are OUTER-MARK.")
    write_agent(project / ".claude" / "agents", "inner", "You are INNER-MARK.")
    router = Router({
        MAIN: [tool_use("Agent", agent_call("outer", "x")), text("done")],
        "OUTER-MARK": [tool_use("Agent", agent_call("inner", "y")), text("outer done")],
        "INNER-MARK": [text("inner done")],
    })
    anthropic_server.respond_with(router)
    code, out, err = run_cli("-p", "go", "--output-format", "json")
    assert code == 0, out + err
    assert "Agent" in tool_names(router.seen[MAIN][0])
    assert "Agent" in tool_names(router.seen["OUTER-MARK"][0])  # depth 1 of 2 may nest
    assert "Agent" not in tool_names(router.seen["INNER-MARK"][0])  # depth 2: the limit
    [inner] = results_of(router.seen["OUTER-MARK"][1])
    assert inner["content"].startswith("inner done")

    anthropic_server.clear()
    router2 = Router({MAIN: [text("alone")], "OUTER-MARK": []})
    anthropic_server.respond_with(router2)
    code, _, _ = run_cli("-p", "go", "--output-format", "json",
                         settings="[plugins.coordinator]\nmax_depth = 0\n")
    assert code == 0
    assert "Agent" not in tool_names(router2.seen[MAIN][0])  # max_depth 0: no sub-agents


@pytest.mark.parametrize("persist", [True, False])
def test_child_transcript_is_linked_from_the_parent(
    anthropic_server: MessagesServer, run_cli: RunCli, project: Path, persist: bool
) -> None:
    write_agent(project / ".claude" / "agents", "scribe", "You are SCRIBE-MARK.")
    router = Router({
        MAIN: [tool_use("Agent", agent_call("scribe", "x")), text("done")],
        "SCRIBE-MARK": [text("scribed")],
    })
    anthropic_server.respond_with(router)
    flags = [] if persist else ["--no-session-persistence"]
    code, out, err = run_cli("-p", "go", "--output-format", "corral-events", *flags)
    assert code == 0, out + err
    events = [json.loads(line) for line in out.strip().splitlines()]
    notices = [e for e in events if e.get("type") == "notice"]
    kinds = [n["data"]["kind"] for n in notices]
    assert kinds == ["subagent_started", "subagent_finished"]
    finished = notices[1]["data"]
    assert finished["agent"] == "scribe" and finished["subtype"] == "success"
    if not persist:
        # --no-session-persistence: nothing of the session tree is written
        from corral.api import project_dir

        assert finished["transcript"] == ""
        folder = project_dir(project.resolve())
        assert not folder.exists() or list(folder.rglob("*.jsonl")) == []
        return
    child_log = Path(finished["transcript"])
    lines = [json.loads(line) for line in child_log.read_text().splitlines()]
    assert lines[0]["type"] == "session_started"
    assert any(e["type"] == "assistant_message" for e in lines)
    # the child's own transcript is not listed among the sessions of the project
    assert child_log.parent.parent.name == "subagents"
