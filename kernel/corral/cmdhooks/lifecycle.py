"""SessionStart, SessionEnd, PreCompact and Notification: command hooks that inform.

None of them can block. SessionStart's ``additionalContext`` (or plain stdout) is added to
the session's next user message. Matchers select by ``source`` (SessionStart: ``startup``,
``resume``, ``clear``), ``reason`` (SessionEnd), ``trigger`` (PreCompact: ``manual``,
``auto``) and ``notification_type`` (Notification: ``permission_prompt`` …).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from corral.cmdhooks._context import add_pending_context
from corral.cmdhooks.env_file import remove_env_dir
from corral.cmdhooks.firing import drain_background, fire

if TYPE_CHECKING:
    from corral.session import Session


async def session_start(session: Session, source: str) -> None:
    """Fire SessionStart (``source``: startup, resume, clear or compact)."""
    await _fire_for_context(session, "SessionStart", {"source": source}, source)


async def setup(session: Session, trigger: str) -> None:
    """Fire Setup (``trigger``: ``init`` for ``--init`` / ``--init-only``, ``maintenance``
    for ``--maintenance``), before the session starts. Its hooks get ``CLAUDE_ENV_FILE``;
    ``additionalContext`` (or plain stdout) joins the first user message."""
    await _fire_for_context(session, "Setup", {"trigger": trigger}, trigger)


async def _fire_for_context(session: Session, event: str, fields: dict[str, str],
                            match: str) -> None:
    """Fire ``event``; keep its hooks' ``additionalContext`` (or plain stdout) for the next
    user message."""
    runs = await fire(session, event, fields, match=match)
    context: list[str] = []
    for run in runs:
        spec = run.specific
        if spec is not None and spec.additional_context:
            context.append(spec.additional_context)
        elif run.reply is None and run.problem is None and run.text:
            context.append(run.text)
    if context:
        add_pending_context(session, context)


async def session_end(session: Session, reason: str) -> None:
    """Fire SessionEnd (``reason``: clear, logout, prompt_input_exit or other)."""
    await fire(session, "SessionEnd", {"reason": reason}, match=reason)


async def pre_compact(session: Session, trigger: str, custom_instructions: str = "") -> None:
    """Fire PreCompact before the conversation is compacted (``trigger``: manual or auto)."""
    fields = {"trigger": trigger, "custom_instructions": custom_instructions}
    await fire(session, "PreCompact", fields, match=trigger)


async def notify(session: Session, message: str,
                 notification_type: str = "permission_prompt") -> None:
    """Fire Notification: corral is waiting for the user (a permission prompt, idle input)."""
    fields = {"message": message, "notification_type": notification_type}
    await fire(session, "Notification", fields, match=notification_type)


async def finish(session: Session) -> None:
    """A session is over (any session, a sub-agent's too): background hooks get their grace
    period, and the session's ``CLAUDE_ENV_FILE`` goes."""
    try:
        await drain_background(session)
    finally:
        remove_env_dir(session)
