"""Translate rule specifiers into regular expressions.

* gitignore-style path patterns (``src/**``, ``*.env``, ``docs/*.md``) for Read/Edit rules;
* Bash specifiers: exact commands, the legacy prefix form ``npm run test:*`` and globs
  (``git diff *``: a space before a trailing ``*`` keeps the word boundary).
"""

from __future__ import annotations

import re
import shlex


class PatternError(ValueError):
    def __init__(self, column: int, problem: str) -> None:
        super().__init__(problem)
        self.column = column
        self.problem = problem


def gitignore_regex(pattern: str, *, ignore_case: bool, anchored: bool = False) -> re.Pattern[str]:
    """Regex matching a path relative to the pattern's base directory (no leading ``/``).

    A pattern without a slash matches at any depth; a pattern naming a directory also
    matches everything inside it. ``anchored`` patterns never float to any depth.
    """
    pat = pattern.rstrip("/") if pattern not in ("", "/") else pattern
    anywhere = not anchored and "/" not in pat
    out: list[str] = []
    i = 0
    n = len(pat)
    while i < n:
        c = pat[i]
        if pat.startswith("**", i):
            at_start = i == 0 or pat[i - 1] == "/"
            j = i + 2
            if at_start and (j == n or pat[j] == "/"):
                if j == n:
                    out.append(".*")
                    i = j
                else:
                    out.append("(?:.*/)?")
                    i = j + 1
                continue
            out.append("[^/]*")
            i = j
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            close = pat.find("]", i + 2 if pat[i + 1 : i + 2] in ("!", "^") else i + 1)
            if close < 0:
                raise PatternError(i, "unclosed '[' in path pattern")
            body = pat[i + 1 : close]
            if body.startswith("!"):
                body = "^" + body[1:]
            out.append("[" + body.replace("\\", "\\\\") + "]")
            i = close + 1
            continue
        elif c == "\\" and i + 1 < n:
            out.append(re.escape(pat[i + 1]))
            i += 2
            continue
        else:
            out.append(re.escape(c))
        i += 1
    body = "".join(out)
    if anywhere:
        body = "(?:.*/)?" + body
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return re.compile(body + "(?:/.*)?", flags)


def bash_regex(spec: str) -> re.Pattern[str]:
    """Regex matched (in full) against :attr:`SimpleCommand.text`."""
    spec = " ".join(spec.split())
    if spec.endswith(":*"):
        prefix = spec[:-2].rstrip()
        if not prefix:
            raise PatternError(0, "':*' needs a command before it")
        return re.compile(_literal_words(prefix) + r"(?: .*)?", re.DOTALL)
    if "*" not in spec.replace("\\*", ""):
        return re.compile(_literal_words(spec.replace("\\*", "*")), re.DOTALL)
    out: list[str] = []
    chunk: list[str] = []
    i = 0
    while i < len(spec):
        c = spec[i]
        if c == "\\" and spec[i + 1 : i + 2] == "*":
            chunk.append("*")
            i += 2
            continue
        if c == "*":
            text = "".join(chunk)
            chunk = []
            if i == len(spec) - 1 and text.endswith(" "):
                out.append(re.escape(text[:-1]) + "(?: .*)?")
            else:
                out.append(re.escape(text) + ".*")
            i += 1
            continue
        chunk.append(c)
        i += 1
    out.append(re.escape("".join(chunk)))
    return re.compile("".join(out), re.DOTALL)


def _literal_words(text: str) -> str:
    """An exact command, quoted the way :func:`quote_word` spells commands."""
    try:
        words = shlex.split(text)
    except ValueError as exc:
        raise PatternError(0, f"cannot split {text!r} into words: {exc}") from None
    from corral.permissions.shell import quote_word  # the shell analyzer: only when needed

    return re.escape(" ".join(quote_word(w) for w in words))
