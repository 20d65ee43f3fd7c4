"""Agent files in Claude Code's format: what loads, what is reported, and where."""

from __future__ import annotations

from pathlib import Path

import pytest
from corral_coordinator.definitions import AgentFileError, load_agent_dir, parse_agent_text

# Shaped like the agent files people share for Claude Code (written for this test).
CLAUDE_STYLE_LOOSE = """---
name: api-designer
description: Use this agent when designing HTTP endpoints. Examples: <example>Context: the user adds a route. user: "add /users" assistant: "I'll use the api-designer agent"</example>
tools: Read, Grep, Glob, Bash
model: sonnet
color: purple
---

You design APIs.
"""

CLAUDE_STYLE_YAML = """---
name: doc-writer
description: "Writes and updates documentation.\\nUse after a feature lands."
tools:
  - Read
  - Edit
  - Task
disallowedTools: Bash, WebFetch
model: inherit
permissionMode: acceptEdits
maxTurns: 12
skills: [docs]
---
Write docs in plain words.
"""


def parse(text: str, name: str = "a.md"):  # noqa: ANN201
    return parse_agent_text(text, Path("/agents") / name, "project")


def test_loose_claude_code_frontmatter_loads_unchanged() -> None:
    agent = parse(CLAUDE_STYLE_LOOSE)
    assert agent.name == "api-designer"
    assert agent.description.startswith("Use this agent when designing HTTP endpoints.")
    assert "<example>Context: the user adds a route." in agent.description
    assert agent.tools == ["Read", "Grep", "Glob", "Bash"]
    assert agent.model == "sonnet" and agent.color == "purple"
    assert agent.prompt == "You design APIs."
    assert agent.permission_mode is None and agent.max_turns is None


def test_strict_yaml_lists_aliases_and_unknown_keys() -> None:
    agent = parse(CLAUDE_STYLE_YAML)
    assert agent.tools == ["Read", "Edit", "Agent"]  # Task is the old name of Agent
    assert agent.disallowed_tools == ["Bash", "WebFetch"]
    assert agent.model is None  # inherit
    assert agent.permission_mode == "acceptEdits" and agent.max_turns == 12
    assert agent.description == "Writes and updates documentation.\nUse after a feature lands."
    assert agent.source == "project"


@pytest.mark.parametrize(
    ("tools", "expected"),
    [
        ("Read, Grep", ["Read", "Grep"]),
        ("[Read, Grep]", ["Read", "Grep"]),
        ("'*'", None),
        ("Bash(git diff, git log), Read", ["Bash(git diff, git log)", "Read"]),
    ],
)
def test_tool_list_forms(tools: str, expected: list[str] | None) -> None:
    text = f"---\nname: t\ndescription: d\ntools: {tools}\n---\nbody\n"
    assert parse(text).tools == expected


def test_omitted_tools_inherit() -> None:
    assert parse("---\nname: t\ndescription: d\n---\nbody\n").tools is None


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("no frontmatter here\n", 1, "no YAML frontmatter"),
        ("---\nname: x\ndescription: y\nbody without end\n", 1, "never closed"),
        ("---\ndescription: d\n---\nbody\n", 1, "name: is required"),
        ("---\nname: x\n---\nbody\n", 1, "description: is required"),
        ("---\nname: x\ndescription: d\ncolor: red\npermissionMode: yolo\n---\nb\n", 5,
         "permissionMode: 'yolo' is not one of"),
        ("---\nname: x\ndescription: d\nmaxTurns: many\n---\nb\n", 4,
         "maxTurns: expected a whole number"),
        ("---\nname: x\ndescription: d\n---\n\n", 1, "no body"),
        ("---\nname: bad name!\ndescription: d\n---\nb\n", 2, "not a valid agent name"),
        ("---\nname: -dash first\ndescription: d\n---\nb\n", 2, "not a valid agent name"),
        ("---\nname: x\ndescription: d\ntools: {a: 1}\n---\nb\n", 4, "tools: expected"),
    ],
)
def test_broken_files_name_the_line(text: str, line: int, fragment: str) -> None:
    with pytest.raises(AgentFileError) as info:
        parse(text, "broken.md")
    assert info.value.line == line
    assert str(info.value).startswith(f"/agents/broken.md:{line}: ")
    assert fragment in str(info.value)


def test_invalid_yaml_reports_its_line() -> None:
    text = "---\nname: x\ndescription: d\ntools: [Read,\n  - oops: [\n---\nbody\n"
    with pytest.raises(AgentFileError) as info:
        parse(text)
    assert info.value.line >= 4 and "invalid YAML frontmatter" in info.value.problem


def test_a_broken_file_does_not_stop_the_others(tmp_path: Path) -> None:
    (tmp_path / "good.md").write_text("---\nname: good\ndescription: fine\n---\nok\n")
    (tmp_path / "bad.md").write_text("---\nname: bad\n---\nno description\n")
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "deep.md").write_text(CLAUDE_STYLE_LOOSE)
    (tmp_path / "notes.txt").write_text("not an agent")
    agents, problems = load_agent_dir(tmp_path, "user")
    assert sorted(a.name for a in agents) == ["api-designer", "good"]
    assert {a.source for a in agents} == {
        f"user:{tmp_path / 'good.md'}", f"user:{tmp_path / 'nested' / 'deep.md'}"}
    [problem] = problems
    assert problem.path == str(tmp_path / "bad.md") and problem.line == 1
    assert "description" in problem.problem


def test_names_with_spaces_load_as_claude_code_runs_them() -> None:
    agent = parse("---\nname: Code Reviewer\ndescription: Reviews code\n"
                  "tools: Read, Grep, WebSearch\n---\nReview it.\n")
    assert agent.name == "Code Reviewer" and agent.tools == ["Read", "Grep", "WebSearch"]


def test_tools_that_appear_later_join_a_sub_agent_by_its_definition() -> None:
    """A tool server connecting after a sub-agent started: its tools join the sub-agent when
    the definition's ``tools`` / ``disallowedTools`` let them, and never the Agent tool past
    the nesting limit."""
    from corral.api import AgentDefinition
    from corral_coordinator.subagent import admits

    listed = admits(AgentDefinition(name="a", description="d", prompt="p",
                                    tools=["Read", "mcp__docs__search"]), may_nest=False)
    assert listed("mcp__docs__search") and not listed("mcp__docs__delete")
    everything = admits(AgentDefinition(name="b", description="d", prompt="p", tools=None,
                                        disallowed_tools=["mcp__docs__delete"]), may_nest=False)
    assert everything("mcp__docs__search") and not everything("mcp__docs__delete")
    assert not everything("Agent") and not everything("Task")
    nesting = admits(AgentDefinition(name="c", description="d", prompt="p"), may_nest=True)
    assert nesting("Agent")
