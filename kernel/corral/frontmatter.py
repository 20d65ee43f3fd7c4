"""YAML frontmatter of Markdown files (custom commands), read as leniently as Claude Code.

Strict YAML first; when it fails — ``argument-hint: [a] [b]``, an unquoted ``: `` inside a
description — each ``key: value`` line at the left margin is read as text instead, with
indented lines continuing the value and ``- item`` lines making a list. Some keys are
always taken as written (:data:`VERBATIM`), so ``argument-hint: [file]`` stays ``[file]``
rather than becoming a one-item list.
"""

from __future__ import annotations

import re
from typing import Any

_OPEN = re.compile(r"\A\ufeff?---[ \t]*\r?\n")
_CLOSE = re.compile(r"^---[ \t]*\r?$", re.M)
_KEY = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]+(.*?)|[ \t]*)\r?$")
#: Keys whose value is the text as written, whatever YAML would make of it.
VERBATIM = frozenset({"argument-hint", "description"})


class FrontmatterError(ValueError):
    """Frontmatter that is neither YAML nor ``key: value`` lines.

    ``line`` is the 1-based line of the file where the problem is (the opening ``---``
    when YAML gave no position)."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


def split(text: str) -> tuple[dict[str, Any], str]:
    """The frontmatter of ``text`` as a mapping, and the body after it. A text without
    frontmatter is all body."""
    data, body, _ = read(text)
    return data, body


def read(text: str) -> tuple[dict[str, Any], str, FrontmatterError | None]:
    """:func:`split`, and what strict YAML found wrong with a frontmatter that was then read
    line by line (with the file line), or an opening ``---`` never closed; ``None`` when
    nothing was. Raises :class:`FrontmatterError` when the frontmatter reads neither way."""
    opened = _OPEN.match(text)
    if opened is None:
        return {}, text, None
    closed = _CLOSE.search(text, opened.end())
    if closed is None:
        return {}, text, FrontmatterError("the frontmatter opened by '---' is never closed by "
                                          "a '---' line, so the whole file is read as text", 1)
    front = text[opened.end():closed.start()]
    body = text[closed.end():].lstrip("\r\n") if closed.end() < len(text) else ""
    loose = _loose(front)
    problem: FrontmatterError | None = None
    try:
        data = _strict(front)
    except FrontmatterError as exc:
        exc.line += _lines_before(text, opened.end())
        if not loose and front.strip():
            raise
        data = loose
        problem = FrontmatterError(f"{exc}; read as 'key: value' lines instead", exc.line)
    for key in VERBATIM:
        if key in loose and isinstance(loose[key], str) and not isinstance(data.get(key), str):
            data[key] = loose[key]
    return data, body, problem


def _lines_before(text: str, offset: int) -> int:
    return text.count("\n", 0, offset)


def _strict(front: str) -> dict[str, Any]:
    import yaml

    try:  # libyaml's loader when PyYAML has it: the same result, many times faster
        data = yaml.load(front, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise FrontmatterError(f"invalid YAML frontmatter: {problem}", line) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FrontmatterError("the frontmatter must be a mapping of keys to values")
    return {str(k): v for k, v in data.items()}


def _loose(front: str) -> dict[str, Any]:
    data: dict[str, Any] = {}
    key: str | None = None
    for line in front.splitlines():
        match = _KEY.match(line)
        stripped = line.strip()
        if match:
            key = match.group(1)
            data[key] = _unquote((match.group(2) or "").strip())
        elif key is None or not stripped or stripped.startswith("#"):
            continue
        elif stripped.startswith("- ") and (data[key] == "" or isinstance(data[key], list)):
            if data[key] == "":
                data[key] = []
            data[key].append(_unquote(stripped[2:].strip()))
        elif isinstance(data[key], str):
            data[key] = f"{data[key]} {stripped}".strip()
    return data


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value
