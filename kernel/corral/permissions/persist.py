"""Save an "always allow" rule into a TOML file, keeping every other line as it was.

The edit is textual (comments, ordering and formatting survive), checked by re-parsing the
result, and written atomically: a temporary file in the same directory, ``fsync``, rename.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from pathlib import Path
from typing import Any

from corral.errors import CorralError

_HEADER = re.compile(r"^[ \t]*\[[ \t]*permissions[ \t]*\][ \t]*(#.*)?$", re.MULTILINE)
_ANY_HEADER = re.compile(r"^[ \t]*\[", re.MULTILINE)
_ALLOW = re.compile(r"^[ \t]*(allow|\"allow\"|'allow')[ \t]*=[ \t]*\[", re.MULTILINE)
_DOTTED = re.compile(r"^[ \t]*permissions[ \t]*\.[ \t]*allow[ \t]*=[ \t]*\[", re.MULTILINE)


class RuleFileError(CorralError):
    """The rule could not be saved; the file is left untouched."""


def toml_string(value: str) -> str:
    """``value`` as a TOML basic string."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def add_allow_rule(path: str | os.PathLike[str], rule: str) -> bool:
    """Append ``rule`` to ``[permissions] allow`` in ``path`` (created when missing).

    :return: False when the rule was already there (the file is not rewritten).
    :raises RuleFileError: the file is not valid TOML or has a shape this edit cannot keep.
    """
    target = Path(path)
    try:
        old = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        old = ""
    before = _load(old, target)
    perms = before.get("permissions", {})
    if not isinstance(perms, dict):
        raise RuleFileError(f"{target}: 'permissions' is not a table; add {rule!r} to "
                            "permissions.allow by hand")
    existing = perms.get("allow", [])
    if not isinstance(existing, list):
        raise RuleFileError(f"{target}: permissions.allow is not a list")
    if rule in existing:
        return False
    new = insert_rule(old, rule, target)
    after = _load(new, target)
    expected = dict(before)
    expected["permissions"] = {**perms, "allow": [*existing, rule]}
    if after != expected:
        raise RuleFileError(f"{target}: could not add {rule!r} without changing other "
                            "settings; add it to permissions.allow by hand")
    _atomic_write(target, new)
    return True


def insert_rule(text: str, rule: str, where: Path) -> str:
    """``text`` with ``rule`` appended to the permissions allow list (pure text edit)."""
    item = toml_string(rule)
    header = _HEADER.search(text)
    if header is not None:
        nxt = _ANY_HEADER.search(text, header.end())
        end = nxt.start() if nxt is not None else len(text)
        allow = _ALLOW.search(text, header.end(), end)
        if allow is None:
            line_end = text.find("\n", header.end())
            if line_end < 0:
                return text + f"\nallow = [{item}]\n"
            return text[: line_end + 1] + f"allow = [{item}]\n" + text[line_end + 1 :]
        return _append_to_array(text, allow.end() - 1, item, where)
    first_header = _ANY_HEADER.search(text)
    dotted = _DOTTED.search(text, 0, first_header.start() if first_header else len(text))
    if dotted is not None:
        return _append_to_array(text, dotted.end() - 1, item, where)
    if re.search(r"^[ \t]*permissions[ \t]*[.=]", text, re.MULTILINE):
        raise RuleFileError(f"{where}: permissions is written inline; add the rule by hand")
    sep = "" if not text or text.endswith("\n\n") else ("\n" if text.endswith("\n") else "\n\n")
    return f"{text}{sep}[permissions]\nallow = [{item}]\n"


def _append_to_array(text: str, open_at: int, item: str, where: Path) -> str:
    close, last = _scan_array(text, open_at, where)
    if last is None:
        return text[: open_at + 1] + item + text[open_at + 1 :]
    multiline = "\n" in text[open_at:close]
    trailing_comma = text[last] == ","
    if multiline:
        line_start = text.rfind("\n", 0, last) + 1
        indent = re.match(r"[ \t]*", text[line_start:]).group(0)  # type: ignore[union-attr]
        comma = "" if trailing_comma else ","
        # Put the new item after the last element (and after a comment on that line).
        eol = text.find("\n", last)
        insert_at = eol if 0 <= eol < close else last + 1
        tail = "," if trailing_comma else ""
        if insert_at == last + 1:
            return text[:insert_at] + f"{comma}\n{indent}{item}{tail}" + text[insert_at:]
        return (text[: last + 1] + comma + text[last + 1 : insert_at]
                + f"\n{indent}{item}{tail}" + text[insert_at:])
    if trailing_comma:
        return text[: last + 1] + f" {item}" + text[last + 1 :]
    return text[: last + 1] + f", {item}" + text[last + 1 :]


def _scan_array(text: str, open_at: int, where: Path) -> tuple[int, int | None]:
    """Index of the closing ``]`` and of the last significant character before it."""
    i = open_at + 1
    depth = 1
    last: int | None = None
    n = len(text)
    while i < n:
        c = text[i]
        if c == "#":
            while i < n and text[i] != "\n":
                i += 1
            continue
        if c in "\"'":
            quote = text[i : i + 3] if text[i : i + 3] in ('"""', "'''") else c
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                j += 2 if (text[j] == "\\" and quote[0] == '"') else 1
            if j >= n:
                break
            last = j + len(quote) - 1
            i = last + 1
            continue
        if c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
            if depth == 0:
                return i, last
        if not c.isspace():
            last = i
        i += 1
    raise RuleFileError(f"{where}: unterminated permissions.allow array")


def _load(text: str, where: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleFileError(f"{where}: not valid TOML ({exc}); fix it before saving rules") \
            from None


def _atomic_write(target: Path, text: str) -> None:
    from corral.atomic import write_atomic

    write_atomic(target, text, mode=0o644)

