"""UserPromptSubmit, Stop and SubagentStop: command hooks around a turn.

- UserPromptSubmit fires before a message enters the conversation. Exit 2, ``decision:
  "block"`` or ``continue: false`` stops the turn with the reason (the message is not
  added); ``additionalContext``, or plain stdout, is appended to the message.
- Stop fires when the model ends its reply (SubagentStop in a sub-agent's turn).
  ``decision: "block"`` with a ``reason`` (or exit 2 with stderr) makes the loop go on with
  that reason as a new user message. The hook sees ``stop_hook_active: true`` when the turn
  is already going on because of a Stop hook, and after :data:`MAX_STOP_CONTINUATIONS` such
  continuations in one turn the turn ends anyway. ``continue: false`` always ends it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from corral.cmdhooks._context import take_pending_context
from corral.cmdhooks.firing import fire, short_command
from corral.cmdhooks.presence import SUBAGENT_ORIGIN
from corral.events import Notice
from corral.stash import StashKey
from corral.verdicts import PromptVerdict

if TYPE_CHECKING:
    from corral.session import Session

#: How many times Stop hooks may send the model back to work within one turn.
MAX_STOP_CONTINUATIONS = 8
#: Set once SubagentStart fired for a sub-agent session.
_STARTED: StashKey[bool] = StashKey("subagent_started")


async def user_prompt_submit(session: Session, prompt: str) -> PromptVerdict:
    """Fire UserPromptSubmit for ``prompt``. The verdict's context also holds what
    SessionStart hooks left for the first message."""
    runs = await fire(session, "UserPromptSubmit", {"prompt": prompt})
    reasons: list[str] = []
    context: list[str] = []
    for run in runs:
        reply = run.reply
        if run.blocks:
            reasons.append(run.block_reason)
        elif reply is not None:
            if reply.decision == "block":
                reasons.append(reply.reason or f"blocked by hook {short_command(run.hook.command)}")
            elif not reply.continue_:
                reasons.append(reply.stop_reason
                               or f"stopped by hook {short_command(run.hook.command)}")
            spec = reply.hook_specific_output
            if spec is not None and spec.additional_context:
                context.append(spec.additional_context)
        elif run.problem is None and run.text:
            context.append(run.text)
    if reasons:
        return PromptVerdict(blocked=True, reason="; ".join(reasons))
    pending = take_pending_context(session)
    return PromptVerdict(context=[*pending, *context])


async def stop(session: Session, stop_hook_active: bool) -> str | None:
    """Fire Stop; return the reason to keep going, or ``None`` to let the model stop."""
    return await _stop_event(session, "Stop", stop_hook_active)


async def subagent_stop(session: Session, stop_hook_active: bool) -> str | None:
    """Fire SubagentStop (a sub-agent finished); return the reason to keep it going, or
    ``None``. The turn loop already fires it for turns whose origin is
    :data:`SUBAGENT_ORIGIN`."""
    return await _stop_event(session, "SubagentStop", stop_hook_active)


async def subagent_start(session: Session) -> None:
    """Fire SubagentStart once for a sub-agent session, before its first turn: ``agent_id``
    (its session id), ``agent_type`` (its definition's name, the matcher's value), and the
    parent's ``session_id``. The turn loop calls it for turns whose origin is
    :data:`SUBAGENT_ORIGIN`."""
    if session.stash.get(_STARTED) is not None:
        return
    session.stash[_STARTED] = True
    agent_type = session.agent or ""
    fields = {"session_id": session.parent_id or session.id, "agent_id": session.id,
              "agent_type": agent_type}
    await fire(session, "SubagentStart", fields, match=agent_type)


async def _stop_event(session: Session, event: str, active: bool) -> str | None:
    runs = await fire(session, event, {"stop_hook_active": active})
    reasons: list[str] = []
    for run in runs:
        reply = run.reply
        if reply is not None and not reply.continue_:
            return None
        if run.blocks:
            reasons.append(run.block_reason)
        elif reply is not None and reply.decision == "block":
            if reply.reason:
                reasons.append(reply.reason)
            else:
                await session.emit(Notice(
                    level="warning",
                    text=f"hook {event} {short_command(run.hook.command)}: decision \"block\" "
                    "needs a reason (what the model should do next); ignored",
                    data={"hook_event": event, "command": run.hook.command},
                ))
    return "\n".join(reasons) or None


async def stop_check(session: Session, origin: str, continued: int) -> str | None:
    """Fire Stop (SubagentStop when ``origin`` is :data:`SUBAGENT_ORIGIN`) as the model
    stops within a turn that stop hooks already sent back ``continued`` times: the reason to
    keep going (the next user message), or ``None``. Past :data:`MAX_STOP_CONTINUATIONS`
    the turn ends anyway, with a warning."""
    event = "SubagentStop" if origin == SUBAGENT_ORIGIN else "Stop"
    reason = await _stop_event(session, event, continued > 0)
    if reason is None:
        return None
    if continued >= MAX_STOP_CONTINUATIONS:
        await session.emit(Notice(
            level="warning",
            text=f"{event} hooks sent the model back {continued} times in one "
            "turn; the turn ends now (check stop_hook_active in the hook to avoid loops)",
            data={"hook_event": event, "continuations": continued},
        ))
        return None
    return reason
