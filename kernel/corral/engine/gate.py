"""Where the engine meets the permission chain: every tool call is decided here, once.

The chain itself (:mod:`corral.permissions.chain`) is pure and synchronous; this module builds
its context from the session's configuration, collects the plugins' votes, and turns an
``ask`` into the interactive prompt, or into a deny when nobody can be asked.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from corral.permissions.decision import Decision
from corral.stash import StashKey

if TYPE_CHECKING:
    from corral.permissions.context import PermissionContext
    from corral.session import Session
    from corral.tools.base import Tool, ToolCall

_CTX_KEY = "permission_context"
#: Allow rules that hold for the current turn only, as ``(rule, source)`` (a custom
#: command's ``allowed-tools``).
TURN_ALLOW: StashKey[list[tuple[str, str]]] = StashKey("turn_allow")


def permission_context(session: Session) -> PermissionContext:
    """The session's permission context (rules, locks, directories), built once."""
    from corral.permissions.context import PermissionContext

    cached: PermissionContext | None = session.tool_state.get(_CTX_KEY)
    if cached is not None:
        if cached.mode != session.permission_mode:
            cached = cached.with_mode(session.permission_mode)  # type: ignore[arg-type]
            session.tool_state[_CTX_KEY] = cached
        return cached
    loaded = session.app.loaded
    managed_sources = {layer.source for layer in loaded.layers if layer.name == "managed"}
    rules: list[tuple[str, str, str, str | None]] = []
    managed: list[tuple[str, str, str, str | None]] = []
    for kind, rule, source, root in loaded.rule_sources():
        (managed if source in managed_sources else rules).append((kind, rule, source, root))
    for rule, source in session.stash.get(TURN_ALLOW) or []:
        rules.append(("allow", rule, source, str(session.cwd)))
    locks: dict[str, bool] = {"disable_bypass_mode": False, "managed_rules_only": False}
    for layer in loaded.layers:
        perms = layer.data.get("permissions") or {}
        # any layer may lock bypass mode away (a lock only tightens); only the managed
        # policy can say that its rules alone count
        if perms.get("disable_bypass_mode"):
            locks["disable_bypass_mode"] = True
        if layer.name == "managed" and perms.get("managed_rules_only"):
            locks["managed_rules_only"] = True
    config = session.config.permissions
    ctx, errors = PermissionContext.build(
        str(session.cwd),
        rules,
        managed=managed,
        mode=session.permission_mode,  # type: ignore[arg-type]
        additional_directories=config.additional_directories,
        home=os.path.expanduser("~"),
        secret_files=config.secret_files,
        **locks,
    )
    for error in errors:
        session.hooks.warn(f"corral: warning: {error}")
    session.tool_state[_CTX_KEY] = ctx
    return ctx


def reset_permission_context(session: Session) -> None:
    """Build the context again on next use (the rules in force changed)."""
    session.tool_state.pop(_CTX_KEY, None)


def removed_tools(session: Session, names: list[str]) -> set[str]:
    """Tools a bare-name deny rule takes away from the model."""
    from corral.permissions.chain import tool_is_denied_outright

    ctx = permission_context(session)
    return {name for name in names if tool_is_denied_outright(name, ctx)}


async def decide_call(session: Session, call: ToolCall, tool: Tool | None = None) -> Decision:
    """The one decision function every tool call goes through.

    PreToolUse command hooks run first: their votes join the plugins' in the hook tier, and
    an ``updatedInput`` replaces ``call.input`` (validated) before anything is decided."""
    from corral import cmdhooks
    from corral.permissions.chain import decide

    ctx = permission_context(session)
    if tool is not None and ctx.kind_of(call.name) == "other":
        # a plugin tool the chain has no kind for: read-only (for this input) or not
        kind = "readonly" if tool.is_read_only(call.input) else "other"
        ctx = ctx.with_tools({call.name: kind})  # type: ignore[dict-item]
    pre = await cmdhooks.pre_tool_use(session, call, tool)
    if pre.invalid is not None:
        return Decision(decision="deny", tier="hook", reason=pre.invalid)
    votes = await session.hooks.check_permission(session, call)
    decision = pre.annotate(decide(call, ctx, [*votes, *pre.votes]))
    if decision.decision != "ask":
        return decision
    if session.ask_permission is None:
        return Decision(
            decision="deny",
            tier=decision.tier,
            rule=decision.rule,
            source=decision.source,
            reason=f"{decision.reason}; nobody can be asked in a headless run (allow it with a "
            f"rule, --allowedTools or --permission-mode)",
        )
    await cmdhooks.notify(session, f"corral needs your permission to use {call.name}")
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
    session.tool_state.pop(_CTX_KEY, None)
    session.app.reload_config()
    return ", ".join(rules)
