"""The built-in set of read-only shell commands, and the file commands acceptEdits allows.

Each check returns the words that name paths (the chain then requires them to lie inside the
working directories), or None when the command as written is not read-only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from corral.permissions._commands import SPECS
from corral.permissions._git import git_paths, git_refusal
from corral.permissions._specs import Parsed, Refused, parse
from corral.permissions.shell import ShellWord

Paths = list[ShellWord] | None

#: Commands that touch no file named by their arguments, whatever the options.
_NO_PATHS = frozenset(
    {"echo", "printf", "pwd", "true", "false", "whoami", "id", "uname", "seq", "sleep",
     "basename", "dirname", "which", "type", "nproc", "arch", "groups", "tty", "locale", ":"}
)
#: ``test`` operators whose operand is a file (metadata of it is revealed).
_TEST_FILE_OPS = frozenset("-a -b -c -d -e -f -g -G -h -k -L -N -O -p -r -s -S -t -u -w -x"
                           .split())
_TEST_FILE_PAIRS = frozenset({"-nt", "-ot", "-ef"})
_FIND_NO_ARG = frozenset(
    "-print -print0 -ls -prune -quit -true -false -empty -readable -writable -executable "
    "-nouser -nogroup -depth -mount -xdev -noleaf -daystart -warn -nowarn -not -a -o -and "
    "-or -ignore_readdir_race -noignore_readdir_race ( ) ! , -d".split()
)
_FIND_ONE_ARG = frozenset(
    "-name -iname -path -ipath -wholename -iwholename -regex -iregex -type -xtype -size "
    "-mtime -mmin -atime -amin -ctime -cmin -perm -user -group -uid -gid -links -inum "
    "-maxdepth -mindepth -regextype -printf -lname -ilname -used -fstype -context".split()
)
_FIND_FILE_ARG = frozenset({"-newer", "-anewer", "-cnewer", "-samefile"})
_FIND_NEWER = re.compile(r"-newer[aBcm][aBcmt]")


def readonly_paths(words: Sequence[ShellWord]) -> Paths:
    """The path words of a read-only command, or None when it is not read-only."""
    head = words[0]
    if head.dynamic or head.glob or "/" in head.value:
        return None
    name = head.value
    args = list(words[1:])
    if name in _NO_PATHS:
        return []
    if name in ("test", "["):
        return _test_paths(args[:-1] if name == "[" and args and args[-1].value == "]"
                           else args)
    if name == "hostname":
        return [] if not args else None
    if name == "printenv":
        # without arguments it prints every variable, credentials included
        return [] if args and not any(w.dynamic for w in args) else None
    if name == "command":
        return [] if args and args[0].value in ("-v", "-V") else None
    if name == "tee":
        return []  # its files are writes, listed by the shell analysis
    if name == "cd":
        operands = [w for w in args if w.value != "--"]
        if len(operands) != 1 or operands[0].value == "-" or operands[0].value.startswith("-"):
            return None  # `cd`, `cd -` and `cd -P x` go somewhere we cannot check simply
        return _static(operands)
    if name == "find":
        return _find_paths(args)
    if name == "git":
        return git_paths(args)
    command_spec = SPECS.get(name)
    if command_spec is None:
        return None
    parsed = parse(command_spec, args)
    return _static(parsed.paths) if isinstance(parsed, Parsed) else None


def recursive_reader(words: Sequence[ShellWord]) -> bool | None:
    """Whether a read-only command reads the contents of every file under a directory:
    True for hidden files too (``grep -r``), False when it skips hidden files (``rg``
    without ``--hidden``), None when it does not read a tree's contents."""
    name = words[0].value
    values = [w.value for w in words[1:]]
    if name in ("grep", "egrep", "fgrep"):
        for v in values:
            if v == "--":
                break
            if v.startswith("--"):
                if "--recursive".startswith(v) and len(v) > 3 or v.startswith(
                        ("--dereference-r", "--directories=r", "--directories")):
                    return True
            elif v.startswith("-") and ("r" in v[1:] or "R" in v[1:] or v.startswith("-d")):
                return True
        return None
    if name == "rg":
        hidden = any(v in ("--hidden", "-.", "--unrestricted") or v.startswith("-uu")
                     or (v.startswith("-") and not v.startswith("--") and v.count("u") >= 2)
                     for v in values)
        return hidden
    return None


def include_globs(words: Sequence[ShellWord]) -> list[str]:
    """The file-name globs a recursive reader limits itself to (``grep --include``, ``rg
    -g``); empty when it reads every file."""
    out: list[str] = []
    values = [w.value for w in words[1:]]
    name = words[0].value
    long_opts = ("--include",) if name != "rg" else ("--glob", "--iglob")
    short = "" if name != "rg" else "-g"
    for k, v in enumerate(values):
        nxt = values[k + 1] if k + 1 < len(values) else ""
        for opt in long_opts:
            if v.startswith(opt + "="):
                out.append(v.split("=", 1)[1])
            elif v == opt:
                out.append(nxt)
        if short and v == short:
            out.append(nxt)
        elif short and v.startswith(short) and len(v) > 2:
            out.append(v[2:])
    # a negated rg glob excludes; it does not limit what is read
    return [] if any(g.startswith("!") or not g for g in out) else out


#: find primaries that run programs, delete or write files, or follow symlinks.
_FIND_REFUSED = frozenset({"-exec", "-execdir", "-ok", "-okdir", "-delete", "-fprint",
                           "-fprint0", "-fprintf", "-fls", "-follow", "-L", "-files0-from"})


def reader_refusal(words: Sequence[ShellWord]) -> str | None:
    """Why a read-only command, as written, does more than read: an option that writes,
    runs a program or follows symlinks through a tree, or a word known only at run time.
    An allow rule for the command (``Bash(ls *)``) does not cover that; it asks."""
    head = words[0]
    if head.dynamic:
        return None
    name = head.value
    args = words[1:]
    if name == "git":
        return git_refusal(args)
    if name == "find":
        for w in args:
            if w.dynamic:
                return f"find {w.value!r} is known only at run time"
            if w.value in _FIND_REFUSED:
                return f"find {w.value} runs programs, writes, deletes or follows symlinks"
        return None
    command_spec = SPECS.get(name)
    if command_spec is None:
        return None
    parsed = parse(command_spec, args)
    return parsed.reason if isinstance(parsed, Refused) else None


def _static(paths: list[ShellWord]) -> Paths:
    return None if any(p.dynamic for p in paths) else paths


def _test_paths(args: Sequence[ShellWord]) -> Paths:
    out: list[ShellWord] = []
    for k, w in enumerate(args):
        if w.value in _TEST_FILE_OPS and k + 1 < len(args):
            out.append(args[k + 1])
        elif w.value in _TEST_FILE_PAIRS and 0 < k < len(args) - 1:
            out.extend((args[k - 1], args[k + 1]))
    return _static(out)


def _find_paths(args: Sequence[ShellWord]) -> Paths:
    if any(w.dynamic for w in args):
        return None
    i = 0
    while i < len(args) and args[i].value.startswith("-") and args[i].value not in (
            _FIND_NO_ARG | _FIND_ONE_ARG | _FIND_FILE_ARG):
        v = args[i].value
        if v in ("-H", "-P", "--"):
            i += 1
        elif v == "-D":
            i += 2
        elif re.fullmatch(r"-O\d", v):
            i += 1
        else:
            return None  # -L follows every symlink in the tree; others are unknown
    paths: list[ShellWord] = []
    while i < len(args) and not args[i].value.startswith(("-", "(", "!", ")", ",")):
        paths.append(args[i])
        i += 1
    if not paths:
        paths.append(ShellWord("."))
    while i < len(args):
        v = args[i].value
        if v in _FIND_NO_ARG:
            i += 1
        elif v in _FIND_ONE_ARG:
            i += 2
        elif v in _FIND_FILE_ARG or (_FIND_NEWER.fullmatch(v) and not v.endswith("t")):
            if i + 1 < len(args):
                paths.append(args[i + 1])
            i += 2
        elif _FIND_NEWER.fullmatch(v):
            i += 2
        else:
            return None  # -exec, -delete, -fprint, -follow, -files0-from …
    return paths


#: Commands acceptEdits mode allows inside the working directories.
FILE_COMMANDS = frozenset({"mkdir", "touch", "mv", "cp"})


def file_command_paths(words: Sequence[ShellWord]) -> Paths:
    """Every path a mkdir/touch/mv/cp command touches, or None when it is not one."""
    head = words[0]
    if head.dynamic or head.value not in FILE_COMMANDS:
        return None
    return _static(_operands(words[1:]))


def _operands(args: Sequence[ShellWord]) -> list[ShellWord]:
    out: list[ShellWord] = []
    done = False
    for w in args:
        v = w.value
        if not done and v == "--":
            done = True
        elif not done and v.startswith("--") and "=" in v:
            out.append(ShellWord(v.split("=", 1)[1], w.dynamic, w.glob))
        elif not done and v.startswith("-") and len(v) > 1:
            if w.dynamic:
                out.append(w)
        else:
            out.append(w)
    return out


Check = Callable[[Sequence[ShellWord]], Paths]
