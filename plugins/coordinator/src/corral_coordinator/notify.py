"""Worker notifications: what the coordinator is told when a worker's run ends.

A notification is a structured record (also emitted as a ``notice`` event for the UI and the
transcript) and a text block the coordinator model reads, delivered once: appended to the
next request's newest user message, returned by ``WaitWorkers``, or offered through
``corral_idle`` while the REPL waits for input.
"""

from __future__ import annotations

import msgspec

#: Characters of a worker's answer kept in the notification text.
RESULT_LIMIT = 20_000


class WorkerNotification(msgspec.Struct, frozen=True, kw_only=True):
    """How one run of a worker ended."""

    worker_id: str
    agent: str
    description: str
    #: ``completed`` | ``failed`` | ``stopped``
    status: str
    #: One line: what happened, for the status area and the log.
    summary: str
    #: The worker's final answer, or why it failed.
    result: str
    #: ``passed``, ``passed after N retries``, ``failed``, or ``""`` (no gate configured).
    gate: str = ""
    num_turns: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float | None = None
    duration_ms: float = 0.0
    #: File conflicts this run met (another worker held the file).
    conflicts: list[str] = msgspec.field(default_factory=list)
    #: For a worktree worker: how merging its changes back went.
    merge: str = ""

    def text(self) -> str:
        cost = "unknown" if self.cost_usd is None else f"${self.cost_usd:.4f}"
        lines = [
            f'<worker-notification id="{self.worker_id}" status="{self.status}">',
            f"agent: {self.agent}",
            f"task: {self.description}",
            f"summary: {self.summary}",
            f"usage: {self.num_turns} model requests, {self.input_tokens} input / "
            f"{self.output_tokens} output tokens, cost {cost}, "
            f"{self.duration_ms / 1000:.1f} s",
        ]
        if self.gate:
            lines.append(f"quality gate: {self.gate}")
        lines += [f"conflict: {c}" for c in self.conflicts]
        if self.merge:
            lines.append(f"merge: {self.merge}")
        result = self.result[-RESULT_LIMIT:]
        lines += ["<result>", result, "</result>", "</worker-notification>"]
        return "\n".join(lines)


def notifications_text(notes: list[WorkerNotification]) -> str:
    return "\n\n".join(n.text() for n in notes)
