"""The sandbox tier of the chain: which Bash calls run in the OS sandbox, and the prompts
the sandbox makes moot.

A sandboxed command cannot write outside the working directories, reach the network or
read hidden credentials, so the analyzer's plain "not read-only" asks are lifted. What still
counts: deny rules, ask rules, protected paths, critical deletions, managed policy, and asks
marked :attr:`~corral.permissions._parts.Part.keep_in_sandbox` (reads outside the working
directories, secret files). A command the analyzer cannot fully parse keeps its ask when any
Bash deny or ask rule exists, since the rule might be hiding in the part it cannot read.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from corral.permissions._parts import Part, rules_of
from corral.permissions.context import DISABLE_KEY, Mode, PermissionContext, SandboxGate
from corral.permissions.rules import CompiledRule, RuleError, parse_rule


def runs_sandboxed(command: str, tool_input: Mapping[str, Any], ctx: PermissionContext) -> bool:
    """Whether this Bash call would run inside the session's sandbox."""
    gate = ctx.sandbox
    if gate is None:
        return False
    if tool_input.get(DISABLE_KEY) is True and gate.allow_unsandboxed:
        return False
    return not excluded(command, gate, ctx)


def excluded(command: str, gate: SandboxGate, ctx: PermissionContext) -> bool:
    """Whether any simple command of ``command`` is one of ``excludedCommands``."""
    if not gate.excluded:
        return False
    from corral.permissions._bash import rule_texts
    from corral.permissions.shell import analyze

    rules = _compiled(gate.excluded)
    analysis = analyze(command, ctx.home, ctx.cwd)
    texts = [command] + [t for cmd in analysis.commands for t in rule_texts(cmd)]
    return any(rule.matches_bash(texts) for rule in rules)


@lru_cache(maxsize=64)
def _compiled(patterns: tuple[str, ...]) -> tuple[CompiledRule, ...]:
    out: list[CompiledRule] = []
    for i, pattern in enumerate(patterns):
        # a bare program name stands for every command of that program
        variants = [pattern] if any(c in pattern for c in " *:") else [pattern, f"{pattern} *"]
        for text in variants:
            try:
                out.append(parse_rule(f"Bash({text})", "allow", "sandbox.excluded_commands",
                                      index=i)[1])
            except RuleError:
                continue
    return tuple(out)


def sandbox_part(base: Part, command: str, ctx: PermissionContext, mode: Mode) -> Part:
    """``base`` (the analyzer's verdict), lifted to allow when the sandbox makes it moot."""
    if base.verdict != "ask" or base.tier != "mode" or base.keep_in_sandbox or mode == "plan":
        return base
    from corral.permissions.shell import analyze  # sandboxed is imported by the Bash tool

    if analyze(command, ctx.home, ctx.cwd).problems and _has_bash_rules(ctx):
        return base
    return Part("allow", "sandbox", "runs in the OS sandbox, which confines it (without it: "
                f"{base.reason})")


def _has_bash_rules(ctx: PermissionContext) -> bool:
    for kind in ("deny", "ask"):
        if rules_of(ctx, kind, "Bash", "bash") or ctx.managed.for_tool(kind, "Bash", "bash"):
            return True
    return False
