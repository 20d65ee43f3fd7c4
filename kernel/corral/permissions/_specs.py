"""Option specs for the read-only commands: what each option takes, and what it does.

A :class:`Spec` lists every option a command may be auto-allowed with: which take a value
(and whether that value is a file the command reads), which follow symlinks, which make it
walk directories. An option outside the spec, or one listed as forbidden (writes, runs a
program, reaches the network), makes :func:`parse` return None, and the command asks. Long
options may be abbreviated to any unambiguous prefix, as getopt_long and git accept; the
prefix is matched against the forbidden options as well, so ``--out`` is ``--output``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from corral.permissions.shell import ShellWord

#: ``paths``: every operand is a file read; ``pattern``: the first operand is a pattern
#: unless ``-e``/``-f`` gave one (grep); ``filter``: the first is a jq program unless ``-f``;
#: ``none``: operands are not files; ``plus``: operands must start with ``+`` (date).
Operands = Literal["paths", "pattern", "filter", "none", "plus"]


@dataclass(frozen=True, slots=True)
class Spec:
    #: Short options without a value, as one string of letters.
    flags: str = ""
    #: Short options that take a value (in the same word or the next).
    valued: str = ""
    long: frozenset[str] = frozenset()
    long_valued: frozenset[str] = frozenset()
    #: Long options whose value may only be given with ``=`` (``--color[=WHEN]``).
    long_optional: frozenset[str] = frozenset()
    #: Options (``-f``, ``--file``) whose value names a file the command reads.
    file_valued: frozenset[str] = frozenset()
    #: Known options that write, run programs, reach the network or read unlisted files.
    forbid: frozenset[str] = frozenset()
    #: Options that make it follow symlinks, and options that make it walk directories:
    #: together they reach wherever a link in the tree points, so they ask.
    follow: frozenset[str] = frozenset()
    recursive: frozenset[str] = frozenset()
    #: Walks directories whatever the options (find, tree, du, rg).
    always_recursive: bool = False
    operands: Operands = "paths"
    max_operands: int | None = None
    #: ``-5`` is a number (head, tail, grep context).
    numeric: bool = False
    #: Options that supply the pattern, for ``operands="pattern"``/``"filter"``.
    pattern_opts: frozenset[str] = frozenset()
    #: Long options taking two values (``jq --arg name value``).
    two_values: frozenset[str] = frozenset()
    all_long: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "all_long", self.long | self.long_valued | self.long_optional
                           | self.forbid_long | self.two_values)

    @property
    def forbid_long(self) -> frozenset[str]:
        return frozenset(f[2:] for f in self.forbid if f.startswith("--"))


def spec(flags: str = "", valued: str = "", long: str = "", long_valued: str = "",
         long_optional: str = "", file_valued: str = "", forbid: str = "", follow: str = "",
         recursive: str = "", **kw: Any) -> Spec:
    """A :class:`Spec` from space-separated lists (long names without ``--``)."""
    return Spec(flags=flags, valued=valued, long=frozenset(long.split()),
                long_valued=frozenset(long_valued.split()),
                long_optional=frozenset(long_optional.split()),
                file_valued=frozenset(file_valued.split()), forbid=frozenset(forbid.split()),
                follow=frozenset(follow.split()), recursive=frozenset(recursive.split()),
                **kw)


@dataclass(slots=True)
class Parsed:
    """What a command as written reads: files and whether it walks through symlinks."""

    paths: list[ShellWord]
    operands: list[ShellWord]
    options: list[str]


@dataclass(frozen=True, slots=True)
class Refused:
    """The command is one of ours, written with an option that does more than read (or a
    word known only at run time): it asks even when an allow rule matches it."""

    reason: str


def _long_name(spec: Spec, name: str) -> str | None:
    """The long option ``name`` abbreviates, or None when unknown or ambiguous."""
    if name in spec.all_long:
        return name
    hits = [n for n in spec.all_long if n.startswith(name)]
    return hits[0] if len(hits) == 1 else None


def parse(spec: Spec, args: Sequence[ShellWord]) -> Parsed | Refused | None:
    """The files ``args`` make the command read; None when they leave the spec (an unknown
    option, a missing value), :class:`Refused` when they make it do more than read."""
    paths: list[ShellWord] = []
    operands: list[ShellWord] = []
    seen: list[str] = []
    pattern_given = False
    i = 0
    n = len(args)
    done = False
    while i < n:
        w = args[i]
        v = w.value
        i += 1
        if w.dynamic and (not done or spec.operands != "none"):
            return Refused(f"{v!r} is known only at run time and may be an option or a file")
        if done or v == "-" or not v.startswith("-"):
            operands.append(w)
            continue
        if v == "--":
            done = True
            continue
        if v.startswith("--"):
            raw, eq, value = v[2:].partition("=")
            name = _long_name(spec, raw)
            if name is not None and "--" + name in spec.forbid:
                return Refused(f"{v} (--{name}) writes, runs a program or reads unlisted files")
            if name is None:
                return None
            opt = "--" + name
            seen.append(opt)
            if name in spec.two_values:
                pair = args[i : i + 2]
                if eq or len(pair) < 2 or any(p.dynamic for p in pair):
                    return None
                if opt in spec.file_valued:
                    paths.append(pair[1])
                i += 2
                continue
            if name in spec.long_valued:
                if not eq:
                    if i >= n:
                        return None
                    arg = args[i]
                    i += 1
                else:
                    arg = ShellWord(value, w.dynamic, w.glob)
                if arg.dynamic and opt in spec.file_valued:
                    return None
                if opt in spec.file_valued:
                    paths.append(arg)
                if opt in spec.pattern_opts:
                    pattern_given = True
                continue
            if name in spec.long_optional:
                continue
            if eq:
                return None  # a flag given a value
            if opt in spec.pattern_opts:
                pattern_given = True  # rg --files: every operand is a path
            continue
        if spec.numeric and v[1:].isdigit():
            continue
        j = 1
        while j < len(v):
            c = v[j]
            opt = "-" + c
            if opt in spec.forbid:
                return Refused(f"{opt} writes, runs a program or reads unlisted files")
            if c in spec.flags:
                seen.append(opt)
                j += 1
                continue
            if c in spec.valued:
                seen.append(opt)
                rest = v[j + 1 :]
                if rest:
                    arg = ShellWord(rest, w.dynamic, w.glob)
                elif i < n:
                    arg = args[i]
                    i += 1
                else:
                    return None
                if opt in spec.file_valued:
                    if arg.dynamic:
                        return None
                    paths.append(arg)
                if opt in spec.pattern_opts:
                    pattern_given = True
                break
            if spec.numeric and c.isdigit():
                j += 1
                continue
            return None
    if spec.follow and (spec.always_recursive or spec.recursive.intersection(seen)) \
            and spec.follow.intersection(seen):
        return Refused(f"{', '.join(sorted(spec.follow.intersection(seen)))} follows symlinks "
                       "while walking directories, reaching wherever they point")
    if spec.max_operands is not None and len(operands) > spec.max_operands:
        return None
    kind = spec.operands
    if kind == "none":
        return Parsed(paths, operands, seen)
    if kind == "plus":
        if any(not o.value.startswith("+") for o in operands):
            return None
        return Parsed(paths, operands, seen)
    files = list(operands)
    if kind in ("pattern", "filter") and not pattern_given:
        if not files:
            return None if kind == "pattern" else Parsed(paths, operands, seen)
        files = files[1:]
    return Parsed(paths + files, operands, seen)
