"""Split a Markdown file into YAML frontmatter and body, tolerating Claude Code's loose style.

Agent files shared for Claude Code often hold descriptions that are not strict YAML (an
unquoted ``Examples: <example>Context: ...``). When strict YAML fails, the frontmatter is
read again line by line: each ``key: value`` line at the left margin starts a key, and
indented lines continue the previous value.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec

_KEY_LINE = re.compile(r"^([A-Za-z_][\w-]*):(?:\s+(.*)|\s*)$")


class FrontmatterError(Exception):
    """A problem at a 1-based line of the file."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class Parsed(msgspec.Struct, kw_only=True):
    data: dict[str, Any]
    #: 1-based line of each top-level key in the file.
    lines: dict[str, int]
    body: str


def split(text: str) -> Parsed:
    """The frontmatter mapping, the line of each key, and the body of ``text``."""
    text = text.lstrip("\ufeff")
    all_lines = text.splitlines()
    if not all_lines or all_lines[0].strip() != "---":
        raise FrontmatterError(1, "no YAML frontmatter: the file must start with a '---' line")
    end = next((i for i in range(1, len(all_lines)) if all_lines[i].strip() == "---"), None)
    if end is None:
        raise FrontmatterError(1, "the frontmatter opened on line 1 is never closed with '---'")
    front = all_lines[1:end]
    body = "\n".join(all_lines[end + 1 :]).strip()
    lines = _key_lines(front)
    try:
        data = _strict(front)
    except FrontmatterError as strict_error:
        data = _loose(front)
        if not data:
            raise strict_error from None
    return Parsed(data=data, lines=lines, body=body)


def _key_lines(front: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, line in enumerate(front):
        match = _KEY_LINE.match(line)
        if match:
            found.setdefault(match.group(1), index + 2)
    return found


def _strict(front: list[str]) -> dict[str, Any]:
    import yaml

    try:
        data = yaml.safe_load("\n".join(front))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 2
        problem = getattr(exc, "problem", None) or str(exc)
        raise FrontmatterError(line, f"invalid YAML frontmatter: {problem}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FrontmatterError(2, "the frontmatter must be a mapping of keys to values")
    return {str(k): v for k, v in data.items()}


def _loose(front: list[str]) -> dict[str, Any]:
    """``key: value`` lines; indented lines continue a value, ``- item`` lines make a list.
    An empty result means the text is not loose frontmatter either."""
    data: dict[str, Any] = {}
    key: str | None = None
    for line in front:
        match = _KEY_LINE.match(line)
        stripped = line.strip()
        if match:
            key = match.group(1)
            value = (match.group(2) or "").strip()
            if value[:1] in ("[", "{") and value[-1:] not in ("]", "}"):
                return {}
            data[key] = _unquote(value)
        elif key is None or not stripped or stripped.startswith("#"):
            continue
        elif stripped.startswith("- ") and isinstance(data[key], list | str):
            if data[key] == "":
                data[key] = []
            if not isinstance(data[key], list):
                return {}
            data[key].append(_unquote(stripped[2:].strip()))
        elif isinstance(data[key], str):
            data[key] = f"{data[key]} {stripped}".strip()
        else:
            return {}
    return data


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value
