"""Recognising shell commands that publish text: commits, tags, pushes, PRs, issues."""

from __future__ import annotations

import re
import shlex

import msgspec

_SEPARATORS = frozenset({";", "&&", "||", "|", "&", "\n", "(", ")", "|&", ";;"})
_WRAPPERS = frozenset({"env", "command", "sudo", "exec", "time", "nohup", "xargs", "builtin"})
_ASSIGN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")

#: git subcommands that record or send text.
_GIT_PUBLISH = frozenset(
    {"commit", "tag", "notes", "push", "merge", "revert", "commit-tree", "send-email", "am"}
)
#: git options that take a separate value before the subcommand.
_GIT_VALUE_OPTS = frozenset({"-C", "-c", "--git-dir", "--work-tree", "--namespace"})
#: gh / glab groups whose verbs below publish; ``api`` always may.
_FORGE_GROUPS = frozenset({"pr", "mr", "issue", "release", "gist", "repo", "discussion", "label"})
_FORGE_READ_VERBS = frozenset({"view", "list", "status", "checks", "diff", "checkout", "clone"})
#: Options naming a file whose content becomes the message or body.
_FILE_OPTS = frozenset({"-F", "--file", "--body-file", "--notes-file", "--template"})


class Publishing(msgspec.Struct, frozen=True, kw_only=True):
    """What a command line publishes."""

    tools: tuple[str, ...] = ()
    """The publishing commands found, such as ``git commit`` or ``gh pr create``."""
    message_files: tuple[str, ...] = ()
    """Files passed as message or body (``-F msg.txt``); ``-`` (stdin) is left out."""
    pushes: bool = False
    """Whether it runs ``git push`` (the commits being pushed need a scan too)."""
    git_dir: str | None = None
    """The ``git -C`` directory of the push, if one was given."""


def _segments(command: str) -> list[list[str]]:
    lexer = shlex.shlex(command, posix=True, punctuation_chars=";&|()\n")
    lexer.whitespace = " \t\r"
    lexer.whitespace_split = True
    segments: list[list[str]] = [[]]
    for token in lexer:
        if token in _SEPARATORS or set(token) <= set(";&|()\n"):
            segments.append([])
        else:
            segments[-1].append(token)
    return [s for s in segments if s]


def _strip_wrappers(words: list[str]) -> list[str]:
    i = 0
    while i < len(words) and (_ASSIGN.match(words[i]) or words[i] in _WRAPPERS):
        i += 1
        while i < len(words) and words[i - 1] == "env" and words[i].startswith("-"):
            i += 1
    return words[i:]


def _file_args(words: list[str]) -> list[str]:
    files: list[str] = []
    for i, w in enumerate(words):
        if w in _FILE_OPTS and i + 1 < len(words):
            files.append(words[i + 1])
        elif "=" in w and w.split("=", 1)[0] in _FILE_OPTS:
            files.append(w.split("=", 1)[1])
    return [f for f in files if f and f != "-"]


def publishing(command: str) -> Publishing | None:
    """What ``command`` publishes, or ``None`` if it publishes nothing.

    A command line that cannot be split (unbalanced quotes) counts as publishing when it
    mentions ``git`` or ``gh`` at all: better a needless scan than a missed one.
    """
    try:
        segments = _segments(command)
    except ValueError:
        if re.search(r"\b(git|gh|glab)\b", command):
            return Publishing(tools=("unparsable command",))
        return None
    tools: list[str] = []
    files: list[str] = []
    pushes = False
    git_dir: str | None = None
    for segment in segments:
        words = _strip_wrappers(segment)
        if not words:
            continue
        prog = words[0].rsplit("/", 1)[-1]
        if prog == "git":
            i, cdir = 1, None
            while i < len(words) and words[i].startswith("-"):
                if words[i] in _GIT_VALUE_OPTS and i + 1 < len(words):
                    if words[i] == "-C":
                        cdir = words[i + 1]
                    i += 1
                i += 1
            sub = words[i] if i < len(words) else ""
            if sub in _GIT_PUBLISH:
                tools.append(f"git {sub}")
                files.extend(_file_args(words[i + 1 :]))
                if sub == "push":
                    pushes, git_dir = True, cdir
        elif prog in ("gh", "glab", "hub"):
            group = words[1] if len(words) > 1 else ""
            verb = words[2] if len(words) > 2 else ""
            if group == "api" or (group in _FORGE_GROUPS and verb not in _FORGE_READ_VERBS):
                tools.append(f"{prog} {group} {verb}".strip())
                files.extend(_file_args(words[2:]))
    if not tools:
        return None
    return Publishing(
        tools=tuple(tools), message_files=tuple(files), pushes=pushes, git_dir=git_dir
    )
