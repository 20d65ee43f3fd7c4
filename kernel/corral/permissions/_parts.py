"""Partial verdicts the chain combines into one :class:`Decision`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import msgspec

from corral.permissions.context import PermissionContext
from corral.permissions.decision import Decision, Tier, Verdict
from corral.permissions.rules import CompiledRule, RuleKind, ToolKind

_RANK = {"allow": 0, "ask": 1, "deny": 2}


class Part(msgspec.Struct, frozen=True):
    verdict: Verdict
    tier: Tier
    reason: str
    rule: CompiledRule | None = None
    #: A hook's allow may lift this ask (a plain mode ask on a fully understood call).
    liftable: bool = False
    #: Who decided when no rule did (``plugin:<name>`` for a hook vote).
    source: str | None = None
    #: An ask the OS sandbox does not make moot (a read outside the working directories, a
    #: secret file): it stays an ask for sandboxed shell commands.
    keep_in_sandbox: bool = False

    def decision(self, details: tuple[str, ...] = ()) -> Decision:
        rule = self.rule.rule if self.rule is not None else None
        return Decision(
            decision=self.verdict,
            tier=self.tier,
            reason=self.reason,
            rule=rule.text if rule is not None else None,
            source=rule.source if rule is not None else self.source,
            details=details,
        )


def strictest(parts: Iterable[Part]) -> Part | None:
    """The first deny, else the first ask the sandbox keeps, else the first ask, else the
    first allow (None when empty)."""
    best: Part | None = None
    for p in parts:
        if best is None or _RANK[p.verdict] > _RANK[best.verdict] or (
                p.verdict == best.verdict == "ask" and p.keep_in_sandbox
                and not best.keep_in_sandbox):
            best = p
    return best


def rules_of(ctx: PermissionContext, kind: RuleKind, tool: str,
             tool_kind: ToolKind) -> Sequence[CompiledRule]:
    """Settings rules of ``kind`` for a tool, managed allow rules first for ``allow``."""
    settings: Sequence[CompiledRule] = (
        () if ctx.managed_rules_only else ctx.rules.for_tool(kind, tool, tool_kind)
    )
    if kind == "allow":
        managed = ctx.managed.for_tool("allow", tool, tool_kind)
        return (*managed, *settings) if managed else settings
    return settings


def first_match(rules: Sequence[CompiledRule],
                test: Callable[[CompiledRule], bool]) -> CompiledRule | None:
    for r in rules:
        if test(r):
            return r
    return None


def rule_part(ctx: PermissionContext, tool: str, tool_kind: ToolKind,
              test: Callable[[CompiledRule], bool], what: str) -> Part | None:
    """The settings deny rule, else ask rule, matching ``test``; ``what`` names the call."""
    for kind in ("deny", "ask"):
        hit = first_match(rules_of(ctx, kind, tool, tool_kind), test)
        if hit is not None:
            verdict: Verdict = "deny" if kind == "deny" else "ask"
            return Part(verdict, "rule", f"{what} matches {kind} rule {hit.rule.text!r}", hit)
    return None


def allow_rule(ctx: PermissionContext, tool: str, tool_kind: ToolKind,
               test: Callable[[CompiledRule], bool]) -> CompiledRule | None:
    return first_match(rules_of(ctx, "allow", tool, tool_kind), test)


def allow_tier(ctx: PermissionContext, rule: CompiledRule) -> Tier:
    """``managed`` for a managed-policy allow rule, else ``rule``."""
    return "managed" if any(rule is c for c in ctx.managed.compiled) else "rule"
