"""corral's own shell lexer for the subset of bash that agent commands use.

It splits a command line into simple commands across ``;``, ``&``, ``&&``, ``||``, ``|``,
``|&``, newlines and ``( … )`` subshells, and evaluates every word the way bash would as far
as that can be known without running anything: quotes and escapes are removed, ``~`` and a few
known variables are expanded, and every ``$(…)``, backtick and ``<(…)``/``>(…)`` body is lexed
as commands of its own. A word whose value is only known at run time is marked ``dynamic``.

Two exceptions leave the lexer: :class:`Unsupported` for constructs outside the subset
(``if``/``for``/``case``/``{ … }``/``[[ … ]]``…, which the bashlex walker then tries) and
:class:`Malformed` for input that no shell would run as written. Both make the caller ask.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from corral.permissions.paths import expand_tilde

_BLANKS = " \t"
_WORD_END = " \t\n;&|<>()"
_RESERVED = frozenset(
    {
        "if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case",
        "esac", "select", "function", "{", "}", "[[", "]]", "coproc",
    }
)
_REDIRECT_OPS = ("&>>", "&>", "<<<", "<<-", "<<", "<>", "<&", ">>", ">&", ">|", "<", ">")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ASSIGN = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(\+?=)")
_MAX_DEPTH = 24
_DIGITS = "0123456789"
#: An arithmetic body of numbers and operators only: nothing in it names a variable.
_PLAIN_ARITH = re.compile(r"[0-9\s+\-*/%()<>=!&|^~?:,]*")
_SPECIAL_PARAM = r"(?:[A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!-])"
#: ``${…}`` forms that never evaluate data as code: a name, its length, a default/alternate/
#: error/assign word, a pattern removal or substitution, case changes, and a literal
#: subscript or substring.
_SAFE_PARAM = re.compile(
    rf"#?{_SPECIAL_PARAM}"
    rf"|[A-Za-z_][A-Za-z0-9_]*\[(?:[0-9]+|[@*])\]"
    rf"|#[A-Za-z_][A-Za-z0-9_]*\[[@*]\]"
    rf"|(?:{_SPECIAL_PARAM}|[A-Za-z_][A-Za-z0-9_]*\[[@*]\])"
    rf"(?::?[-=+?]|\#\#?|%%?|//?|/\#|/%|\^\^?|,,?)[\s\S]*"
    rf"|{_SPECIAL_PARAM}:\s*-?[0-9]+(?::\s*-?[0-9]+)?",
)


class Unsupported(Exception):
    """The command uses shell syntax outside the lexer's subset."""


class Malformed(Exception):
    """The command cannot be parsed as written (unterminated quote, stray parenthesis …)."""


@dataclass(slots=True)
class Word:
    """One shell word after quote removal and the expansions that are known statically."""

    raw: str
    value: str
    dynamic: bool = False
    glob: bool = False


@dataclass(slots=True)
class Redirect:
    op: str
    fd: int | None
    target: Word | None
    heredoc: str | None = None


@dataclass(slots=True)
class Command:
    """One simple command: leading assignments, words and redirections."""

    text: str
    assigns: list[tuple[str, Word]] = field(default_factory=list)
    words: list[Word] = field(default_factory=list)
    redirects: list[Redirect] = field(default_factory=list)


@dataclass(slots=True)
class _Pending:
    delimiter: str
    strip_tabs: bool
    quoted: bool
    redirect: Redirect


class Lexer:
    """Lex ``src`` into :attr:`commands` (a flat list, substitutions included)."""

    def __init__(
        self,
        src: str,
        known: dict[str, str],
        commands: list[Command] | None = None,
        depth: int = 0,
        hazards: list[str] | None = None,
    ) -> None:
        if depth > _MAX_DEPTH:
            raise Malformed("command substitutions are nested too deeply")
        if "\x00" in src:
            raise Malformed("the command contains a NUL character")
        self.src = src
        self.known = known
        self.commands: list[Command] = [] if commands is None else commands
        self.depth = depth
        #: Places where bash would evaluate data as code (arithmetic on variables,
        #: subscripts, indirect expansion …); shared with nested lexers. Never auto-allowed.
        self.hazards: list[str] = [] if hazards is None else hazards
        self._pending: list[_Pending] = []

    def _child(self, src: str) -> Lexer:
        return Lexer(src, self.known, self.commands, self.depth + 1, self.hazards)

    # ----------------------------------------------------------------------------- lists

    def parse(self) -> list[Command]:
        end = self._list(0, closer=None)
        if end != len(self.src):
            raise Malformed(f"unexpected {self.src[end]!r} at position {end}")
        if self._pending:
            self._read_heredocs(len(self.src))
        return self.commands

    def _list(self, i: int, closer: str | None) -> int:
        src = self.src
        n = len(src)
        while True:
            i = self._command(i, closer)
            i = self._skip_blanks(i)
            if i >= n:
                return i
            c = src[i]
            if closer is not None and c == closer:
                return i
            two = src[i : i + 2]
            if two == ";;":
                raise Unsupported("';;' outside a case statement")
            if two in ("&&", "||", "|&"):
                i += 2
            elif c in ";&|":
                i += 1
            elif c == "\n":
                i = self._read_heredocs(i + 1)
            else:
                raise Malformed(f"unexpected {c!r} at position {i}")

    def _skip_blanks(self, i: int) -> int:
        src = self.src
        n = len(src)
        while i < n:
            c = src[i]
            if c in _BLANKS:
                i += 1
            elif c == "\\" and src[i + 1 : i + 2] == "\n":
                i += 2
            elif c == "#" and (i == 0 or src[i - 1] in " \t\n;&|()"):
                while i < n and src[i] != "\n":
                    i += 1
            else:
                break
        return i

    # -------------------------------------------------------------------------- commands

    def _command(self, i: int, closer: str | None) -> int:
        src = self.src
        n = len(src)
        start = self._skip_blanks(i)
        cmd = Command(text="")
        i = start
        subshell = False
        while True:
            i = self._skip_blanks(i)
            if i >= n:
                break
            c = src[i]
            if c == "\n" or c in ";|" or (closer is not None and c == closer):
                break
            if c == "&" and src[i + 1 : i + 2] != ">":
                break
            if c == ")":
                raise Malformed(f"unexpected ')' at position {i}")
            if c == "(":
                if cmd.words or cmd.assigns or cmd.redirects or subshell:
                    raise Malformed(f"unexpected '(' at position {i}")
                if src[i + 1 : i + 2] == "(":
                    raise Unsupported("arithmetic command '(( … ))'")
                sub = self._child(src)
                end = sub._list(i + 1, closer=")")
                if end >= n or src[end] != ")":
                    raise Malformed("unterminated subshell '('")
                self._pending.extend(sub._pending)
                i = end + 1
                subshell = True
                continue
            redirect_end = self._redirect(i, cmd)
            if redirect_end is not None:
                i = redirect_end
                continue
            if subshell:
                raise Malformed(f"unexpected word after a subshell at position {i}")
            word_start = i
            word, i = self._word(i, assignment=not cmd.words)
            if not cmd.words:
                m = _ASSIGN.match(word.raw)
                if m is not None:
                    if src[word_start + m.end() : word_start + m.end() + 1] == "(":
                        raise Unsupported("array assignment")
                    eq = word.value.find("=")
                    val = Word(word.raw[m.end():], word.value[eq + 1 :], word.dynamic, False)
                    cmd.assigns.append((m.group(1), val))
                    continue
                if word.raw in _RESERVED:
                    raise Unsupported(f"shell keyword {word.raw!r}")
                if word.raw == "!" and not cmd.assigns:
                    continue
            cmd.words.append(word)
        cmd.text = src[start:i].strip()
        if cmd.words or cmd.assigns or cmd.redirects:
            self.commands.append(cmd)
        return i

    def _redirect(self, i: int, cmd: Command) -> int | None:
        src = self.src
        j = i
        while j < len(src) and src[j] in _DIGITS:
            j += 1
        fd: int | None = int(src[i:j]) if j > i else None
        if src[j : j + 2] in ("<(", ">("):
            return None
        op = next((o for o in _REDIRECT_OPS if src.startswith(o, j)), None)
        if op is None:
            return None
        if fd is not None and op.startswith("&"):
            return None
        k = self._skip_blanks(j + len(op))
        if k >= len(src) or src[k] in "\n;&|<>()":
            raise Malformed(f"redirection {op!r} without a target at position {i}")
        target, end = self._word(k, assignment=False)
        redirect = Redirect(op=op, fd=fd, target=target)
        if op in ("<<", "<<-"):
            quoted = any(q in target.raw for q in "'\"\\")
            self._pending.append(_Pending(target.value, op == "<<-", quoted, redirect))
        cmd.redirects.append(redirect)
        return end

    def _read_heredocs(self, i: int) -> int:
        src = self.src
        n = len(src)
        pending, self._pending = self._pending, []
        for p in pending:
            lines: list[str] = []
            while i < n:
                nl = src.find("\n", i)
                end = n if nl < 0 else nl
                line = src[i:end]
                i = end + 1 if nl >= 0 else n
                if (line.lstrip("\t") if p.strip_tabs else line) == p.delimiter:
                    break
                lines.append(line)
            body = "\n".join(lines)
            p.redirect.heredoc = body
            if not p.quoted:
                self._child(body)._double(0, None)
        return i

    # ----------------------------------------------------------------------------- words

    def _word(self, i: int, assignment: bool) -> tuple[Word, int]:
        src = self.src
        n = len(src)
        start = i
        out: list[str] = []
        dynamic = False
        glob = False
        brace = -1
        tilde_ok = True
        while i < n:
            c = src[i]
            if c in _WORD_END:
                if c in "<>" and src[i + 1 : i + 2] == "(" and i == start:
                    end = self._nested(i + 2)
                    out.append(src[i:end])
                    dynamic = True
                    i = end
                    tilde_ok = False
                    continue
                if c == "(":
                    raise Malformed(f"unexpected '(' inside a word at position {i}")
                break
            if c == "~" and tilde_ok:
                j = i + 1
                while j < n and src[j] not in _WORD_END and src[j] not in "/:":
                    j += 1
                if j == i + 1:
                    out.append(self.known.get("HOME", "~"))
                    dynamic = dynamic or "HOME" not in self.known
                else:
                    # ~user: that user's home, or the word itself when there is no such user
                    # (as bash does); ~+ and ~- depend on the directory at run time
                    name = src[i + 1 : j]
                    expanded = expand_tilde(src[i:j], self.known.get("HOME", "~"))
                    out.append(expanded)
                    dynamic = dynamic or name[:1] in "+-0123456789" or not _NAME.fullmatch(
                        name.replace("-", "_").replace(".", "_"))
                i = j
                tilde_ok = False
                continue
            tilde_ok = False
            if c == "\\":
                if i + 1 >= n:
                    out.append("\\")
                    i += 1
                elif src[i + 1] == "\n":
                    i += 2
                else:
                    out.append(src[i + 1])
                    i += 2
            elif c == "'":
                end = src.find("'", i + 1)
                if end < 0:
                    raise Malformed(f"unterminated single quote at position {i}")
                out.append(src[i + 1 : end])
                i = end + 1
            elif c == '"':
                value, dyn, i = self._double(i + 1, '"')
                out.append(value)
                dynamic = dynamic or dyn
            elif c == "$" and src[i + 1 : i + 2] == "'":
                value, i = self._ansi_c(i + 2)
                out.append(value)
            elif c == "$" and src[i + 1 : i + 2] == '"':
                value, dyn, i = self._double(i + 2, '"')
                out.append(value)
                dynamic = dynamic or dyn
            elif c in "$`":
                value, dyn, i = self._expansion(i)
                out.append(value)
                dynamic = dynamic or dyn
            else:
                if c in "*?":
                    glob = True
                elif c == "[" and src[start : i + 1] not in ("[",):
                    glob = True
                elif c == "{":
                    brace = i
                elif c == "}" and brace >= 0:
                    # brace expansion needs a comma or a `..` sequence: `HEAD@{1}` and
                    # `stash@{0}` are literal words
                    inner = src[brace + 1 : i]
                    if "," in inner or ".." in inner or any(q in inner for q in "'\"$`\\"):
                        dynamic = True
                    brace = -1
                elif c == "=" and assignment or (c == "=" and src[start:start + 2] == "--"):
                    tilde_ok = True
                out.append(c)
                i += 1
        raw = src[start:i]
        if raw == "[":
            glob = False
        return Word(raw, "".join(out), dynamic, glob), i

    def _double(self, i: int, closer: str | None) -> tuple[str, bool, int]:
        """Scan double-quoted text (or a here-document body when ``closer`` is None)."""
        src = self.src
        n = len(src)
        out: list[str] = []
        dynamic = False
        while i < n:
            c = src[i]
            if closer is not None and c == closer:
                return "".join(out), dynamic, i + 1
            if c == "\\" and i + 1 < n:
                nxt = src[i + 1]
                if nxt == "\n":
                    i += 2
                    continue
                if nxt in '$`"\\':
                    out.append(nxt)
                    i += 2
                    continue
                out.append(c)
                i += 1
            elif c in "$`":
                value, dyn, i = self._expansion(i)
                out.append(value)
                dynamic = dynamic or dyn
            else:
                out.append(c)
                i += 1
        if closer is not None:
            raise Malformed("unterminated double quote")
        return "".join(out), dynamic, i

    def _expansion(self, i: int) -> tuple[str, bool, int]:
        """Expand ``$…`` or a backtick at ``i``; return (value, dynamic, end)."""
        src = self.src
        n = len(src)
        if src[i] == "`":
            j = i + 1
            inner: list[str] = []
            while j < n and src[j] != "`":
                if src[j] == "\\" and j + 1 < n and src[j + 1] in "`$\\":
                    inner.append(src[j + 1])
                    j += 2
                else:
                    inner.append(src[j])
                    j += 1
            if j >= n:
                raise Malformed("unterminated backtick")
            self._child("".join(inner)).parse()
            return src[i : j + 1], True, j + 1
        nxt = src[i + 1 : i + 2]
        if src[i + 1 : i + 3] == "((":
            end = src.find("))", i + 3)
            if end < 0:
                raise Malformed("unterminated arithmetic expansion")
            body = src[i + 3 : end]
            if not _PLAIN_ARITH.fullmatch(body):
                self.hazards.append(f"arithmetic expansion $(({_clip(body)})) evaluates "
                                    "names and expansions as code")
            return src[i : end + 2], True, end + 2
        if nxt == "[":
            end = src.find("]", i + 2)
            self.hazards.append("old-style arithmetic expansion $[…] evaluates its body as code")
            if end < 0:
                raise Malformed("unterminated '$['")
            return src[i : end + 1], True, end + 1
        if nxt == "(":
            end = self._nested(i + 2)
            return src[i:end], True, end
        if nxt == "{":
            j = i + 2
            while j < n and src[j] != "}":
                ch = src[j]
                if ch == "\\":
                    j += 2
                elif ch == "'":
                    close = src.find("'", j + 1)
                    if close < 0:
                        raise Malformed("unterminated single quote")
                    j = close + 1
                elif ch == '"':
                    _, _, j = self._double(j + 1, '"')
                elif ch in "$`":
                    _, _, j = self._expansion(j)
                else:
                    j += 1
            if j >= n:
                raise Malformed("unterminated '${'")
            name = src[i + 2 : j]
            problem = parameter_hazard(name)
            if problem is not None:
                self.hazards.append(problem)
            if name in self.known:
                return self.known[name], False, j + 1
            return src[i : j + 1], True, j + 1
        m = _NAME.match(src, i + 1)
        if m is not None:
            name = m.group(0)
            if name in self.known:
                return self.known[name], False, m.end()
            return src[i : m.end()], True, m.end()
        if nxt and (nxt in _DIGITS or nxt in "@*#?$!-"):
            return src[i : i + 2], True, i + 2
        return "$", False, i + 1

    def _nested(self, i: int) -> int:
        """Lex a ``$(…)``/``<(…)`` body starting at ``i``; return the index after ``)``."""
        sub = self._child(self.src)
        end = sub._list(i, closer=")")
        if sub._pending:
            end = sub._read_heredocs(end)
        if end >= len(self.src) or self.src[end] != ")":
            raise Malformed("unterminated '$(' or '<(' substitution")
        return end + 1

    def _ansi_c(self, i: int) -> tuple[str, int]:
        src = self.src
        n = len(src)
        out: list[str] = []
        simple = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "e": "\x1b",
                  "E": "\x1b", "f": "\f", "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?"}
        while i < n:
            c = src[i]
            if c == "'":
                return "".join(out), i + 1
            if c == "\\" and i + 1 < n:
                e = src[i + 1]
                if e in simple:
                    out.append(simple[e])
                    i += 2
                    continue
                m = re.match(r"x([0-9a-fA-F]{1,2})|u([0-9a-fA-F]{1,4})|U([0-9a-fA-F]{1,8})"
                             r"|([0-7]{1,3})", src[i + 1 : i + 10])
                if m is not None:
                    digits = next(g for g in m.groups() if g is not None)
                    base = 8 if m.group(4) is not None else 16
                    code = int(digits, base)
                    out.append(chr(code) if code < 0x110000 else "\ufffd")
                    i += 1 + m.end()
                    continue
                out.append(src[i : i + 2])
                i += 2
                continue
            out.append(c)
            i += 1
        raise Malformed("unterminated $'…' quote")


def parameter_hazard(body: str) -> str | None:
    """Why ``${body}`` would make bash evaluate data as code, or None when it cannot."""
    if _SAFE_PARAM.fullmatch(body):
        return None
    if body.startswith("!") and body != "!":
        return f"indirect expansion ${{{_clip(body)}}} takes a variable name from data"
    if "@" in body[1:] and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(\[[^]]*\])?@[A-Za-z]", body):
        return f"${{{_clip(body)}}} transforms a value (prompt expansion evaluates it)"
    if "[" in body:
        return f"subscript in ${{{_clip(body)}}} is evaluated as arithmetic"
    return f"parameter expansion ${{{_clip(body)}}} may evaluate its value as code"


def _clip(text: str) -> str:
    flat = text.replace("\n", " ")
    return flat if len(flat) <= 40 else flat[:37] + "..."


def lex(src: str, known: dict[str, str]) -> list[Command]:
    """Lex ``src``; raises :class:`Unsupported` or :class:`Malformed`."""
    return Lexer(src, known).parse()
