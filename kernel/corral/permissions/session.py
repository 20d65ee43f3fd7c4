"""The permission context of one session: built from its configuration, kept in its stash.

Used by the engine's gate (every tool call), by custom commands (allow rules for one turn)
and by whoever builds a session's tool set (tools a bare-name deny rule removes are never
shown to the model).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from corral.permissions.context import PermissionContext, tool_is_denied_outright
from corral.stash import StashKey

if TYPE_CHECKING:
    from corral.session import Session

#: The session's permission context, built on first use.
PERMISSION_CONTEXT: StashKey[PermissionContext] = StashKey("permission_context")
#: Allow rules that hold for the current turn only, as ``(rule, source)`` (a custom
#: command's ``allowed-tools``).
TURN_ALLOW: StashKey[list[tuple[str, str]]] = StashKey("turn_allow")


def permission_context(session: Session) -> PermissionContext:
    """The session's permission context (rules, locks, directories), built once."""
    cached = session.stash.get(PERMISSION_CONTEXT)
    if cached is not None:
        if cached.mode != session.permission_mode:
            cached = cached.with_mode(session.permission_mode)  # type: ignore[arg-type]
            session.stash[PERMISSION_CONTEXT] = cached
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
    session.stash[PERMISSION_CONTEXT] = ctx
    return ctx


def reset_permission_context(session: Session) -> None:
    """Build the context again on next use (the rules in force changed)."""
    session.stash.pop(PERMISSION_CONTEXT)


def removed_tools(session: Session, names: list[str]) -> set[str]:
    """Tools a bare-name deny rule takes away from the model."""
    ctx = permission_context(session)
    return {name for name in names if tool_is_denied_outright(name, ctx)}
