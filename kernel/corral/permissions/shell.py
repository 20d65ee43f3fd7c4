"""Shell-command analysis: what a Bash tool call would run, read and write.

:func:`analyze` splits a command into its simple commands (across lists, pipelines,
subshells, substitutions, here-documents and the strings given to ``eval`` and ``sh -c``),
strips harmless wrappers, and lists the files that redirections and ``tee`` read or write.
Anything it cannot parse is reported in :attr:`ShellAnalysis.problems`; the chain never
auto-allows a command with problems.
"""

from __future__ import annotations

import os
import re
import shlex
from functools import lru_cache

import msgspec

from corral.permissions._constructs import (
    assigned_names,
    builtin_hazard,
    runs_code,
    safe_prefix,
    suspicious_characters,
)
from corral.permissions._lexer import Command, Lexer, Malformed, Unsupported, Word

_SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh"})
_SHELL_FLAGS = re.compile(r"-[ceuxv]+")
#: Where a shell named by path is the system's shell and not, say, a project file ``./bash``.
_SYSTEM_BIN = ("/bin/", "/usr/bin/", "/usr/local/bin/", "/opt/homebrew/bin/")
_PLAIN = re.compile(r"[A-Za-z0-9_@%+=:,./-]+")
_LOCAL_NAME = re.compile(r"[a-z_][a-z0-9_]*")
_MAX_EVAL_DEPTH = 6
_WRITE_OPS = frozenset({">", ">>", ">|", "&>", "&>>", "<>"})


class ShellWord(msgspec.Struct, frozen=True):
    """One word of a simple command, as bash would see it before running it."""

    value: str
    #: Only known at run time (``$VAR``, ``$(…)``, brace expansion, ``~user`` …).
    dynamic: bool = False
    #: Holds unquoted pattern characters (``*``, ``?``, ``[``) that bash would expand.
    glob: bool = False


class SimpleCommand(msgspec.Struct, frozen=True):
    """One simple command after wrapper stripping."""

    words: tuple[ShellWord, ...]
    #: Canonical text matched against ``Bash(…)`` rules: words re-quoted and space-joined.
    text: str
    #: The source text this command came from.
    source: str
    #: Leading assignments whose names are not in :data:`SAFE_ENV_VARS`.
    unsafe_env: tuple[str, ...] = ()
    #: Wrappers that were stripped (``timeout``, ``nice``, ``nohup``, ``time``).
    wrappers: tuple[str, ...] = ()
    #: ``sh -c``/``eval``: the command only runs the script whose parts are listed too.
    container: bool = False

    @property
    def argv(self) -> tuple[str, ...]:
        return tuple(w.value for w in self.words)

    @property
    def dynamic(self) -> bool:
        return any(w.dynamic for w in self.words)


class FileAccess(msgspec.Struct, frozen=True):
    """A file a redirection or ``tee`` reads or writes (``~`` already expanded)."""

    path: str
    write: bool
    how: str


class ShellAnalysis(msgspec.Struct, frozen=True):
    command: str
    commands: tuple[SimpleCommand, ...]
    files: tuple[FileAccess, ...]
    #: Why (part of) the command could not be understood; non-empty means never auto-allow.
    problems: tuple[str, ...]
    #: Where bash would evaluate data as code, change what runs through the environment, or
    #: the text hides what it does; non-empty means never auto-allow, whatever the rules say.
    hazards: tuple[str, ...] = ()


def quote_word(value: str) -> str:
    """The canonical spelling of one word in :attr:`SimpleCommand.text`."""
    if _PLAIN.fullmatch(value):
        return value
    return shlex.quote(value)


def analyze(command: str, home: str, cwd: str) -> ShellAnalysis:
    """Analyse ``command`` as bash would run it in ``cwd`` with ``$HOME`` = ``home``."""
    return _analyze_cached(command, home, cwd)


@lru_cache(maxsize=2048)
def _analyze_cached(command: str, home: str, cwd: str) -> ShellAnalysis:
    builder = _Builder(home, cwd, _moves(command))
    hidden = suspicious_characters(command)
    if hidden is not None:
        builder.hazards.append(hidden)
    builder.add_script(command, 0)
    return ShellAnalysis(
        command=command,
        commands=tuple(builder.commands),
        files=tuple(builder.files),
        problems=tuple(builder.problems),
        hazards=tuple(dict.fromkeys(builder.hazards)),
    )


def _moves(command: str) -> bool:
    """Whether the command may change directory, so ``$PWD`` is not the cwd throughout."""
    return re.search(r"\b(?:cd|pushd|popd)\b", command) is not None


def _lex(script: str, known: dict[str, str], hazards: list[str]) -> list[Command]:
    try:
        return Lexer(script, known, hazards=hazards).parse()
    except Unsupported as first:
        try:
            from corral.permissions._bashlex_walk import walk

            return walk(script, known, hazards)
        except Malformed:
            raise
        except Exception as exc:  # bashlex raises several unrelated types
            raise Malformed(f"{first}; bashlex: {exc}") from None


class _Builder:
    def __init__(self, home: str, cwd: str, moves: bool) -> None:
        # after a cd, $PWD and $OLDPWD are no longer known without running the command
        self.known = {"HOME": home} if moves else {"HOME": home, "PWD": cwd}
        self.commands: list[SimpleCommand] = []
        self.files: list[FileAccess] = []
        self.problems: list[str] = []
        self.hazards: list[str] = []

    def add_script(self, script: str, depth: int) -> None:
        if depth > _MAX_EVAL_DEPTH:
            self.problems.append("eval/sh -c strings are nested too deeply")
            return
        try:
            raw = _lex(script, self.known, self.hazards)
        except (Malformed, Unsupported, RecursionError) as exc:
            self.problems.append(f"cannot parse {_short(script)}: {exc}")
            return
        except Exception as exc:  # a lexer bug must never let a command through
            self.problems.append(f"cannot parse {_short(script)}: internal error {exc!r}")
            return
        for cmd in raw:
            self._add(cmd, depth)

    def _add(self, cmd: Command, depth: int) -> None:
        for r in cmd.redirects:
            self._redirect(r.op, r.target)
        for name, _ in cmd.assigns:
            if runs_code(name):
                self.hazards.append(f"`{_clip(cmd.text)}` sets {name}, which changes what runs")
        unsafe = tuple(name for name, value in cmd.assigns
                       if not safe_prefix(name, value.value, value.dynamic))
        if not cmd.words:
            local = tuple(n for n in unsafe if not _LOCAL_NAME.fullmatch(n) or "proxy" in n)
            if local:
                self.commands.append(
                    SimpleCommand(words=(), text="", source=cmd.text, unsafe_env=local)
                )
            return
        words = list(cmd.words)
        wrappers: list[str] = []
        while True:
            rest = _strip_wrapper(words)
            if rest is None or not rest:
                break
            wrappers.append(words[0].value)
            words = rest
        values = [w.value for w in words]
        hazard = builtin_hazard(values, [w.dynamic for w in words])
        if hazard is not None:
            self.hazards.append(hazard)
        for name in assigned_names(values):
            if runs_code(name):
                self.hazards.append(f"`{_clip(cmd.text)}` sets {name}, which changes what runs")
        shell_words = tuple(ShellWord(w.value, w.dynamic, w.glob) for w in words)
        container = self._container(words, depth)
        self.commands.append(
            SimpleCommand(
                words=shell_words,
                text=" ".join(quote_word(w.value) for w in words),
                source=cmd.text,
                unsafe_env=unsafe,
                wrappers=tuple(wrappers),
                container=container,
            )
        )
        if words[0].value == "tee" and not words[0].dynamic:
            options_done = False
            for w in words[1:]:
                if not options_done and w.value == "--":
                    options_done = True
                    continue
                if not options_done and w.value.startswith("-") and w.value != "-":
                    continue
                if w.dynamic or w.glob:
                    self.problems.append(f"tee writes to {w.raw!r}, known only at run time")
                else:
                    self.files.append(FileAccess(path=w.value, write=True, how="tee"))

    def _redirect(self, op: str, target: Word | None) -> None:
        if target is None or op in ("<<", "<<-", "<<<"):
            return
        fd_dup = target.value.isascii() and target.value.isdigit() or target.value in ("-", "")
        if op in (">&", "<&") and fd_dup:
            if not target.dynamic:
                return
        write = op in _WRITE_OPS or op == ">&"
        if target.dynamic or target.glob:
            self.problems.append(f"redirection {op} {target.raw!r} is known only at run time")
            return
        self.files.append(FileAccess(path=target.value, write=write, how=op))
        if op == "<>":
            self.files.append(FileAccess(path=target.value, write=False, how=op))

    def _container(self, words: list[Word], depth: int) -> bool:
        head = words[0]
        if head.dynamic:
            return False
        name = head.value
        if name == "eval":
            if any(w.dynamic for w in words[1:]):
                self.problems.append("eval of a string known only at run time")
                return False
            self.add_script(" ".join(w.value for w in words[1:]), depth + 1)
            return True
        if os.path.basename(name) in _SHELLS and (
                "/" not in name or name.startswith(_SYSTEM_BIN)):
            i = 1
            has_c = False
            while i < len(words) and _SHELL_FLAGS.fullmatch(words[i].value):
                has_c = has_c or "c" in words[i].value
                if words[i].value.endswith("o"):
                    i += 1
                i += 1
            if not has_c:
                return False
            if i >= len(words):
                self.problems.append(f"{name} -c without a command string")
                return False
            if words[i].dynamic:
                self.problems.append(f"{name} -c of a string known only at run time")
                return False
            self.add_script(words[i].value, depth + 1)
            return True
        return False


def _strip_wrapper(words: list[Word]) -> list[Word] | None:
    """``words`` without a leading harmless wrapper, or None when there is none."""
    head = words[0]
    if head.dynamic or head.glob:
        return None
    name = head.value
    i = 1
    if name in ("nohup",):
        pass
    elif name == "time":
        while i < len(words) and words[i].value in ("-p", "--"):
            i += 1
    elif name == "nice":
        if i < len(words) and words[i].value == "-n":
            i += 2
        elif i < len(words) and re.fullmatch(r"-n?-?\d+|--adjustment=-?\d+", words[i].value):
            i += 1
    elif name == "timeout":
        while i < len(words) and words[i].value.startswith("-"):
            opt = words[i].value
            if opt in ("-s", "-k", "--signal", "--kill-after"):
                i += 2
            elif opt in ("--preserve-status", "--foreground", "-v", "--verbose") or "=" in opt:
                i += 1
            else:
                return None
        if i < len(words) and re.fullmatch(r"\d+(\.\d+)?[smhd]?", words[i].value):
            i += 1
        else:
            return None
    else:
        return None
    if i >= len(words) or any(w.dynamic for w in words[:i]):
        return None
    return words[i:]


def _clip(text: str) -> str:
    flat = text.replace("\n", "\\n")
    return flat if len(flat) <= 60 else flat[:57] + "..."


def _short(text: str) -> str:
    flat = text.replace("\n", "\\n")
    return repr(flat if len(flat) <= 60 else flat[:57] + "...")
