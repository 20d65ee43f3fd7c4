"""Glob patterns as regular expressions, and gitignore-style rules built from them.

One translation serves the Glob tool (a pattern matched against a whole relative path), the
ignore files and ``glob`` filter of Grep's Python search (gitignore rules: a pattern without
a slash matches a name at any depth), and file-type tables. Supported: ``*`` and ``?`` (never
crossing ``/``), ``**`` (any number of directories), ``[abc]``/``[!abc]`` classes, ``{a,b}``
alternatives (nestable) and ``\\`` escapes.
"""

from __future__ import annotations

import re
from pathlib import Path

import msgspec


class _Unclosed(Exception):
    pass


def _class_end(p: str, i: int) -> int:
    """Index of the ``]`` closing the class that opens at ``p[i]``, or -1."""
    j = i + 1
    if j < len(p) and p[j] in "!^":
        j += 1
    if j < len(p) and p[j] == "]":
        j += 1
    while j < len(p) and p[j] != "]":
        j += 1
    return j if j < len(p) else -1


def _parse(p: str, i: int, depth: int) -> tuple[str, int]:
    parts: list[str] = []
    alts: list[str] = []
    n = len(p)
    while i < n:
        c = p[i]
        if c == "\\" and i + 1 < n:
            parts.append(re.escape(p[i + 1]))
            i += 2
        elif c == "*":
            if p.startswith("**", i):
                after = i + 2
                at_start = i == 0 or p[i - 1] == "/"
                if at_start and after < n and p[after] == "/":
                    parts.append("(?:.*/)?")
                    i = after + 1
                    continue
                if at_start and after == n:
                    parts.append(".*")
                    i = after
                    continue
                i = after
            else:
                i += 1
            parts.append("[^/]*")
        elif c == "?":
            parts.append("[^/]")
            i += 1
        elif c == "[":
            end = _class_end(p, i)
            if end == -1:
                parts.append(re.escape(c))
                i += 1
                continue
            body = p[i + 1 : end]
            if body[:1] in ("!", "^"):
                body = "^" + body[1:]
            parts.append("[" + body.replace("\\", "\\\\") + "]")
            i = end + 1
        elif c == "{":
            try:
                sub, i = _parse(p, i + 1, depth + 1)
            except _Unclosed:
                parts.append(re.escape(c))
                i += 1
                continue
            parts.append(sub)
        elif c == "," and depth:
            alts.append("".join(parts))
            parts = []
            i += 1
        elif c == "}" and depth:
            alts.append("".join(parts))
            return "(?:" + "|".join(alts) + ")", i + 1
        else:
            parts.append(re.escape(c))
            i += 1
    if depth:
        raise _Unclosed
    return "".join(parts), i


def translate(pattern: str) -> str:
    """The regex body (no anchors) equivalent to the glob ``pattern``."""
    return _parse(pattern, 0, 0)[0]


def path_regex(pattern: str) -> re.Pattern[str]:
    """A compiled regex matching whole ``/``-separated relative paths against ``pattern``."""
    return re.compile(r"\A" + translate(pattern) + r"\Z", re.DOTALL)


class Rule(msgspec.Struct, frozen=True):
    """One gitignore-style line: a path regex, whether it is negated, whether dirs only."""

    regex: re.Pattern[str]
    negated: bool
    dir_only: bool

    def matches(self, rel: str, is_dir: bool) -> bool:
        if self.dir_only and not is_dir:
            return False
        return self.regex.match(rel) is not None


def parse_rule(line: str) -> Rule | None:
    """Parse one gitignore-style line; None for blank lines and comments."""
    line = line.rstrip("\r\n")
    if not line or line.startswith("#"):
        return None
    negated = line.startswith("!")
    if negated or line.startswith(("\\!", "\\#")):
        line = line[1:]
    while line.endswith(" ") and not line.endswith("\\ "):
        line = line[:-1]
    dir_only = line.endswith("/")
    line = line.rstrip("/")
    if not line:
        return None
    anchored = "/" in line
    body = translate(line.removeprefix("/"))
    prefix = r"\A" if anchored else r"\A(?:.*/)?"
    return Rule(re.compile(prefix + body + r"\Z", re.DOTALL), negated, dir_only)


def read_rules(path: Path) -> list[Rule]:
    """The rules of an ignore file; an absent or unreadable file has none."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    return [rule for line in text.splitlines() if (rule := parse_rule(line)) is not None]


def last_match(rules: list[Rule], rel: str, is_dir: bool) -> Rule | None:
    """The last rule matching ``rel`` (later rules override earlier ones), or None."""
    for rule in reversed(rules):
        if rule.matches(rel, is_dir):
            return rule
    return None
