"""Entering coordinator mode, and delivering what arrived for a session before each request.

In coordinator mode the main session keeps only the coordinator tools and a few read-only
ones; the full tool set is kept in the worker pool for the workers. Before each model
request, the coordinator's waiting worker notifications (and a worker's follow-ups from the
coordinator) are appended to the newest user message, the way the kernel adds background-job
notices, so each arrives exactly once and stays in the conversation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from corral.api import Notice

from corral_coordinator._state import catalogue_of, state_of
from corral_coordinator.coordinator_tools import COORDINATOR_TOOL_NAMES

if TYPE_CHECKING:
    from corral.api import Session

    from corral_coordinator.settings import Settings


def enter(session: Session, settings: Settings) -> None:
    from corral_coordinator.workers import WorkerPool

    full = dict(session.tools)
    keep = {*settings.coordinator_tools, *COORDINATOR_TOOL_NAMES}
    state_of(session).pool = WorkerPool(session, full)
    session.set_tools({n: t for n, t in full.items() if n in keep})


def hide_coordinator_tools(session: Session) -> None:
    if any(n in session.tools for n in COORDINATOR_TOOL_NAMES):
        session.set_tools({n: t for n, t in session.tools.items()
                           if n not in COORDINATOR_TOOL_NAMES})


async def report_agent_files(session: Session) -> None:
    for problem in catalogue_of(session).problems:
        await session.emit(Notice(level="warning", text=f"agent file skipped: {problem}",
                                  data={"kind": "agent_file_error", "path": problem.path,
                                        "line": problem.line}))


async def deliver(session: Session, request: dict[str, Any]) -> None:
    """Append what waits for ``session`` to its newest user message, in the conversation and
    in ``request``."""
    from corral_coordinator.notify import notifications_text

    if not session.messages or session.messages[-1]["role"] != "user":
        return
    state = state_of(session)
    text = ""
    if state.pool is not None and state.pool.pending:
        notes = state.pool.take()
        text = notifications_text(notes)
        kind, ids = "worker_notifications_delivered", [n.worker_id for n in notes]
    elif state.root is not None:
        pool = state_of(state.root).pool
        worker = pool.by_session.get(session.id) if pool is not None else None
        if worker is not None and worker.inbox:
            text = "\n\n".join(f"<coordinator-message>\n{m}\n</coordinator-message>"
                               for m in worker.inbox)
            worker.inbox.clear()
            kind, ids = "worker_messages_delivered", [worker.id]
    if not text:
        return
    from corral.api import with_last_user_breakpoint

    await session.add_context(text, source="coordinator")  # kept in the transcript for -c
    request["messages"] = with_last_user_breakpoint(session.messages)
    await session.emit(Notice(text=f"delivered to the model: {kind.replace('_', ' ')}",
                              data={"kind": kind, "workers": ids, "text": text}))
