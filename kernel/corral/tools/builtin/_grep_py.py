"""Grep's pure-Python search, used when ripgrep is not installed.

It picks files the way Grep runs ripgrep: hidden files included, version-control
directories excluded, ``.gitignore``/``.ignore``/``.rgignore`` of the root, its subdirectories
and its ancestors obeyed, symlinks not followed, files with a NUL byte near the start
skipped as binary; the ``glob`` filter overrides ignore files, as ripgrep's ``--glob`` does.
Regexes are Python's ``re``, which agrees with ripgrep's syntax for everyday patterns.
"""

from __future__ import annotations

import bisect
import os
import re
from collections.abc import Iterator
from pathlib import Path

from corral.tools.builtin._globs import Rule, last_match, parse_rule, read_rules, translate
from corral.tools.builtin._grep_query import VCS_EXCLUDES, GrepQuery

IGNORE_FILES = (".gitignore", ".ignore", ".rgignore")
#: A NUL byte within this many leading bytes marks a file as binary (it is skipped).
BINARY_WINDOW = 65536

Level = tuple[Path, list[Rule]]


def _rules_of(directory: Path) -> list[Rule]:
    rules: list[Rule] = []
    for name in IGNORE_FILES:  # later files take precedence, as later lines do
        rules += read_rules(directory / name)
    return rules


def _ignored(levels: list[Level], path: Path, is_dir: bool) -> bool:
    for base, rules in reversed(levels):
        rule = last_match(rules, path.relative_to(base).as_posix(), is_dir)
        if rule is not None:
            return not rule.negated
    return False


class _Selector:
    def __init__(self, query: GrepQuery) -> None:
        self.root = query.root
        overrides = [*query.globs, *VCS_EXCLUDES]
        self.overrides = [r for g in overrides if (r := parse_rule(g)) is not None]
        self.has_whitelist = any(not r.negated for r in self.overrides)
        self.types = (
            re.compile(r"\A(?:" + "|".join(translate(g) for g in query.type_globs) + r")\Z")
            if query.type_globs
            else None
        )

    def override(self, rel: str, is_dir: bool) -> bool | None:
        rule = last_match(self.overrides, rel, is_dir)
        if rule is not None:
            return not rule.negated
        if self.has_whitelist and not is_dir:
            return False
        return None

    def files(self) -> Iterator[Path]:
        levels: list[Level] = []
        for parent in reversed(self.root.parents):
            if rules := _rules_of(parent):
                levels.append((parent, rules))
        yield from self._visit(self.root, levels)

    def _visit(self, directory: Path, levels: list[Level]) -> Iterator[Path]:
        if rules := _rules_of(directory):
            levels = [*levels, (directory, rules)]
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            if entry.is_symlink():
                continue
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir()
            except OSError:
                continue
            decision = self.override(path.relative_to(self.root).as_posix(), is_dir)
            if decision is False:
                continue
            if decision is None:
                if _ignored(levels, path, is_dir):
                    continue
                if not is_dir and self.types is not None and not self.types.match(entry.name):
                    continue
            if is_dir:
                yield from self._visit(path, levels)
            elif entry.is_file():
                yield path


def _line_numbers(text: str, regex: re.Pattern[str], multiline: bool) -> list[int]:
    if not multiline:
        lines = text.split("\n")
        if text.endswith("\n"):
            lines.pop()
        return [n for n, line in enumerate(lines, 1) if regex.search(line)]
    newlines = [i for i, c in enumerate(text) if c == "\n"]
    n_lines = len(newlines) + (0 if text.endswith("\n") or not text else 1)
    hit: set[int] = set()
    for m in regex.finditer(text):
        start, end = m.span()
        first = bisect.bisect_left(newlines, start) + 1
        last = bisect.bisect_left(newlines, max(end - 1, start)) + 1
        hit.update(range(first, last + 1))
    return sorted(n for n in hit if n <= n_lines)


def _search_file(path: Path, regex: re.Pattern[str], query: GrepQuery, explicit: bool) -> list[int]:
    try:
        data = path.read_bytes()
    except OSError:
        return []
    if not explicit:
        nul = data.find(b"\0")
        if nul != -1:
            if nul < BINARY_WINDOW:
                return []
            data = data[: data.rfind(b"\n", 0, nul) + 1]
    return _line_numbers(data.decode("utf-8", errors="replace"), regex, query.multiline)


def compile_pattern(query: GrepQuery) -> re.Pattern[str]:
    """The query's regex for Python (raises ``re.error`` if it is invalid)."""
    flags = re.IGNORECASE if query.ignore_case else 0
    if query.multiline:
        flags |= re.MULTILINE | re.DOTALL
    return re.compile(query.pattern, flags)


def search(query: GrepQuery) -> dict[Path, list[int]]:
    """Matching line numbers by file, for every file the query selects that matches."""
    regex = compile_pattern(query)
    results: dict[Path, list[int]] = {}
    if query.root.is_file():
        found = _search_file(query.root, regex, query, explicit=True)
        return {query.root: found} if found else {}
    for path in _Selector(query).files():
        found = _search_file(path, regex, query, explicit=False)
        if found:
            results[path] = found[:1] if query.files_only else found
    return results
