"""Permission requests of the daemon's turns, queued for a person instead of refused.

A daemon session has no terminal to ask at. :class:`PermissionQueue` is its
``session.ask_permission``: a call the kernel's chain would ``ask`` about becomes a pending
request, announced to every bridge subscriber (the web page, ``corral kairos attach``), and
the turn waits until one of them answers (allow once, always, deny) or ``permission_timeout_s``
passes, when it is denied and the daily log says so. A timeout of 0 denies at once.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

import msgspec

if TYPE_CHECKING:
    from corral.api import Decision, ToolCall

Answer = Literal["allow", "always", "deny"]
ANSWERS: tuple[str, ...] = ("allow", "always", "deny")


class PendingPermission(msgspec.Struct, kw_only=True):
    """One question waiting for a person; sent to subscribers as ``permission_request``."""

    id: str
    tool: str
    tool_use_id: str
    input: dict[str, Any]
    reason: str
    origin: str
    asked_at: float
    expires_at: float
    agent: str | None = None


class PermissionQueue:
    """The questions the daemon's turns are waiting on, and their answers."""

    def __init__(self, timeout_s: float, *, announce: Callable[[dict[str, Any]], None],
                 note: Callable[[str], None], origin: Callable[[], str],
                 clock: Callable[[], float] = time.time) -> None:
        self.timeout_s = timeout_s
        self.announce = announce
        self.note = note
        self.origin = origin
        self.clock = clock
        self._ids = itertools.count(1)
        self._waiting: dict[str, tuple[PendingPermission, asyncio.Future[tuple[str, str]]]] = {}

    def pending(self) -> list[PendingPermission]:
        return [item for item, _ in self._waiting.values()]

    async def ask(self, call: ToolCall, decision: Decision) -> tuple[str, str]:
        """``session.ask_permission``: wait for an answer, or deny after the timeout."""
        what = _describe(call.name, call.input)
        if self.timeout_s <= 0:
            self.note(f"permission for {what} denied: nobody is asked (permission_timeout_s = 0)")
            return "deny", "nobody can be asked (permission_timeout_s = 0)"
        now = self.clock()
        item = PendingPermission(
            id=f"p{next(self._ids)}", tool=call.name, tool_use_id=call.id, input=call.input, reason=decision.reason,
            origin=self.origin(), asked_at=now, expires_at=now + self.timeout_s, agent=call.agent,
        )
        future: asyncio.Future[tuple[str, str]] = asyncio.get_running_loop().create_future()
        self._waiting[item.id] = (item, future)
        self.announce({"permission_request": msgspec.to_builtins(item)})
        outcome = "cancelled"
        try:
            answer, message = await asyncio.wait_for(future, self.timeout_s)
            outcome = answer
            return answer, message
        except TimeoutError:
            outcome = "timeout"
            self.note(f"permission for {what} ({item.origin} turn) denied: nobody answered "
                      f"within {self.timeout_s:g}s")
            return "deny", f"nobody answered within {self.timeout_s:g}s"
        finally:
            self._waiting.pop(item.id, None)
            self.announce({"permission_resolved": {"id": item.id, "answer": outcome}})

    def answer(self, request_id: str, answer: str, by: str, message: str = "") -> str | None:
        """Answer a pending request; the error, or ``None`` when it was taken."""
        if answer not in ANSWERS:
            return f"answer must be one of {', '.join(ANSWERS)}, not {answer!r}"
        found = self._waiting.get(request_id)
        if found is None or found[1].done():
            return f"no pending permission request {request_id!r} (answered, timed out or gone)"
        item, future = found
        future.set_result((answer, message))
        self.note(f"permission for {_describe(item.tool, item.input)} ({item.origin} turn): "
                  f"{answer}, answered from {by}")
        return None

    def cancel_all(self) -> None:
        for _, future in list(self._waiting.values()):
            if not future.done():
                future.set_result(("deny", "the daemon is stopping"))


def _describe(tool: str, data: dict[str, Any]) -> str:
    for key in ("file_path", "notebook_path", "command", "url", "pattern", "path"):
        value = data.get(key)
        if isinstance(value, str) and value:
            return f"{tool} {value[:120]}"
    return tool
