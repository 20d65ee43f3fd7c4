"""The coordinator's tools: start a worker, send it a follow-up, stop it, wait for news.

They are offered only to the main agent in coordinator mode. Each marks itself read-only:
it changes nothing by itself, and every tool call of the workers it starts goes through the
permission chain on its own (the same reasoning that lets the Agent tool through).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

import msgspec
from corral.api import CorralError, Tool, ToolResult

from corral_coordinator._state import catalogue_of, settings_of, state_of
from corral_coordinator.notify import notifications_text

if TYPE_CHECKING:
    from corral.api import Session

    from corral_coordinator.workers import WorkerPool

COORDINATOR_TOOL_NAMES = ("SpawnWorker", "SendMessage", "StopWorker", "WaitWorkers")


class SpawnInput(msgspec.Struct, kw_only=True):
    description: Annotated[
        str, msgspec.Meta(description="A short (3-5 word) label for the worker's task.")
    ]
    prompt: Annotated[
        str,
        msgspec.Meta(description="The whole task. The worker sees nothing of this "
                     "conversation: name the files, the goal, the constraints, and what its "
                     "final answer must contain."),
    ]
    subagent_type: (
        Annotated[str, msgspec.Meta(description="Which agent the worker runs (default: the "
                                    "configured worker agent).")]
        | None
    ) = None
    model: Annotated[str, msgspec.Meta(description="Model alias or id for the worker.")] | None = (
        None
    )
    isolation: (
        Annotated[
            Literal["none", "worktree"],
            msgspec.Meta(description="'worktree': the worker edits its own git worktree, "
                         "merged back when it is done; 'none': it edits the shared folder."),
        ]
        | None
    ) = None


class SendInput(msgspec.Struct, kw_only=True):
    to: Annotated[str, msgspec.Meta(description="The worker's id, such as w1.")]
    message: Annotated[str, msgspec.Meta(description="What the worker should do next.")]


class StopInput(msgspec.Struct, kw_only=True):
    worker_id: Annotated[str, msgspec.Meta(description="The worker's id, such as w1.")]


class WaitInput(msgspec.Struct, kw_only=True):
    timeout_s: Annotated[
        float, msgspec.Meta(ge=0, description="Give up after this many seconds (0: no limit).")
    ] = 300.0


class _CoordinatorTool(Tool):
    read_only = True

    async def run(self, session: Session, params: Any) -> ToolResult:
        pool = state_of(session).pool
        if pool is None:
            return ToolResult(content="Workers exist only in coordinator mode.", is_error=True)
        try:
            return await self.act(session, pool, params)
        except CorralError as exc:
            return ToolResult(content=str(exc), is_error=True)

    async def act(self, session: Session, pool: WorkerPool, params: Any) -> ToolResult:
        raise NotImplementedError


class SpawnWorker(_CoordinatorTool):
    name = "SpawnWorker"
    description = (
        "Start a worker: an agent that does one task in the background while you go on. It "
        "returns at once with the worker's id; when the worker is done you get a "
        "<worker-notification> with its status, result and usage. Start several for "
        "independent tasks. Its result has passed the quality gate when it says so."
    )
    input_type = SpawnInput
    concurrency_safe = True

    async def act(self, session: Session, pool: WorkerPool, params: Any) -> ToolResult:
        assert isinstance(params, SpawnInput)
        settings = settings_of(session)
        catalogue = catalogue_of(session)
        name = params.subagent_type or settings.worker_agent
        definition = catalogue.get(name)
        if definition is None:
            known = ", ".join(sorted(catalogue.agents)) or "none"
            return ToolResult(content=f"Unknown subagent_type {name!r}. Available: {known}.",
                              is_error=True)
        worker = await pool.spawn(definition, params.prompt, description=params.description,
                                  model=params.model,
                                  isolation=params.isolation or settings.isolation)
        where = f" in its own worktree {worker.worktree.path}" if worker.worktree else ""
        return ToolResult(
            content=f"Worker {worker.id} ({definition.name}) started{where}. You will get a "
            "notification when it finishes; meanwhile start other workers or call WaitWorkers.",
            meta={"worker_id": worker.id, "session_id": worker.session.id},
        )


class SendMessage(_CoordinatorTool):
    name = "SendMessage"
    description = (
        "Send a worker a follow-up: more work, a correction, or an answer to its question. A "
        "finished or stopped worker resumes with its whole context; a busy one reads the "
        "message with its next step."
    )
    input_type = SendInput

    async def act(self, session: Session, pool: WorkerPool, params: Any) -> ToolResult:
        assert isinstance(params, SendInput)
        return ToolResult(content=await pool.send(params.to, params.message))


class StopWorker(_CoordinatorTool):
    name = "StopWorker"
    aliases = ("TaskStop",)
    description = (
        "Stop a busy worker (it went the wrong way, or its task is no longer needed). Its "
        "context is kept: SendMessage resumes it."
    )
    input_type = StopInput

    async def act(self, session: Session, pool: WorkerPool, params: Any) -> ToolResult:
        assert isinstance(params, StopInput)
        return ToolResult(content=await pool.stop(params.worker_id))


class WaitWorkers(_CoordinatorTool):
    name = "WaitWorkers"
    description = (
        "Wait until at least one worker finishes, and return the notifications that arrived. "
        "Returns at once when notifications are already waiting or no worker is busy. Call it "
        "when you have nothing else to do but wait; do not end your turn while workers you "
        "need are still busy."
    )
    input_type = WaitInput

    async def act(self, session: Session, pool: WorkerPool, params: Any) -> ToolResult:
        assert isinstance(params, WaitInput)
        notes = await pool.wait(params.timeout_s)
        busy = sorted(w.id for w in pool.workers.values() if w.busy)
        still = f"Still busy: {', '.join(busy)}." if busy else "No worker is busy."
        if not notes:
            return ToolResult(content=f"No notification arrived. {still}")
        return ToolResult(content=f"{notifications_text(notes)}\n\n{still}",
                          meta={"notifications": [n.worker_id for n in notes]})


COORDINATOR_TOOLS: tuple[type[Tool], ...] = (SpawnWorker, SendMessage, StopWorker, WaitWorkers)
