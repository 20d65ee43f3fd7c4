"""Hook output waiting for the next message that enters the conversation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from corral.stash import StashKey

if TYPE_CHECKING:
    from corral.session import Session

_CONTEXT: StashKey[list[str]] = StashKey("cmdhooks_context")


def add_pending_context(session: Session, texts: list[str]) -> None:
    """Keep ``texts`` for the next message that enters the conversation."""
    session.stash.setdefault(_CONTEXT, []).extend(texts)


def has_pending_context(session: Session) -> bool:
    """Whether texts are kept for the next message."""
    return _CONTEXT in session.stash


def take_pending_context(session: Session) -> list[str]:
    """The texts kept so far, once."""
    return session.stash.pop(_CONTEXT) or []
