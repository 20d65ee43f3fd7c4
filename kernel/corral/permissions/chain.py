"""The permission chain: one synchronous, pure decision per tool call.

Tiers, highest first:

1. managed policy: its deny and ask rules, and the locks ``disable_bypass_mode`` and
   ``managed_rules_only``;
2. critical checks: recursive deletion of ``/``, the home or a working directory is denied
   in every mode;
3. hook votes (deny > ask > allow): a vote can tighten the outcome, and an allow vote can
   only lift a plain mode ask, never a deny or ask rule, a protected path or a parse failure;
4. settings rules, deny → ask, then protected paths, then allow rules (managed allow rules
   first); the first match of a kind wins;
5. the sandbox: a shell command that runs in the OS sandbox is allowed where only the
   analyzer's caution would ask (:mod:`corral.permissions.sandboxed`);
6. the mode; what is left is ``ask`` (the engine prompts, or denies when headless).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from corral.permissions._bash import bash_part, critical_part
from corral.permissions._file_rules import check_read, check_write, secret_of
from corral.permissions._parts import Part, allow_rule, allow_tier, rule_part, rules_of
from corral.permissions.context import Mode, PermissionContext
from corral.permissions.context import tool_is_denied_outright as tool_is_denied_outright
from corral.permissions.decision import Decision, Verdict, Vote
from corral.permissions.paths import lexical, resolve
from corral.permissions.rules import CompiledRule, ToolKind, skill_name
from corral.permissions.sandboxed import runs_sandboxed, sandbox_part
from corral.permissions.secrets import glob_reaches_secret, names_files
from corral.tools.base import ToolCall

_RANK = {"allow": 0, "ask": 1, "deny": 2}
_HOST = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")
_PATH_KEYS = ("file_path", "notebook_path", "path")


def decide(call: ToolCall, ctx: PermissionContext,
           votes: Sequence[tuple[str, Vote]] = ()) -> Decision:
    """Decide one tool call. ``votes`` are ``(plugin_name, vote)`` from the hook tier."""
    tool = call.name
    kind = ctx.kind_of(tool)
    mode = ctx.effective_mode
    note = ""
    if mode != ctx.mode:
        note = " (bypassPermissions is disabled by managed policy; default mode applies)"

    managed = _managed_part(call, ctx, kind)
    if managed is not None and managed.verdict == "deny":
        return _finish(managed, mode, note)
    critical = critical_part(str(call.input.get("command", "")), ctx) if kind == "bash" else None
    if critical is not None and critical.verdict == "deny":
        return _finish(critical, mode, note)
    hook = _hook_part(votes)
    if hook is not None and hook.verdict == "deny":
        return _finish(hook, mode, note)

    base, details = _evaluate(call, ctx, kind, mode)
    result = base
    for floor in (managed, critical):
        if floor is not None and _RANK[floor.verdict] > _RANK[result.verdict]:
            result = floor
    if hook is not None:
        if _RANK[hook.verdict] > _RANK[result.verdict]:
            result = hook
        elif hook.verdict == "allow" and result is base and base.verdict == "ask" \
                and base.liftable and mode != "plan":
            result = hook
    return _finish(result, mode, note, details)


def path_is_read_denied(path: str, ctx: PermissionContext) -> bool:
    """Whether a Read deny rule covers ``path``: tools that walk directories (Grep, Glob)
    should skip such files, since the call itself was decided on the directory."""
    loose = lexical(path, ctx.cwd, ctx.home)
    real = resolve(path, ctx.cwd, ctx.home)
    for rules in (ctx.managed, None if ctx.managed_rules_only else ctx.rules):
        if rules is None:
            continue
        for rule in rules.for_tool("deny", "Read", "read"):
            if rule.matcher == "path" and (rule.matches_path(loose, ctx.cwd, ctx.home)
                                           or rule.matches_path(real, ctx.cwd, ctx.home)):
                return True
    return False


def path_is_secret(path: str, ctx: PermissionContext) -> bool:
    """Whether ``path`` looks like a secret file no allow rule names: tools that walk
    directories (Grep) leave such files out, as a shell reader of them would ask."""
    loose = lexical(path, ctx.cwd, ctx.home)
    real = resolve(path, ctx.cwd, ctx.home)
    if secret_of(ctx, [loose, real]) is None:
        return False
    for rule in allow_rules_for(ctx, "Read"):
        if names_files(rule) and rule.matches_path(real, ctx.cwd, ctx.home):
            return False
    return True


def allow_rules_for(ctx: PermissionContext, tool: str) -> Sequence[CompiledRule]:
    return rules_of(ctx, "allow", tool, ctx.kind_of(tool))


def _finish(part: Part, mode: Mode, note: str, details: tuple[str, ...] = ()) -> Decision:
    decision = part.decision(details)
    if decision.decision == "ask" and mode == "dontAsk":
        decision = Decision(decision="deny", tier=decision.tier,
                            reason=f"dontAsk mode denies what would ask: {decision.reason}",
                            rule=decision.rule, source=decision.source, details=details)
    if note:
        decision = Decision(decision=decision.decision, tier=decision.tier,
                            reason=decision.reason + note, rule=decision.rule,
                            source=decision.source, details=decision.details)
    return decision


def _hook_part(votes: Sequence[tuple[str, Vote]]) -> Part | None:
    best: tuple[str, Vote] | None = None
    for name, vote in votes:
        if best is None or _RANK[vote.decision] > _RANK[best[1].decision]:
            best = (name, vote)
    if best is None:
        return None
    name, vote = best
    reason = vote.reason or f"plugin {name} voted {vote.decision}"
    return Part(vote.decision, "hook", reason, source=f"plugin:{name}")


def _managed_part(call: ToolCall, ctx: PermissionContext, kind: ToolKind) -> Part | None:
    for rule_kind in ("deny", "ask"):
        for rule in ctx.managed.for_tool(rule_kind, call.name, kind):
            if _matches(rule, call, ctx, kind):
                verdict: Verdict = "deny" if rule_kind == "deny" else "ask"
                return Part(verdict, "managed",
                            f"managed policy {rule_kind} rule {rule.rule.text!r}", rule)
    return None


def _matches(rule: CompiledRule, call: ToolCall, ctx: PermissionContext, kind: ToolKind) -> bool:
    """Loose matching, for deny and ask rules of the managed tier."""
    if rule.matcher == "any":
        return True
    if kind == "bash":
        from corral.permissions._bash import rule_texts
        from corral.permissions.shell import analyze

        command = str(call.input.get("command", ""))
        analysis = analyze(command, ctx.home, ctx.cwd)
        texts = [command] + [t for c in analysis.commands for t in rule_texts(c)]
        return rule.matches_bash(texts)
    if rule.matcher == "path":
        paths = _input_paths(call, ctx)
        return paths is None or any(rule.matches_path(p, ctx.cwd, ctx.home)
                                    for pair in paths for p in pair)
    if rule.matcher == "domain":
        host = _host(call.input.get("url"))
        return host is None or rule.matches_host(host)
    if rule.matcher == "agent" and rule.regex is not None:
        return rule.regex.fullmatch(str(call.input.get("subagent_type", ""))) is not None
    if rule.matcher == "skill" and rule.regex is not None:
        return rule.regex.fullmatch(skill_name(call.input)) is not None
    if rule.matcher == "command" and rule.regex is not None:
        return rule.regex.fullmatch(str(call.input.get("command", "")).strip()) is not None
    return False


def _evaluate(call: ToolCall, ctx: PermissionContext, kind: ToolKind,
              mode: Mode) -> tuple[Part, tuple[str, ...]]:
    tool = call.name
    if kind == "bash":
        command = call.input.get("command")
        if not isinstance(command, str):
            return Part("ask", "mode", "Bash call without a command string"), ()
        part, details = bash_part(command, ctx, mode)
        if ctx.sandbox is not None and ctx.sandbox.auto_allow \
                and runs_sandboxed(command, call.input, ctx):
            part = sandbox_part(part, command, ctx, mode)
        return part, details
    if kind in ("read", "edit"):
        paths = _input_paths(call, ctx)
        if paths is None:
            return Part("ask", "mode", f"{tool} call without a usable path"), ()
        worst: Part | None = None
        named = _named_secret(call, ctx) if kind == "read" else None
        if named is not None:
            return named, ()
        check = check_read if kind == "read" else check_write
        for loose, resolved in paths:
            part = check(ctx, mode, tool, [loose], [resolved], f"{tool} {resolved}")
            if worst is None or _RANK[part.verdict] > _RANK[worst.verdict]:
                worst = part
        assert worst is not None
        return worst, ()
    if kind == "webfetch":
        return _webfetch(call, ctx, mode), ()
    subject = tool
    test = _name_test(call, kind)
    hit = rule_part(ctx, tool, kind, test, subject)
    if hit is not None:
        return hit, ()
    if mode == "bypassPermissions":
        return Part("allow", "mode", "bypassPermissions mode allows every tool"), ()
    rule = allow_rule(ctx, tool, kind, test)
    if rule is not None:
        return Part("allow", allow_tier(ctx, rule), f"{tool} matches allow rule "
                    f"{rule.rule.text!r}", rule), ()
    if kind in ("readonly", "agent"):
        return Part("allow", "mode", f"{tool} changes nothing outside the session"), ()
    if mode == "plan":
        return Part("deny", "mode", f"plan mode does not run {tool}, which may change state"), ()
    return Part("ask", "mode", f"no rule allows {tool}", liftable=True), ()


def _named_secret(call: ToolCall, ctx: PermissionContext) -> Part | None:
    """A Glob or Grep whose file pattern itself names secret files (``**/.env``)."""
    for key in ("pattern", "glob") if call.name == "Glob" else ("glob",):
        value = call.input.get(key)
        if not isinstance(value, str) or not value:
            continue
        last = value.rstrip("/").rsplit("/", 1)[-1]
        pattern = glob_reaches_secret(value, ctx.cwd, ctx.secret_files)
        if pattern is None:
            continue
        for rule in allow_rules_for(ctx, call.name):
            if names_files(rule) and rule.matches_path(os.path.join(ctx.cwd, last), ctx.cwd,
                                                       ctx.home):
                return None
        return Part("ask", "protected", f"{call.name} {key} {value!r} names secret files "
                    f"(matches {pattern!r} in secret_files); it asks unless an allow rule "
                    "names them")
    return None


def _name_test(call: ToolCall, kind: ToolKind) -> Any:
    def test(rule: CompiledRule) -> bool:
        if rule.matcher == "any":
            return True
        if rule.matcher == "agent" and rule.regex is not None:
            return rule.regex.fullmatch(str(call.input.get("subagent_type", ""))) is not None
        if rule.matcher == "skill" and rule.regex is not None:
            return rule.regex.fullmatch(skill_name(call.input)) is not None
        if rule.matcher == "command" and rule.regex is not None:
            return rule.regex.fullmatch(str(call.input.get("command", "")).strip()) is not None
        return False

    return test


def _webfetch(call: ToolCall, ctx: PermissionContext, mode: Mode) -> Part:
    url = call.input.get("url")
    host = _host(url)
    what = f"WebFetch of {url!r}"
    hit = rule_part(ctx, call.name, "webfetch",
                    lambda r: r.matcher == "any" or (r.matcher == "domain" and (
                        host is None or r.matches_host(host))), what)
    if hit is not None:
        return hit
    if mode == "bypassPermissions":
        return Part("allow", "mode", "bypassPermissions mode allows web fetches")
    if host is None:
        return Part("ask", "mode", f"{what}: cannot tell which host it reaches")
    rule = allow_rule(ctx, call.name, "webfetch",
                      lambda r: r.matcher == "any" or (r.matcher == "domain"
                                                       and r.matches_host(host)))
    if rule is not None:
        return Part("allow", allow_tier(ctx, rule), f"{what} matches allow rule "
                    f"{rule.rule.text!r}", rule)
    return Part("ask", "mode", f"no rule allows {what}", liftable=True)


def _host(url: object) -> str | None:
    """The lower-case host of an http(s) URL, or None when it is not plainly one."""
    if not isinstance(url, str) or any(c in url for c in "\\\t\r\n "):
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not host:
        return None
    host = host.rstrip(".")
    return host if _HOST.fullmatch(host) else None


def _input_paths(call: ToolCall, ctx: PermissionContext) -> list[tuple[str, str]] | None:
    """``(lexical, resolved)`` for every path a file tool call names."""
    raw: list[str] = []
    for key in _PATH_KEYS:
        value = call.input.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or "\x00" in value:
            return None
        raw.append(value)
    pattern = call.input.get("pattern")
    if call.name == "Glob" and isinstance(pattern, str):
        base = raw[0] if raw else "."
        static = []
        for piece in pattern.split("/"):
            if any(c in piece for c in "*?[{"):
                break
            static.append(piece)
        if static:
            raw.append(os.path.join(base, "/".join(static) or "/"))
    if not raw:
        if ctx.kind_of(call.name) == "edit":
            return None
        raw = ["."]
    return [(lexical(p, ctx.cwd, ctx.home), resolve(p, ctx.cwd, ctx.home)) for p in raw]


def call_matches_rule(rule: CompiledRule, call: ToolCall, ctx: PermissionContext) -> bool:
    """Whether ``rule`` covers ``call`` at all (loosely: any part of a compound command, any
    path of the call), as a filter such as a command hook's ``if``."""
    kind = ctx.kind_of(call.name)
    return rule.applies_to(call.name, kind) and _matches(rule, call, ctx, kind)
