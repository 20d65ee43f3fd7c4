"""Whether a session's shell commands run sandboxed, and what a run says when they cannot:
light enough for start-up (the backend's detection only, no policy, no launcher)."""

from __future__ import annotations

import asyncio
import weakref
from typing import TYPE_CHECKING, Any

import msgspec

from corral.sandbox.detect import Availability, detect
from corral.stash import StashKey

if TYPE_CHECKING:
    from corral.config.schema import Config
    from corral.session import Session


class SandboxStatus(msgspec.Struct, frozen=True, kw_only=True):
    """Whether shell commands run sandboxed, and why (or why not)."""

    on: bool
    reason: str
    availability: Availability
    #: Off because the configuration (or ``--no-sandbox``) says so, not for want of a backend.
    by_config: bool = False


def status(config: Config) -> SandboxStatus:
    settings = config.sandbox
    found = detect(settings.enable_weaker_nested_sandbox)
    if settings.enabled is False:
        return SandboxStatus(on=False, reason="turned off by configuration or --no-sandbox",
                             availability=found, by_config=True)
    if found.backend is None:
        return SandboxStatus(on=False, reason=f"no sandbox available: {found.problem}",
                             availability=found)
    return SandboxStatus(on=True, reason=f"{found.backend} at {found.path}", availability=found)


_NOTIFIED: weakref.WeakSet[Any] = weakref.WeakSet()


def unavailable_notice(session: Session) -> str | None:
    """The one-line "commands run unsandboxed" notice, the first time it is asked for in a
    run (an app) whose sandbox is wanted but missing; ``None`` otherwise."""
    if session.app in _NOTIFIED:
        return None
    _NOTIFIED.add(session.app)
    st = status(session.config)
    if st.on or st.by_config:
        return None
    return f"corral: shell commands run without a sandbox ({st.reason})"


#: The event loop a session runs in, from its start to its end: what the session keeps
#: running between tool calls (a sandbox started ahead) is bound to it.
SESSION_LOOP: StashKey[asyncio.AbstractEventLoop] = StashKey("session_loop")
