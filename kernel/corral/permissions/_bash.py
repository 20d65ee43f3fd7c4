"""The chain's verdict on a Bash tool call: every simple command and file it touches."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence

from corral.permissions._file_rules import check_read, check_write
from corral.permissions._git import repository_runs_code
from corral.permissions._parts import Part, allow_rule, allow_tier, rule_part, strictest
from corral.permissions._readonly import (
    file_command_paths,
    include_globs,
    reader_refusal,
    readonly_paths,
    recursive_reader,
)
from corral.permissions.context import Mode, PermissionContext
from corral.permissions.paths import (
    critical_deletion,
    expand_candidates,
    lexical,
    resolve,
)
from corral.permissions.rules import CompiledRule
from corral.permissions.secrets import secret_under
from corral.permissions.shell import ShellAnalysis, ShellWord, SimpleCommand, analyze, quote_word

#: Programs that run another program given in their arguments. Deny and ask rules, and the
#: critical checks, look through them (``sudo rm …`` is still ``rm …``).
LAUNCHERS = frozenset(
    {"sudo", "doas", "env", "command", "builtin", "exec", "xargs", "nice", "nohup", "timeout",
     "time", "stdbuf", "ionice", "chrt", "taskset", "watch", "strace", "ltrace", "busybox",
     "unbuffer", "setsid", "flock", "caffeinate", "nsenter", "chroot", "parallel", "su",
     "runuser", "script", "entr"}
)
_ASSIGN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
_HARMLESS_SINKS = frozenset({"/dev/null", "/dev/stdout", "/dev/stderr"})


def word_variants(words: Sequence[ShellWord]) -> list[tuple[ShellWord, ...]]:
    """``words`` and every command it may launch (through sudo, xargs, find -exec …)."""
    out = [tuple(words)]
    if not words:
        return out
    head = os.path.basename(words[0].value)
    if head in LAUNCHERS:
        for j in range(1, len(words)):
            v = words[j].value
            if not v.startswith("-") and not _ASSIGN.match(v):
                out.append(tuple(words[j:]))
    if head == "find":
        for k, w in enumerate(words):
            if w.value in ("-exec", "-execdir", "-ok", "-okdir"):
                end = next((e for e in range(k + 1, len(words))
                            if words[e].value in (";", "+")), len(words))
                if end > k + 1:
                    out.extend(word_variants(words[k + 1 : end])[:])
    return out


def rule_texts(cmd: SimpleCommand) -> list[str]:
    """Every spelling deny and ask rules are matched against."""
    texts: list[str] = []
    for variant in word_variants(cmd.words):
        if not variant:
            continue
        texts.append(" ".join(quote_word(w.value) for w in variant))
        base = os.path.basename(variant[0].value)
        if base != variant[0].value:
            texts.append(" ".join(quote_word(w.value) for w in (ShellWord(base), *variant[1:])))
    if cmd.source:
        texts.append(cmd.source)
    return texts


#: A directory known only at run time (``cd "$X"``, ``cd -``, ``popd``): relative paths ask.
UNKNOWN_DIR = "\x00unknown"
_MAX_BASES = 16
_MOVERS = frozenset({"cd", "pushd", "popd"})


def cd_bases(ctx: PermissionContext, analysis: ShellAnalysis) -> list[str]:
    """The directories relative paths may be resolved against: the cwd, then every place
    a ``cd``/``pushd`` may lead (each resolved against every earlier one, both as bash's
    logical path and with symlinks followed), or :data:`UNKNOWN_DIR` for one not known."""
    bases = [ctx.cwd]
    for cmd in analysis.commands:
        words = list(cmd.words)
        while words and words[0].value in ("builtin", "command") and len(words) > 1:
            words = words[1:]
        if not words or words[0].value not in _MOVERS:
            continue
        args = [w for w in words[1:] if w.value not in ("--", "-L", "-P", "-e", "-n")]
        if words[0].value == "popd" or words[0].dynamic:
            targets: list[str] | None = None
        elif not args:
            targets = [ctx.home] if words[0].value == "cd" else None
        elif len(args) != 1 or args[0].dynamic or args[0].glob or args[0].value == "-" \
                or args[0].value.startswith(("-", "+")):
            targets = None
        else:
            targets = []
            for base in bases:
                if base == UNKNOWN_DIR:
                    continue
                targets.append(lexical(args[0].value, base, ctx.home))
                targets.append(resolve(args[0].value, base, ctx.home))
        for target in targets if targets is not None else [UNKNOWN_DIR]:
            if target not in bases:
                bases.append(target)
        if len(bases) > _MAX_BASES:
            return [ctx.cwd, UNKNOWN_DIR]
    return bases


def critical_part(command: str, ctx: PermissionContext) -> Part | None:
    """A recursive deletion of ``/``, the home or a working directory (or a parent)."""
    analysis = analyze(command, ctx.home, ctx.cwd)
    bases = cd_bases(ctx, analysis)
    unknown: Part | None = None
    known = [b for b in bases if b != UNKNOWN_DIR]
    for cmd in analysis.commands:
        for variant in word_variants(cmd.words):
            if not variant:
                continue
            values = [w.value for w in variant]
            dynamic = [w.dynamic for w in variant]
            found = critical_deletion(values, dynamic, known, ctx.home, ctx.working_dirs)
            if found is None and len(known) < len(bases):
                # after a cd to an unknown place, `rm -r x` may be any directory's x
                guess = critical_deletion(values, dynamic, ["/", ctx.home], ctx.home,
                                          ctx.working_dirs)
                if guess is not None:
                    found = (guess[0] + " (after a cd known only at run time)", False)
            if found is None:
                continue
            reason, certain = found
            if certain:
                return Part("deny", "critical", f"critical deletion denied in every mode: {reason}")
            unknown = unknown or Part("ask", "critical", reason)
    return unknown


def bash_part(command: str, ctx: PermissionContext, mode: Mode) -> tuple[Part, tuple[str, ...]]:
    """The verdict on a whole shell command, and one detail line per part."""
    analysis = analyze(command, ctx.home, ctx.cwd)
    bases = cd_bases(ctx, analysis)
    parts: list[Part] = []
    details: list[str] = []

    def note(part: Part, what: str) -> None:
        parts.append(part)
        details.append(f"{part.verdict}: {what}: {part.reason}")

    whole = [command]
    for cmd in analysis.commands:
        texts = rule_texts(cmd) + whole
        whole = []
        hit = rule_part(ctx, "Bash", "bash", _bash_test(texts), f"`{_show(cmd)}`")
        if hit is not None:
            note(hit, _show(cmd))
    for f in analysis.files:
        note(file_part(ctx, mode, f.path, f.write, bases, f.how), f"{f.how} {f.path}")
    worst = strictest(parts)
    if worst is not None and worst.verdict == "deny":
        return worst, tuple(details)
    if analysis.problems or analysis.hazards:
        if analysis.hazards:
            reason = "bash would run more than the command shows, so it is never auto-allowed: " \
                + "; ".join(analysis.hazards)
        else:
            reason = "the command cannot be fully parsed, so it is never auto-allowed: " + (
                "; ".join(analysis.problems))
        if mode == "bypassPermissions":
            return Part("allow", "mode", "bypassPermissions mode (" + reason + ")"), tuple(details)
        # tier mode: a hook cannot lift it (not liftable), an OS sandbox may
        return Part("ask", "mode", reason), tuple(details)
    if mode == "bypassPermissions":
        return Part("allow", "mode", "bypassPermissions mode allows shell commands"), tuple(details)
    for cmd in analysis.commands:
        if cmd.container and not cmd.unsafe_env:
            continue
        note(command_part(ctx, mode, cmd, bases), _show(cmd))
    if not parts:
        note(Part("allow", "mode", "the command runs nothing"), "empty command")
    worst = strictest(parts)
    assert worst is not None
    if worst.verdict == "allow":
        ruled = next((p for p in parts if p.rule is not None), None)
        if ruled is not None and len(parts) > 1:
            worst = Part("allow", ruled.tier, "every part is allowed: " + "; ".join(
                p.reason for p in parts), ruled.rule)
        elif ruled is not None:
            worst = ruled
    return worst, tuple(details)


def _bash_test(texts: list[str]) -> Callable[[CompiledRule], bool]:
    return lambda r: r.matches_bash(texts)


def command_part(ctx: PermissionContext, mode: Mode, cmd: SimpleCommand,
                  bases: list[str]) -> Part:
    shown = f"`{_show(cmd)}`"
    if not cmd.words:
        return Part("ask", "mode", f"{shown} sets {', '.join(cmd.unsafe_env)}", liftable=True)
    if cmd.unsafe_env:
        return Part("ask", "mode", f"{shown} runs with {', '.join(cmd.unsafe_env)} set; only "
                    "known-harmless variables may prefix a command", liftable=True)
    head = cmd.words[0]
    if _dumps_environment(cmd.words):
        # the environment holds tokens and keys; a sandbox does not hide them, so the ask
        # is not one it may lift
        return Part("ask", "protected", f"{shown} prints every environment variable, "
                    "credentials included")
    paths = readonly_paths(cmd.words)
    if head.value == "git" and not head.dynamic:
        repo = _repository_part(ctx, bases, shown)
        if repo is not None:
            return repo
    if not head.dynamic and not head.glob:
        rule = allow_rule(ctx, "Bash", "bash", lambda r: r.matches_bash((cmd.text,)))
        # plan mode is read-only whatever the rules say: a rule allows only read-only
        # commands there
        if rule is not None and (mode != "plan" or paths is not None):
            refusal = reader_refusal(cmd.words)
            if refusal is not None:
                return Part("ask", "mode", f"{shown} matches allow rule {rule.rule.text!r}, "
                            f"but {refusal}", liftable=True)
            if paths is not None:
                # a rule allows the command, not reading files outside the project with it
                part = _paths_part(ctx, mode, paths, bases, shown, write=False)
                if part.verdict != "allow":
                    return part
                tree = _tree_secret_part(ctx, cmd, paths, bases, shown)
                if tree is not None:
                    return tree
            return Part("allow", allow_tier(ctx, rule),
                        f"{shown} matches allow rule {rule.rule.text!r}", rule)
    if paths is not None:
        part = _paths_part(ctx, mode, paths, bases, shown, write=False)
        if part.verdict == "allow":
            return _tree_secret_part(ctx, cmd, paths, bases, shown) or part
        return part
    if mode == "acceptEdits":
        paths = file_command_paths(cmd.words)
        if paths is not None:
            return _paths_part(ctx, mode, paths, bases, shown, write=True)
    if head.value in _MOVERS and not head.dynamic and mode != "plan":
        return Part("ask", "mode", f"{shown} goes to a directory known only at run time, or "
                    "outside what can be checked (`cd -`, `popd`, options)", liftable=True)
    if mode == "plan":
        return Part("deny", "mode", f"plan mode runs only read-only commands; {shown} is not one")
    return Part("ask", "mode", f"{shown} is not allowed by any rule and is not read-only",
                liftable=True)


def _paths_part(ctx: PermissionContext, mode: Mode, paths: list[ShellWord], bases: list[str],
                shown: str, write: bool) -> Part:
    for word in paths:
        for base in bases:
            if base == UNKNOWN_DIR:
                if _relative(word.value):
                    return Part("ask", "mode", f"{shown}: {word.value!r} is relative to a "
                                "directory a cd makes known only at run time", liftable=True)
                continue
            found = expand_candidates(word.value, base, ctx.home)
            if found is None:
                return Part("ask", "mode", f"{shown}: {word.value!r} matches too many files, "
                            "or uses glob syntax that is only checked as bash reads it",
                            liftable=True)
            loose = [lexical(word.value, base, ctx.home)]
            check = check_write if write else check_read
            tool = "Edit" if write else "Read"
            part = check(ctx, mode, tool, loose, found, f"{shown} on {word.value}")
            if part.verdict != "allow":
                return part
    kind = "file command" if write else "read-only command"
    return Part("allow", "mode", f"{shown} is a {kind} inside the working directories")


def file_part(ctx: PermissionContext, mode: Mode, path: str, write: bool, bases: list[str],
               how: str) -> Part:
    what = f"redirection {how} {path}" if how != "tee" else f"tee to {path}"
    if write and path in _HARMLESS_SINKS:
        return Part("allow", "mode", f"{what} discards output")
    loose: list[str] = []
    resolved: list[str] = []
    for base in bases:
        if base == UNKNOWN_DIR:
            if _relative(path):
                return Part("ask", "mode", f"{what} is relative to a directory a cd makes "
                            "known only at run time", liftable=True)
            continue
        loose.append(lexical(path, base, ctx.home))
        resolved.append(resolve(path, base, ctx.home))
    if write:
        return check_write(ctx, mode, "Edit", loose, resolved, what)
    return check_read(ctx, mode, "Read", loose, resolved, what)


def _tree_secret_part(ctx: PermissionContext, cmd: SimpleCommand, paths: list[ShellWord],
                      bases: list[str], shown: str) -> Part | None:
    """An ask when a recursive reader (``grep -r``) would read a secret file in a tree."""
    hidden = recursive_reader(cmd.words)
    if hidden is None or not ctx.secret_files:
        return None
    trees = [w.value for w in paths] or ["."]
    for value in trees:
        for base in bases:
            if base == UNKNOWN_DIR:
                continue
            found = secret_under(resolve(value, base, ctx.home), ctx.cwd, ctx.secret_files,
                                 hidden, include_globs(cmd.words))
            if found == "":
                return Part("ask", "protected", f"{shown} searches a tree too large to check "
                            "for secret files")
            if found is not None:
                return Part("ask", "protected", f"{shown} would read {found}, which looks "
                            "like a secret file (secret_files); name the files to search, "
                            "or allow reading it with a rule")
    return None


def _dumps_environment(words: Sequence[ShellWord]) -> bool:
    head = words[0]
    if head.dynamic:
        return False
    args = [w.value for w in words[1:]]
    if head.value in ("env", "printenv"):
        return all(a in ("-0", "--null") for a in args)
    if head.value == "set":
        return not args
    if head.value in ("export", "declare", "typeset", "readonly"):
        return all(a.startswith("-") and set(a[1:]) <= set("px") for a in args)
    return False


def _relative(path: str) -> bool:
    return not path.startswith(("/", "~"))


def _repository_part(ctx: PermissionContext, bases: list[str], shown: str) -> Part | None:
    """An ask when git, run from one of ``bases``, would use a repository whose config or
    hooks run a program (``core.fsmonitor``, ``core.pager``, a textconv driver …)."""
    for base in bases:
        why = ("the directory git runs in is known only at run time" if base == UNKNOWN_DIR
               else repository_runs_code(base))
        if why is not None:
            return Part("ask", "mode", f"{shown}: {why}")
    return None


def _show(cmd: SimpleCommand) -> str:
    text = cmd.text or cmd.source
    text = text.replace("\n", "\\n")
    return text if len(text) <= 80 else text[:77] + "..."

