"""Command hooks (the settings files' ``hooks`` table), wired to the session through the
same hooks as any plugin: the engine never calls :mod:`corral.cmdhooks` itself.

Order is part of the behaviour: SessionStart hooks run after the plugins' own
``corral_session_start`` (``trylast``), SessionEnd hooks before every other
``corral_session_end`` (``tryfirst``, and this plugin registers after the background jobs,
so it runs before they are killed), PostToolUse hooks see the result the plugins' own
``corral_after_tool`` left (``trylast``). A sub-agent's session (it has a ``parent_id``)
fires no SessionStart or SessionEnd hooks; every session's end lets background hooks
finish and removes its ``CLAUDE_ENV_FILE``.

When no configuration layer and no plugin gives a ``hooks`` table
(:func:`corral.cmdhooks.presence.configured`), every event would fire nothing: each
implementation then answers as an empty hook table would, without loading the hook
machinery.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from corral import hookimpl
from corral.cmdhooks._context import has_pending_context
from corral.cmdhooks.presence import SUBAGENT_ORIGIN, configured, left_behind

if TYPE_CHECKING:
    from corral.permissions.context import PermissionContext
    from corral.session import Session
    from corral.tools.base import Tool, ToolCall, ToolResult
    from corral.verdicts import PermissionAnswer, PromptVerdict, ToolVerdict


@hookimpl(trylast=True)
async def corral_session_start(session: Session, source: str) -> None:
    if session.parent_id is None and configured(session):
        from corral.cmdhooks import session_start

        await session_start(session, source)


@hookimpl(tryfirst=True)
async def corral_session_end(session: Session, reason: str) -> None:
    hooks = configured(session)
    if not hooks and not left_behind(session):
        return
    from corral.cmdhooks import finish, session_end

    if session.parent_id is None and hooks:
        await session_end(session, reason)
    await finish(session)  # every session: background hooks' grace, its CLAUDE_ENV_FILE


@hookimpl
async def corral_user_prompt(session: Session, text: str, origin: str) -> PromptVerdict | None:
    if origin == SUBAGENT_ORIGIN:
        if configured(session):
            from corral.cmdhooks import subagent_start

            await subagent_start(session)
        return None
    if not configured(session) and not has_pending_context(session):
        return None
    from corral.cmdhooks import user_prompt_submit

    return await user_prompt_submit(session, text)


@hookimpl
async def corral_before_stop(session: Session, origin: str, continued: int) -> str | None:
    if not configured(session):
        return None
    from corral.cmdhooks import stop_check

    return await stop_check(session, origin, continued)


@hookimpl
async def corral_before_compact(session: Session, trigger: str, instructions: str) -> None:
    if not configured(session):
        return
    from corral.cmdhooks import pre_compact

    await pre_compact(session, trigger, instructions)


@hookimpl
async def corral_notify(session: Session, message: str, kind: str) -> None:
    if not configured(session):
        return
    from corral.cmdhooks import notify

    await notify(session, message, kind)


@hookimpl
async def corral_before_tool(session: Session, call: ToolCall,
                             tool: Tool | None) -> ToolVerdict | None:
    if not configured(session):
        return None
    from corral.cmdhooks import pre_tool_use

    return await pre_tool_use(session, call, tool)


@hookimpl
async def corral_permission_request(session: Session, call: ToolCall,
                                    context: PermissionContext) -> PermissionAnswer | None:
    if not configured(session):
        return None
    from corral.cmdhooks import matching_hooks, permission_request

    if not matching_hooks(session, "PermissionRequest", call.name, call):
        return None
    from corral.permissions import suggest_rules

    return await permission_request(session, call, suggest_rules(call, context))


@hookimpl(trylast=True)
async def corral_after_tool(session: Session, call: ToolCall,
                            result: ToolResult) -> ToolResult | None:
    if not configured(session):
        return None
    from corral.cmdhooks import post_tool_use

    return await post_tool_use(session, call, result)
