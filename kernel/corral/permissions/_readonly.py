"""The built-in set of read-only shell commands, and the file commands acceptEdits allows.

Each check returns the words that name paths (the chain then requires them to lie inside the
working directories), or None when the command as written is not read-only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from corral.permissions.shell import ShellWord

Paths = list[ShellWord] | None

#: Commands that read nothing from the file system named by their arguments.
_NO_PATHS = frozenset(
    {"echo", "printf", "pwd", "true", "false", "whoami", "id", "uname", "seq", "sleep",
     "basename", "dirname", "tr", "which", "type", "nproc", "arch", "groups",
     "tty", "locale", "test", "[", ":"}
)
#: Commands whose every non-option argument is a path they only read.
_PATH_READERS = frozenset(
    {"ls", "cat", "head", "tail", "wc", "stat", "du", "df", "tree", "realpath", "readlink",
     "nl", "cut", "cmp", "diff", "comm", "column", "md5sum", "sha1sum", "sha256sum",
     "sha512sum", "cksum", "sort", "uniq", "file", "tac", "rev",
     "strings", "fold", "fmt", "paste", "expand", "unexpand", "od", "hexdump"}
)
#: Options that make an otherwise read-only command write, run programs or change state.
_FORBIDDEN = {
    "sort": ("-o", "--output", "--compress-program", "-T", "--temporary-directory"),
    "tree": ("-o", "--output"),
    "date": ("-s", "--set"),
    "rg": ("--pre", "--search-zip", "-z"),
    "file": ("-C", "--compile", "-m", "--magic-file"),
    "uniq": (),
}
_GREP_VALUE_OPTS = frozenset(
    {"-e", "--regexp", "-m", "--max-count", "-A", "-B", "-C", "--after-context",
     "--before-context", "--context", "-g", "--glob", "-t", "--type", "-T", "--type-not",
     "--include", "--exclude", "--exclude-dir", "-d", "-D", "-j", "--threads", "-M",
     "--max-columns", "--color", "--colors", "--label", "--sort", "--sortr", "-E",
     "--encoding", "--type-add"}
)
_GIT_READ = frozenset(
    {"status", "diff", "log", "show", "blame", "shortlog", "describe", "rev-parse",
     "ls-files", "ls-tree", "grep", "reflog", "whatchanged", "cat-file", "merge-base",
     "rev-list", "count-objects", "check-ignore", "name-rev"}
)
_GIT_FORBIDDEN = ("--output", "--ext-diff", "--exec", "--upload-pack", "--open-files-in-pager",
                  "-O")
_BRANCH_LISTING = frozenset(
    {"-a", "-r", "-v", "-vv", "-l", "--list", "--all", "--remotes", "--verbose",
     "--show-current", "--no-color", "--color", "--merged", "--no-merged", "--contains",
     "--no-contains", "--column", "--no-column", "-q", "--quiet"}
)


def readonly_paths(words: Sequence[ShellWord]) -> Paths:
    """The path words of a read-only command, or None when it is not read-only."""
    head = words[0]
    if head.dynamic or head.glob or "/" in head.value:
        return None
    name = head.value
    args = list(words[1:])
    if name in _NO_PATHS:
        return []
    if name == "date":
        return None if _has_option(args, _FORBIDDEN["date"]) else []
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
        operands = _operands(args)
        if len(operands) != 1 or operands[0].value == "-" or len(args) != 1:
            return None  # `cd`, `cd -` and `cd -P x` go somewhere we cannot check simply
        return _static(operands)
    if name in _PATH_READERS:
        if _has_option(args, _FORBIDDEN.get(name, ())):
            return None
        paths = _operands(args)
        if name == "uniq" and len(paths) > 1:
            return None  # a second operand is the output file
        return _static(paths)
    if name in ("grep", "egrep", "fgrep", "rg"):
        if _has_option(args, _FORBIDDEN.get(name, ())):
            return None
        return _static(_grep_paths(args))
    if name == "find":
        return _find_paths(args)
    if name == "jq":
        operands = _operands(args)
        from_file = any(w.value in ("-f", "--from-file") for w in args)
        return _static(operands if from_file else operands[1:])
    if name == "git":
        return _git_paths(args)
    return None


def _has_option(args: Sequence[ShellWord], options: Sequence[str]) -> bool:
    for w in args:
        v = w.value
        if w.dynamic and v.startswith("-"):
            return True
        for opt in options:
            if v == opt or v.startswith(opt + "="):
                return True
            if len(opt) == 2 and opt[0] == "-" and v.startswith("-") and not v.startswith("--"):
                if opt[1] in v[1:]:
                    return True
    return False


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


def _static(paths: list[ShellWord]) -> Paths:
    return None if any(p.dynamic for p in paths) else paths


def _grep_paths(args: Sequence[ShellWord]) -> list[ShellWord]:
    out: list[ShellWord] = []
    pattern_given = False
    skip_value = False
    done = False
    for w in args:
        v = w.value
        if skip_value:
            skip_value = False
            continue
        if not done and v == "--":
            done = True
            continue
        if not done and v.startswith("-") and len(v) > 1:
            if v in ("-e", "--regexp") or v.startswith(("--regexp=", "-e")):
                pattern_given = True
            if v in ("-f", "--file"):
                pattern_given = True
                continue  # the next word is a file to read: keep it as a path
            if v.startswith("--file="):
                pattern_given = True
                out.append(ShellWord(v.split("=", 1)[1], w.dynamic, w.glob))
            if v in _GREP_VALUE_OPTS:
                skip_value = True
            if w.dynamic:
                out.append(w)
            continue
        if not pattern_given:
            pattern_given = True
            continue
        out.append(w)
    return out


def _find_paths(args: Sequence[ShellWord]) -> Paths:
    forbidden = ("-exec", "-execdir", "-ok", "-okdir", "-delete", "-fprint", "-fprint0",
                 "-fprintf", "-fls")
    for w in args:
        if w.dynamic or w.value in forbidden:
            return None
    paths: list[ShellWord] = []
    for w in args:
        if w.value.startswith(("-", "(", "!")):
            break
        paths.append(w)
    return paths or [ShellWord(".")]


def _git_paths(args: Sequence[ShellWord]) -> Paths:
    i = 0
    while i < len(args) and args[i].value in ("--no-pager", "-P", "--no-optional-locks"):
        i += 1
    if i >= len(args) or args[i].dynamic:
        return None
    sub = args[i].value
    rest = args[i + 1 :]
    if any(w.dynamic for w in rest) or _has_option(rest, _GIT_FORBIDDEN):
        return None
    if sub in _GIT_READ:
        return _operands(rest)
    if sub == "branch":
        listing = any(w.value in ("-l", "--list") for w in rest)
        for w in rest:
            opt = w.value.split("=", 1)[0]
            if w.value.startswith("-") and opt not in _BRANCH_LISTING:
                return None
            if not w.value.startswith("-") and not listing and not _after_value_opt(rest, w):
                return None
        return []
    if sub in ("tag", "remote"):
        allowed = {"tag": {"-l", "--list", "-n"}, "remote": {"-v", "--verbose", "show"}}[sub]
        return [] if not rest or rest[0].value in allowed else None
    if sub == "stash" and rest and rest[0].value in ("list", "show"):
        return []
    return None


def _after_value_opt(rest: Sequence[ShellWord], word: ShellWord) -> bool:
    idx = list(rest).index(word)
    return idx > 0 and rest[idx - 1].value in ("--contains", "--no-contains", "--merged",
                                               "--no-merged")


#: Commands acceptEdits mode allows inside the working directories.
FILE_COMMANDS = frozenset({"mkdir", "touch", "mv", "cp"})


def file_command_paths(words: Sequence[ShellWord]) -> Paths:
    """Every path a mkdir/touch/mv/cp command touches, or None when it is not one."""
    head = words[0]
    if head.dynamic or head.value not in FILE_COMMANDS:
        return None
    return _static(_operands(words[1:]))


Check = Callable[[Sequence[ShellWord]], Paths]
