"""Structure from bashlex for the shell constructs corral's lexer leaves out.

bashlex gives the tree of ``if``/``for``/``while``/``{ … }``/functions; every simple command,
loose word and redirection in it is then lexed again from its source text by
:mod:`corral.permissions._lexer`, so quoting and expansions are judged in one place only.
"""

from __future__ import annotations

from typing import Any

from corral.permissions._lexer import Command, Lexer, Unsupported

_CONTAINERS = frozenset(
    {"list", "pipeline", "compound", "if", "for", "while", "until", "function"}
)
_SKIP = frozenset({"reservedword", "operator", "pipe"})


def walk(src: str, known: dict[str, str], hazards: list[str]) -> list[Command]:
    """Parse ``src`` with bashlex and lex its pieces; raises on anything not understood.

    Places where bash evaluates data as code are appended to ``hazards``."""
    import bashlex

    commands: list[Command] = []
    for node in bashlex.parse(src):
        _visit(node, src, known, commands, hazards)
    return commands


def _visit(node: Any, src: str, known: dict[str, str], out: list[Command],
           hazards: list[str]) -> None:
    kind = node.kind
    if kind == "compound" and src[node.pos[0] : node.pos[0] + 2] == "((":
        # bashlex reads an arithmetic command as two nested subshells
        raise Unsupported("arithmetic command '(( … ))'")
    if kind in _SKIP:
        return
    if kind == "command":
        for part in node.parts:
            if part.kind == "redirect" and part.type in ("<<", "<<-"):
                raise Unsupported("a here-document inside a compound command")
        start, end = node.pos
        Lexer(src[start:end], known, out, 1, hazards).parse()
        return
    if kind == "word":
        start, end = node.pos
        lexer = Lexer(src[start:end], known, out, 1, hazards)
        lexer._word(0, assignment=False)
        return
    if kind == "redirect":
        if node.type in ("<<", "<<-"):
            raise Unsupported("a here-document on a compound command")
        start, end = node.pos
        Lexer(src[start:end], known, out, 1, hazards).parse()
        return
    if kind in _CONTAINERS:
        for attr in ("parts", "list", "redirects"):
            for child in getattr(node, attr, None) or ():
                _visit(child, src, known, out, hazards)
        return
    raise Unsupported(f"shell construct {kind!r}")
