"""A session's lifecycle: its tools, its transcript, its start and its end.

:class:`corral.session.Session` is plain state; what a session does when it starts or ends
lives here, and the session reaches it through ``session.app.lifecycle`` (an object, not an
import), so ``session.py`` imports nothing above it.
"""

from __future__ import annotations

import asyncio
import sys
from typing import TYPE_CHECKING

from corral.engine.cleanup import start_cleanup
from corral.engine.transcript import Transcript, project_dir
from corral.events import SessionEnded, SessionStarted
from corral.hints import save_code_cache
from corral.permissions.session import removed_tools
from corral.sandbox.status import SESSION_LOOP
from corral.tools.registry import collect_tools

if TYPE_CHECKING:
    from corral.session import Session
    from corral.tools.base import Tool


class Lifecycle:
    """What the kernel does for every session: one per :class:`~corral.app.App`."""

    def build_tools(self, session: Session) -> dict[str, Tool]:
        """The session's tools by name (every plugin's, the kernel's built-in ones
        included), minus those a bare-name deny rule removes, so the model never sees them."""
        tools = collect_tools(session)
        removed = removed_tools(session, list(tools))
        return {name: tool for name, tool in tools.items() if name not in removed}

    def open_transcript(self, session: Session) -> None:
        """Record the session's events in ``<project transcripts>/<session id>.jsonl``."""
        session.transcript = Transcript(project_dir(session.cwd) / f"{session.id}.jsonl")

    async def start(self, session: Session, source: str | None = None) -> None:
        """Announce the session: the event, then ``corral_session_start`` (SessionStart
        command hooks last; a sub-agent's session fires none). ``source`` is startup,
        resume or clear; by default ``resume`` when it has messages."""
        session.stash[SESSION_LOOP] = asyncio.get_running_loop()
        if session.parent_id is None:
            keep = frozenset() if session.transcript is None else frozenset(
                {session.transcript.path, session.transcript.hook_path})
            start_cleanup(session.config.cleanup_period_days, keep)
        await session.emit(SessionStarted(session_id=session.id, cwd=str(session.cwd)))
        await session.hooks.session_start(
            session, source or ("resume" if session.messages else "startup"))

    async def end(self, session: Session, reason: str = "other") -> None:
        """Close the session: ``corral_session_end`` with ``reason`` (clear, logout,
        prompt_input_exit, other; SessionEnd command hooks first, then the kernel's
        background jobs end; a sub-agent's session fires no command hooks), the event, the
        sandbox's proxy and temp dir, then the transcript."""
        try:
            await session.hooks.session_end(session, reason)
            await session.emit(SessionEnded(session_id=session.id))
        finally:
            # after the background jobs (ended by corral_session_end): the proxy and the
            # session's sandbox temp dir go
            session.stash.pop(SESSION_LOOP)
            if "corral.sandbox.runtime" in sys.modules:  # else no command ever ran
                from corral.sandbox.runtime import close_sandbox

                await close_sandbox(session)
            if session.transcript is not None:
                session.transcript.close()
            # what this process compiled of its Structs' annotations, for the next one
            # (here rather than on the way to the first request)
            save_code_cache()
