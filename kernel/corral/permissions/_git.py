"""git: which invocations only read, per subcommand, and repositories whose config runs code.

git's global options are matched exactly (git itself accepts no abbreviation there); a
subcommand's long options may be abbreviated to any unambiguous prefix, so each spec lists
the options that write, page, run helpers or reach the network as ``forbid`` too. Even a
read-only subcommand runs programs that a repository's config names (``core.fsmonitor``,
``core.pager``, diff drivers and textconv, filters, ``gpg.program`` …): :func:`config_runs_code`
finds such keys in the repository the command would use, and then git asks.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from corral.permissions._specs import Parsed, Refused, Spec, parse, spec
from corral.permissions.shell import ShellWord

#: Global options that change nothing but output and locking.
_GLOBAL_OK = frozenset(
    {"--no-pager", "-P", "--no-optional-locks", "--literal-pathspecs", "--glob-pathspecs",
     "--noglob-pathspecs", "--icase-pathspecs", "--no-replace-objects", "--no-advice"}
)

_DIFF_FLAGS = "pusRawzbBWhtDMC"
_DIFF_LONG = (
    "patch no-patch raw patch-with-raw patch-with-stat numstat shortstat summary name-only "
    "name-status full-index binary minimal patience histogram indent-heuristic "
    "no-indent-heuristic no-color no-renames rename-empty no-rename-empty check "
    "ignore-cr-at-eol ignore-space-at-eol ignore-space-change ignore-all-space "
    "ignore-blank-lines text exit-code quiet no-ext-diff no-textconv ita-invisible-in-index "
    "ita-visible-in-index irreversible-delete pickaxe-all pickaxe-regex function-context "
    "compact-summary cached staged merge-base no-prefix default-prefix reverse "
    "ignore-submodules color-moved-ws no-color-moved no-color-moved-ws "
    "ignore-matching-lines name-only cumulative"
)
_DIFF_VALUED = (
    "unified inter-hunk-context diff-algorithm anchored diff-filter src-prefix dst-prefix "
    "line-prefix output-indicator-new output-indicator-old output-indicator-context "
    "find-object skip-to rotate-to stat-width stat-name-width stat-graph-width stat-count "
    "relative-to ws-error-highlight"
)
_DIFF_OPTIONAL = (
    "stat dirstat dirstat-by-file color color-words word-diff word-diff-regex break-rewrites "
    "find-renames find-copies find-copies-harder abbrev relative color-moved "
    "ignore-submodules"
)
_LOG_LONG = (
    "oneline graph all branches tags remotes reverse first-parent no-merges merges "
    "abbrev-commit no-abbrev-commit left-right cherry-pick cherry-mark cherry boundary "
    "full-history simplify-by-decoration simplify-merges dense sparse topo-order date-order "
    "author-date-order no-walk do-walk ancestry-path children parents show-pulls "
    "relative-date follow full-diff log-size mailmap no-mailmap use-mailmap source "
    "no-decorate clear-decorations show-linear-break remove-empty regexp-ignore-case "
    "basic-regexp extended-regexp fixed-strings perl-regexp all-match invert-grep "
    "not bisect no-min-parents no-max-parents walk-reflogs reflog single-worktree "
    "ignore-missing alternate-refs show-notes no-notes standard-notes no-standard-notes "
    "combined-all-paths dd no-diff-merges date-order stdin"
)
_LOG_VALUED = (
    "max-count skip since after until before author committer grep min-parents "
    "max-parents glob exclude date encoding diff-merges "
    "decorate-refs decorate-refs-exclude since-as-filter notes grep-reflog"
)
_LOG_OPTIONAL = "decorate pretty format expand-tabs show-linear-break notes exclude-hidden"
#: Options that write files, page, run diff/textconv drivers or gpg, or recurse into
#: submodules (whose config nothing checks).
_FORBID = (
    "--output --output-directory -o --ext-diff --textconv --open-files-in-pager -O "
    "--show-signature --exec --upload-pack --receive-pack --paginate --recurse-submodules "
    "--submodule --contents"
)


def _mk(flags: str = "", valued: str = "", long: str = "", long_valued: str = "",
        long_optional: str = "", file_valued: str = "", forbid: str = "",
        **kw: Any) -> Spec:
    return spec(flags=flags, valued=valued, long=long + " help", long_valued=long_valued,
                long_optional=long_optional, file_valued=file_valued,
                forbid=f"{_FORBID} {forbid}", numeric=True, **kw)


# -B, -M, -C and -X take an optional value in the same word only
_DIFF = _mk(_DIFF_FLAGS + "lNz", "USGIO", _DIFF_LONG + " no-index",
            _DIFF_VALUED, _DIFF_OPTIONAL)
_LOG = _mk(_DIFF_FLAGS + "LigEFPcmnz", "nSGL", f"{_DIFF_LONG} {_LOG_LONG}",
           f"{_DIFF_VALUED} {_LOG_VALUED}", f"{_DIFF_OPTIONAL} {_LOG_OPTIONAL}")
_STATUS = _mk("sbvz", "u", "short branch long verbose null no-column show-stash "
              "ahead-behind no-ahead-behind renames no-renames no-renames",
              "", "porcelain untracked-files ignored ignore-submodules column find-renames")
_BLAME = _mk("bclnsteEfwpMCL", "L", "root show-stats score-debug show-name show-number "
             "porcelain line-porcelain incremental reverse first-parent minimal "
             "color-lines color-by-age progress no-progress",
             "date since ignore-rev encoding", "abbrev", "-S --ignore-revs-file",
             forbid="--contents")
_GREP_G = _mk("vniIwlLcohHEGFPqzWpar", "efABCm",
              "cached no-index untracked no-exclude-standard exclude-standard text "
              "ignore-case word-regexp invert-match full-name extended-regexp basic-regexp "
              "perl-regexp fixed-strings line-number column files-with-matches "
              "name-only files-without-match null count break heading function-context "
              "show-function all-match quiet and or not textconv-off no-textconv threads "
              "only-matching",
              "max-depth file max-count after-context before-context context threads",
              "color", "-f --file", operands="pattern",
              pattern_opts=frozenset({"-e", "-f", "--file"}))
_LS_FILES = _mk("cdmoiksuvtfz", "xX", "cached deleted modified others ignored stage "
                "killed unmerged directory no-empty-directory eol deduplicate full-name "
                "error-unmatch exclude-standard debug sparse resolve-undo", "exclude "
                "exclude-per-directory with-tree format", "abbrev",
                "-X --exclude-from")
_LS_TREE = _mk("rdtlz", "", "long name-only name-status object-only full-name full-tree",
               "format", "abbrev")
_DESCRIBE = _mk("", "", "tags all long always contains first-parent exact-match debug",
                "match exclude candidates", "abbrev dirty broken")
_PLAIN = _mk("vqzHsetp", "n", "all verbose quiet human-readable no-walk stdin count "
             "objects parents timestamp boundary tags name-only undefined always "
             "independent fork-point octopus is-ancestor non-matching",
             "max-count since until", "abbrev")
_CAT_FILE = _mk("tsep", "", "", "", "", forbid="--filters --textconv --batch "
                "--batch-check --batch-command --batch-all-objects")
_CHECK_IGNORE = _mk("qvnz", "", "quiet verbose non-matching no-index stdin")
_SHORTLOG = _mk("nsecw", "", "numbered summary email committer",
                "group format", "")
_BRANCH = _mk("arvlq", "", "all remotes verbose list quiet show-current no-color "
              "no-column ignore-case omit-empty",
              "sort format points-at contains no-contains merged no-merged",
              "color column abbrev", forbid="-d -D -m -M -c -C -f --delete --move --copy "
              "--force --set-upstream-to -u --unset-upstream --edit-description --track "
              "--no-track --create-reflog")
_TAG = _mk("lnv", "n", "list verbose ignore-case omit-empty",
           "sort format points-at contains no-contains merged no-merged", "color column",
           forbid="-a -s -u -f -d -m -F -e --annotate --sign --local-user --force "
                  "--delete --message --file --edit --cleanup --create-reflog")

_SUBCOMMANDS: dict[str, Spec] = {
    "status": _STATUS, "diff": _DIFF, "log": _LOG, "show": _LOG, "whatchanged": _LOG,
    "blame": _BLAME, "annotate": _BLAME, "grep": _GREP_G, "ls-files": _LS_FILES,
    "ls-tree": _LS_TREE, "describe": _DESCRIBE, "rev-list": _LOG, "merge-base": _PLAIN,
    "name-rev": _PLAIN, "count-objects": _PLAIN, "cat-file": _CAT_FILE,
    "check-ignore": _CHECK_IGNORE, "shortlog": _SHORTLOG,
}


def git_refusal(args: Sequence[ShellWord]) -> str | None:
    """Why a git invocation does more than its subcommand says, whatever rule allows it:
    a global option that pages, sets config or moves the repository, or a read-only
    subcommand's option that writes or runs a program."""
    i = 0
    while i < len(args) and args[i].value.startswith("-"):
        if args[i].dynamic or args[i].value not in _GLOBAL_OK:
            return (f"git {args[i].value} pages, sets config or changes the repository or "
                    "directory git uses")
        i += 1
    if i < len(args) and args[i].value in _SUBCOMMANDS:
        parsed = parse(_SUBCOMMANDS[args[i].value], args[i + 1 :])
        if isinstance(parsed, Refused):
            return parsed.reason
    return None


def git_paths(args: Sequence[ShellWord]) -> list[ShellWord] | None:
    """The paths a read-only git invocation names, or None when it is not read-only."""
    i = 0
    while i < len(args) and args[i].value.startswith("-"):
        if args[i].dynamic or args[i].value not in _GLOBAL_OK:
            return None  # -c, -C, --git-dir, --exec-path, -p/--paginate …
        i += 1
    if i >= len(args) or args[i].dynamic:
        return None
    sub = args[i].value
    rest = list(args[i + 1 :])
    if sub in _SUBCOMMANDS:
        return _paths(parse(_SUBCOMMANDS[sub], rest), sub)
    if sub == "rev-parse":
        # rev-parse prints names and objects; it reads no file named by an argument
        return [] if not any(w.dynamic for w in rest) else None
    if sub == "branch":
        return _listing(_BRANCH, rest, ("-l", "--list"))
    if sub == "tag":
        return _listing(_TAG, rest, ("-l", "--list"))
    if sub == "stash":
        if rest and rest[0].value == "list":
            return _paths(parse(_LOG, rest[1:]), sub)
        if rest and rest[0].value == "show":
            return _paths(parse(_DIFF, rest[1:]), sub)
        return None
    if sub == "reflog":
        if rest and rest[0].value in ("show", "exists"):
            rest = rest[1:]
        elif rest and not rest[0].value.startswith("-") and rest[0].value in (
                "expire", "delete", "drop", "write"):
            return None
        return _paths(parse(_LOG, rest), sub)
    if sub == "remote":
        return _remote(rest)
    return None


def _paths(parsed: Parsed | Refused | None, sub: str) -> list[ShellWord] | None:
    if not isinstance(parsed, Parsed):
        return None
    # revisions and pathspecs alike are checked as paths: a path outside the project asks
    # (``diff --no-index``), a revision name resolves inside it
    return [*parsed.paths, *(w for w in parsed.operands if not w.value.startswith(":"))] \
        if sub != "grep" else parsed.paths


#: Listing filters whose commit is optional (HEAD when it is the last word).
_OPTIONAL_COMMIT = frozenset({"--merged", "--no-merged", "--contains", "--no-contains"})


def _listing(s: Spec, rest: list[ShellWord], list_opts: tuple[str, ...]) -> list[ShellWord] | None:
    if rest and rest[-1].value in _OPTIONAL_COMMIT:
        rest = rest[:-1]
    parsed = parse(s, rest)
    if not isinstance(parsed, Parsed):
        return None
    listing = any(o in list_opts for o in parsed.options)
    if parsed.operands and not listing:
        return None  # `git branch name` and `git tag name` create one
    return []


def _remote(rest: list[ShellWord]) -> list[ShellWord] | None:
    words = [w.value for w in rest]
    if any(w.dynamic for w in rest):
        return None
    if all(w in ("-v", "--verbose") for w in words):
        return []
    if words and words[0] == "get-url":
        tail = words[1:]
        names = [w for w in tail if not w.startswith("-")]
        opts = [w for w in tail if w.startswith("-")]
        if len(names) == 1 and all(o in ("--push", "--all") for o in opts):
            return []
    # `remote show`, `remote -v update` … contact hosts or change the config
    return None


# --------------------------------------------------------------------- repository config

#: Config keys that make git run a program (or read config from elsewhere).
_RUNS = re.compile(
    r"(?:core\.(?:fsmonitor|pager|sshcommand|askpass|gitproxy|hookspath"
    r"|alternaterefscommand)|pager\..*|diff\..*\.(?:textconv|command)|diff\.external"
    r"|filter\..*|include\..*|includeif\..*|gpg\..*|.*\.program|interactive\.difffilter"
    r"|log\.showsignature|.*\.cmd)",
)
#: Hooks that a read-only command can fire (refreshing the index writes it).
_READ_HOOKS = ("post-index-change",)
_SECTION = re.compile(r'\s*\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]\s*(.*)')
_KEY = re.compile(r"\s*([A-Za-z][A-Za-z0-9-]*)\s*(?:=|$)")


def repository_runs_code(directory: str) -> str | None:
    """Why git run in ``directory`` may run a program its repository's config names.

    None when the repository found from ``directory`` (as git discovers it) has no such key.
    """
    gitdirs = _discover(directory)
    if gitdirs is None:
        return f"cannot tell which repository git uses in {directory}"
    for gitdir in gitdirs:
        for name in ("config", "config.worktree"):
            path = os.path.join(gitdir, name)
            try:
                st = os.stat(path)
            except OSError:
                continue
            found = _config_key(path, st.st_mtime_ns, st.st_size)
            if found is not None:
                return f"{path} sets {found}, which makes git run a program"
        for hook in _READ_HOOKS:
            if os.path.exists(os.path.join(gitdir, "hooks", hook)):
                return f"{gitdir} has a {hook} hook, which a read-only command can run"
    return None


def _discover(directory: str) -> list[str] | None:
    """The git directories (and common directory) git would use in ``directory``."""
    d = directory
    while True:
        dot = os.path.join(d, ".git")
        if os.path.isdir(dot):
            return [dot]
        if os.path.isfile(dot):
            try:
                with open(dot, encoding="utf-8") as f:
                    line = f.readline().strip()
            except (OSError, UnicodeDecodeError):
                return None
            if not line.startswith("gitdir:"):
                return None
            gitdir = os.path.normpath(os.path.join(d, line[7:].strip()))
            dirs = [gitdir]
            try:
                with open(os.path.join(gitdir, "commondir"), encoding="utf-8") as f:
                    dirs.append(os.path.normpath(os.path.join(gitdir, f.read().strip())))
            except OSError:
                pass
            return dirs
        if _looks_bare(d):
            return [d]
        parent = os.path.dirname(d)
        if parent == d:
            return []
        d = parent


def _looks_bare(d: str) -> bool:
    return (os.path.isfile(os.path.join(d, "HEAD")) and os.path.isdir(os.path.join(d, "objects"))
            and os.path.isdir(os.path.join(d, "refs")))


@lru_cache(maxsize=64)
def _config_key(path: str, mtime_ns: int, size: int) -> str | None:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read(1_000_000)
    except OSError:
        return path
    section = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped[0] in "#;":
            continue
        m = _SECTION.match(line)
        if m is not None:
            section = m.group(1).lower() + (f".{m.group(2)}" if m.group(2) is not None else "")
            rest = m.group(3)
            if not rest:
                continue
            line = rest
        k = _KEY.match(line)
        if k is None:
            continue
        key = f"{section}.{k.group(1).lower()}"
        if _RUNS.fullmatch(key.lower()):
            return key
    return None
