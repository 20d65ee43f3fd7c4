"""Finding ``@path`` imports in an instruction file, outside code fences and code spans."""

from __future__ import annotations

import re

#: ``@`` at the start of a word, then something path-like (``@docs/x.md``, ``@~/a.md``,
#: ``@./b``, ``@README.md``); an e-mail address (``a@b.c``) is not an import.
_IMPORT = re.compile(r"(?<![\w@`])@((?:~|\.{1,2})?/?[\w.+-]+(?:/[\w.+-]+)*/?)")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")


def find_imports(text: str) -> list[tuple[int, str]]:
    """``(line number, target)`` for every import in ``text``, in order."""
    found: list[tuple[int, str]] = []
    fence: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        mark = _FENCE.match(line)
        if fence is not None:
            if mark and mark.group(1)[0] == fence[0] and len(mark.group(1)) >= len(fence) \
                    and not line.strip()[len(mark.group(1)):].strip():
                fence = None
            continue
        if mark:
            fence = mark.group(1)
            continue
        if "@" not in line:
            continue
        for match in _IMPORT.finditer(_SPAN.sub(" ", line)):
            target = match.group(1).rstrip(".")
            if "/" in target or "." in target or target.startswith("~"):
                found.append((number, target))
    return found
