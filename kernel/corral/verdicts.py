"""What a plugin answers the kernel at the points where it may stop or steer a turn.

The kernel's command hooks (:mod:`corral.internal_plugins.command_hooks`) answer with these
like any other plugin: a message that should not enter the conversation
(:class:`PromptVerdict`), a tool call to vote on before the chain decides
(:class:`ToolVerdict`), a call that would ask the user (:class:`PermissionAnswer`). A
plugin ends the turn after the current round with :func:`request_halt`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec

from corral.messages import with_text
from corral.stash import StashKey

if TYPE_CHECKING:
    from corral.permissions.decision import Decision, Verdict, Vote
    from corral.session import Session


class PromptVerdict(msgspec.Struct, frozen=True, kw_only=True):
    """What a plugin says about a message before it enters the conversation."""

    blocked: bool = False
    #: Why the message was blocked.
    reason: str = ""
    #: Text to add to the message (as one ``<hook-context>`` block).
    context: list[str] = msgspec.field(default_factory=list)


def with_context(content: str | list[dict[str, Any]],
                 context: list[str]) -> str | list[dict[str, Any]]:
    """``content`` with the verdicts' context appended as one ``<hook-context>`` block."""
    if not context:
        return content
    text = "\n\n".join(context)
    return with_text(content, f"<hook-context>\n{text}\n</hook-context>")


class ToolVerdict(msgspec.Struct):
    """What a plugin says about a tool call before the permission chain decides it.

    ``votes`` join the plugins' votes in the chain's hook tier under their own names; when
    ``invalid`` is set the call is denied with it as the reason. :meth:`annotate` may
    rewrite the chain's decision's source or reason (say who decided)."""

    votes: list[tuple[str, Vote]] = msgspec.field(default_factory=list)
    invalid: str | None = None
    #: ``False`` when an ask this verdict added must hold: no permission-request answer
    #: may turn it into an allow (a deny still stands).
    lets_ask_be_answered: bool = True

    def annotate(self, decision: Decision) -> Decision:
        return decision


class PermissionAnswer(msgspec.Struct, frozen=True, kw_only=True):
    """A plugin's answer for a call that would ask the user."""

    decision: Verdict
    reason: str
    #: Who answered (a settings file, a plugin), shown as the decision's source.
    source: str


#: Why a plugin asked to end the turn, until the turn loop takes it.
_HALT: StashKey[str] = StashKey("halt")


def request_halt(session: Session, reason: str) -> None:
    """End the current turn after the tool calls of this round (the first reason wins)."""
    session.stash.setdefault(_HALT, reason)


def take_halt(session: Session) -> str | None:
    """The reason a plugin asked to end the turn, once; ``None`` when none did."""
    return session.stash.pop(_HALT)
