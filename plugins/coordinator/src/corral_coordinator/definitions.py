"""Agent definition files: Markdown with YAML frontmatter, in Claude Code's format.

::

    ---
    name: code-reviewer
    description: Reviews a change for bugs and risky patterns.
    tools: Read, Grep, Glob          # or a YAML list; omitted (or "*") inherits every tool
    disallowedTools: Bash
    model: sonnet                    # an alias, a model id, or "inherit"
    permissionMode: plan
    maxTurns: 20
    color: blue
    ---
    The system prompt of the agent.

Keys corral does not use (Claude Code adds new ones over time) are ignored.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import msgspec
from corral.api import AgentDefinition, CorralError

from corral_coordinator._frontmatter import FrontmatterError, split

MODES = ("default", "acceptEdits", "plan", "dontAsk", "bypassPermissions")
#: Names as Claude Code accepts them: words may be separated by spaces (``Code Reviewer``).
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:' -]*$")
#: The sub-agent tool's old name, accepted in tool lists.
TOOL_ALIASES = {"Task": "Agent"}


class AgentFileError(CorralError):
    """An agent file that cannot be loaded; the message names the file and the line."""

    def __init__(self, path: Path, line: int, problem: str) -> None:
        super().__init__(f"{path}:{line}: {problem}")
        self.path = path
        self.line = line
        self.problem = problem


class LoadProblem(msgspec.Struct, frozen=True, kw_only=True):
    """A file that was skipped, and why (the other files still load)."""

    path: str
    line: int
    problem: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.problem}"


def parse_agent_text(text: str, path: Path, source: str) -> AgentDefinition:
    """One agent definition from the text of ``path``; :class:`AgentFileError` if broken."""
    try:
        parsed = split(text)
    except FrontmatterError as exc:
        raise AgentFileError(path, exc.line, exc.message) from None
    data, lines = parsed.data, parsed.lines

    def fail(key: str, problem: str) -> AgentFileError:
        return AgentFileError(path, lines.get(key, 1), f"{key}: {problem}")

    name = _text(data, "name", fail, required=True)
    assert name is not None
    if not _NAME.match(name):
        raise fail("name", f"{name!r} is not a valid agent name (letters, digits, spaces, '-', '_', '.', ':')")
    description = _text(data, "description", fail, required=True)
    assert description is not None
    if not parsed.body:
        raise AgentFileError(path, 1, "the file has no body: it is the agent's system prompt")
    mode = _text(data, "permissionMode", fail)
    if mode is not None and mode not in MODES:
        raise fail("permissionMode", f"{mode!r} is not one of {', '.join(MODES)}")
    model = _text(data, "model", fail)
    return AgentDefinition(
        name=name,
        description=description.replace("\\n", "\n").strip(),
        prompt=parsed.body,
        tools=_tool_list(data.get("tools"), "tools", fail, inherit_if_star=True),
        disallowed_tools=_tool_list(data.get("disallowedTools"), "disallowedTools", fail) or [],
        model=None if model in (None, "", "inherit") else model,
        permission_mode=mode,
        max_turns=_positive_int(data.get("maxTurns"), fail),
        color=_text(data, "color", fail),
        source=source,
    )


def load_agent_file(path: Path, source: str) -> AgentDefinition:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AgentFileError(path, 1, f"cannot read the file: {exc}") from None
    return parse_agent_text(text, path, source)


def load_agent_dir(folder: Path, layer: str) -> tuple[list[AgentDefinition], list[LoadProblem]]:
    """Every ``*.md`` of ``folder`` (sorted; sub-folders included; or ``folder`` itself when
    it is a file), and the broken ones.

    Each definition's source is ``<layer>:<path>``."""
    agents: list[AgentDefinition] = []
    problems: list[LoadProblem] = []
    files = [folder] if folder.is_file() else sorted(folder.rglob("*.md")) if folder.is_dir() else []
    for path in files:
        try:
            agents.append(load_agent_file(path, f"{layer}:{path}"))
        except AgentFileError as exc:
            problems.append(LoadProblem(path=str(path), line=exc.line, problem=exc.problem))
    return agents, problems


def _text(data: dict[str, Any], key: str, fail: Any, *, required: bool = False) -> str | None:
    value = data.get(key)
    if value is None or value == "":
        if required:
            if key in data:
                raise fail(key, "is required and must not be empty")
            raise _missing(fail, key)
        return None
    if isinstance(value, bool) or isinstance(value, dict | list):
        raise fail(key, f"expected text, got {type(value).__name__}")
    return str(value).strip()


def _missing(fail: Any, key: str) -> AgentFileError:
    error: AgentFileError = fail(key, "is required but missing from the frontmatter")
    return error


def _tool_list(
    value: Any, key: str, fail: Any, *, inherit_if_star: bool = False
) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        items = [p.strip() for p in _split_commas(value.strip().strip("[]"))]
    elif isinstance(value, list):
        items = [str(v).strip() for v in value]
    else:
        raise fail(key, f"expected a comma-separated list or a YAML list, got {value!r}")
    names = [TOOL_ALIASES.get(i, i) for i in (_strip_quotes(i) for i in items) if i]
    if inherit_if_star and "*" in names:
        return None
    return names


def _split_commas(text: str) -> list[str]:
    """Split on commas outside parentheses (``Bash(git diff, git log)`` stays whole)."""
    parts: list[str] = []
    depth = 0
    current = ""
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return parts


def _strip_quotes(item: str) -> str:
    if len(item) >= 2 and item[0] == item[-1] and item[0] in "\"'":
        return item[1:-1].strip()
    return item


def _positive_int(value: Any, fail: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise fail("maxTurns", f"expected a whole number, got {value!r}") from None
    if isinstance(value, bool) or number < 1:
        raise fail("maxTurns", f"expected a whole number of at least 1, got {value!r}")
    return number
