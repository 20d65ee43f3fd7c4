"""Where the engine meets the permission chain: every tool call is decided here, once.

The chain itself (:mod:`corral.permissions.chain`) is pure and synchronous; this module builds
its context from the session's configuration, collects the plugins' votes, and turns an
``ask`` into the interactive prompt, or into a deny when nobody can be asked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from corral.permissions.decision import Decision
from corral.permissions.session import permission_context, reset_permission_context

if TYPE_CHECKING:
    from corral.session import Session
    from corral.tools.base import Tool, ToolCall

async def decide_call(session: Session, call: ToolCall, tool: Tool | None = None) -> Decision:
    """The one decision function every tool call goes through.

    ``corral_before_tool`` runs first (PreToolUse command hooks answer there): its votes
    join the plugins' in the hook tier, and it may replace ``call.input`` (validated)
    before anything is decided."""
    from corral.permissions.chain import decide
    from corral.sandbox.runtime import sandboxed_context  # loaded by the first tool call

    ctx = sandboxed_context(session)
    if tool is not None and ctx.kind_of(call.name) == "other":
        # a plugin tool the chain has no kind for: read-only (for this input) or not
        kind = "readonly" if tool.is_read_only(call.input) else "other"
        ctx = ctx.with_tools({call.name: kind})  # type: ignore[dict-item]
    verdicts = await session.hooks.before_tool(session, call, tool)
    for verdict in verdicts:
        if verdict.invalid is not None:
            return Decision(decision="deny", tier="hook", reason=verdict.invalid)
    votes = await session.hooks.check_permission(session, call)
    decision = decide(call, ctx, [*votes, *(v for verdict in verdicts for v in verdict.votes)])
    for verdict in verdicts:
        decision = verdict.annotate(decision)
    if decision.decision != "ask":
        return decision
    hooked = await session.hooks.permission_request(session, call, ctx)
    if hooked is not None and (hooked.decision == "deny"
                               or all(v.lets_ask_be_answered for v in verdicts)):
        # a verdict that must keep its ask (an entry corral cannot run) is not lifted
        return Decision(decision=hooked.decision, tier="hook", reason=hooked.reason,
                        source=hooked.source)
    if session.ask_permission is None:
        return Decision(
            decision="deny",
            tier=decision.tier,
            rule=decision.rule,
            source=decision.source,
            reason=f"{decision.reason}; nobody can be asked in a headless run (allow it with a "
            f"rule, --allowedTools or --permission-mode)",
        )
    await session.hooks.notify(session, f"corral needs your permission to use {call.name}")
    answer, message = await session.ask_permission(call, decision)
    if answer == "allow":
        return Decision(decision="allow", tier="prompt", reason="allowed once by the user")
    if answer == "always":
        rule = remember_allow(session, call)
        return Decision(decision="allow", tier="prompt", rule=rule,
                        reason=f"allowed by the user; rule {rule!r} saved")
    reason = "denied by the user" + (f": {message}" if message else "")
    return Decision(decision="deny", tier="prompt", reason=reason)


def remember_allow(session: Session, call: ToolCall) -> str:
    """Save the narrowest allow rules for ``call`` in ``.claude/corral.local.toml`` (an
    atomic edit that keeps every other line) and apply them now; return them joined."""
    from corral import paths
    from corral.permissions import add_allow_rule, suggest_rules

    rules = suggest_rules(call, permission_context(session))
    target = paths.project_root(session.cwd) / ".claude" / "corral.local.toml"
    for rule in rules:
        add_allow_rule(target, rule)
    reset_permission_context(session)
    session.app.reload_config()
    return ", ".join(rules)
