"""Background workers of coordinator mode: spawn, follow up, stop, wait.

Each worker is a child session with its own engine that lives as long as the coordinator:
a *run* is one task or follow-up, driven in its own asyncio task so the coordinator keeps
working meanwhile. When a run ends, its result passes the quality gate (a failed gate sends
the worker the failure and lets it retry), a worktree worker's changes are merged back, its
file leases are released, usage rolls up into the coordinator's totals, and a
:class:`~corral_coordinator.notify.WorkerNotification` is queued for the coordinator.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import msgspec
from corral.api import CorralError, Notice

from corral_coordinator._state import settings_of, shared_client, state_of
from corral_coordinator.locks import FileLeases, with_leases
from corral_coordinator.notify import WorkerNotification
from corral_coordinator.subagent import (
    Failure,
    build_child,
    child_tools,
    drive,
    gate_loop,
    tools_for_children,
)

if TYPE_CHECKING:
    from corral.api import AgentDefinition, Engine, Session, Tool, TurnOutcome, Usage

    from corral_coordinator.worktree import Worktree

#: States a worker can be in. ``idle``: its last run ended; a follow-up starts a new one.
STATES = ("starting", "running", "gating", "merging", "idle", "failed", "stopped")


@dataclass
class Worker:
    id: str
    definition: AgentDefinition
    description: str
    session: Session
    engine: Engine
    transcript: str
    worktree: Worktree | None = None
    state: str = "starting"
    #: The task of the current run (the gate checks the answer against it).
    task_text: str = ""
    runner: asyncio.Task[None] | None = None
    #: Follow-ups that arrived while a run was going; delivered with its next request.
    inbox: list[str] = field(default_factory=list)
    runs: int = 0
    #: Usage already added to the coordinator's totals.
    rolled_input: int = 0
    rolled_output: int = 0
    rolled_cache_write: int = 0
    rolled_cache_read: int = 0
    rolled_cost: float = 0.0
    last_summary: str = ""

    @property
    def busy(self) -> bool:
        return self.state in ("starting", "running", "gating", "merging")


class WorkerPool:
    """The workers of one coordinator session and the notifications they left for it."""

    def __init__(self, coordinator: Session, base_tools: dict[str, Tool]) -> None:
        self.coordinator = coordinator
        #: The full tool set workers choose from (the coordinator itself keeps fewer).
        self.base_tools = base_tools
        self.workers: dict[str, Worker] = {}
        self.by_session: dict[str, Worker] = {}
        self.pending: list[WorkerNotification] = []
        self.leases = FileLeases()
        self._arrived = asyncio.Event()
        self._count = 0

    # -- the coordinator's verbs --------------------------------------------------------------

    async def spawn(
        self, definition: AgentDefinition, prompt: str, *, description: str,
        model: str | None = None, isolation: str = "none",
    ) -> Worker:
        from corral.api import Engine

        settings = settings_of(self.coordinator)
        live = sum(1 for w in self.workers.values() if w.state not in ("stopped", "failed"))
        if live >= settings.max_workers:
            raise WorkerError(f"{live} workers exist already ([plugins.coordinator] "
                              "max_workers); stop one or send it the task instead")
        self._count += 1
        worker_id = f"w{self._count}"
        tree = None
        cwd = self.coordinator.cwd
        if isolation == "worktree":
            from corral.api import project_dir

            from corral_coordinator import worktree

            folder = project_dir(cwd) / "worktrees" / f"{self.coordinator.id[:8]}-{worker_id}"
            tree = await worktree.create(cwd, folder)
            cwd = worktree.same_place(tree, cwd)
        depth = state_of(self.coordinator).depth + 1
        tools = self._worker_tools(definition, worker_id, depth < settings.max_depth,
                                   isolated=tree is not None)
        child, transcript = build_child(self.coordinator, definition, model=model, depth=depth,
                                        tools=tools, cwd=cwd)
        engine = Engine(child, client=shared_client(self.coordinator))
        worker = Worker(id=worker_id, definition=definition, description=description,
                        session=child, engine=engine, transcript=transcript, worktree=tree)
        self.workers[worker_id] = worker
        self.by_session[child.id] = worker
        await child.start()
        await self.coordinator.emit(Notice(
            text=f"worker {worker_id} ({definition.name}) started: {description}",
            data={"kind": "worker_started", "worker_id": worker_id, "agent": definition.name,
                  "session_id": child.id, "transcript": transcript,
                  "worktree": tree.path if tree else None, "tools": sorted(child.tools)},
        ))
        self._start_run(worker, prompt)
        return worker

    async def send(self, worker_id: str, message: str) -> str:
        worker = self.get(worker_id)
        if worker.busy:
            worker.inbox.append(message)
            return (f"Worker {worker_id} is {worker.state}; it gets the message with its next "
                    "model request, and you get a notification when it is done.")
        self._start_run(worker, message)
        return f"Worker {worker_id} resumed with your message; you get a notification when done."

    async def stop(self, worker_id: str) -> str:
        worker = self.get(worker_id)
        if not worker.busy or worker.runner is None:
            return f"Worker {worker_id} is not running (it is {worker.state})."
        worker.runner.cancel()
        await asyncio.wait({worker.runner})
        return f"Worker {worker_id} stopped; send it a message to continue where it left off."

    async def wait(self, timeout_s: float) -> list[WorkerNotification]:
        """Notifications waiting or arriving within ``timeout_s`` (at least one, unless the
        time runs out or no worker is busy)."""
        if not self.pending and any(w.busy for w in self.workers.values()):
            self._arrived.clear()
            try:
                await asyncio.wait_for(self._arrived.wait(), timeout_s or None)
            except TimeoutError:
                pass
        return self.take()

    def take(self) -> list[WorkerNotification]:
        taken, self.pending = self.pending, []
        return taken

    def get(self, worker_id: str) -> Worker:
        worker = self.workers.get(worker_id.strip())
        if worker is None:
            known = ", ".join(self.workers) or "none yet"
            raise WorkerError(f"no worker {worker_id!r} (workers: {known})")
        return worker

    async def close(self) -> None:
        """Stop every busy worker, end their sessions, and clean up merged worktrees."""
        busy = [w.runner for w in self.workers.values() if w.busy and w.runner is not None]
        for runner in busy:
            runner.cancel()
        if busy:
            await asyncio.wait(busy)
        for worker in self.workers.values():
            await worker.session.end()
            await worker.engine.aclose()  # its provider connection; the shared client stays
            if worker.worktree is not None:
                from corral_coordinator import worktree

                await worktree.remove(worker.worktree)

    # -- one run ------------------------------------------------------------------------------

    def _start_run(self, worker: Worker, prompt: str) -> None:
        worker.state = "running"
        worker.task_text = prompt if worker.runs == 0 else (
            f"{worker.task_text}\n\nFollow-up: {prompt}")
        worker.runs += 1
        worker.runner = asyncio.create_task(self._run(worker, prompt),
                                            name=f"corral-worker-{worker.id}")

    async def _run(self, worker: Worker, prompt: str) -> None:
        settings = settings_of(self.coordinator)
        start = time.monotonic()
        conflicts_before = len(self.leases.conflicts)
        outcome: TurnOutcome | None = None
        failure: Failure | None = None
        gate = merge = ""
        try:
            outcome, failure = await drive(worker.engine, prompt, settings.timeout_s)
            while failure is None and not outcome.is_error and worker.inbox:
                late = "\n\n".join(worker.inbox)
                worker.inbox.clear()
                outcome, failure = await drive(worker.engine, late, settings.timeout_s)
            if failure is None and not outcome.is_error and settings.gate:
                worker.state = "gating"
                outcome, failure, note = await gate_loop(
                    self.coordinator, worker.engine, worker.task_text, outcome, settings,
                    cwd=worker.session.cwd)
                gate = _gate_word(note, failure)
            if failure is None and not outcome.is_error and worker.worktree is not None:
                worker.state = "merging"
                merge = await self._merge(worker)
        except asyncio.CancelledError:
            failure = ("stopped", "stopped by the coordinator before it finished")
        except Exception as exc:  # a broken worker must not take the coordinator down
            failure = ("error_during_execution", f"{type(exc).__name__}: {exc}")
        finally:
            await self.leases.release_all(worker.id)
        conflicts = [str(c) for c in self.leases.conflicts[conflicts_before:]
                     if c.worker == worker.id]
        await self._finish(worker, outcome, failure, start, gate, merge, conflicts)

    async def _merge(self, worker: Worker) -> str:
        from corral_coordinator import worktree

        assert worker.worktree is not None
        report = await worktree.merge_back(worker.worktree)
        return report.text

    async def _finish(
        self, worker: Worker, outcome: TurnOutcome | None, failure: Failure | None,
        start: float, gate: str, merge: str, conflicts: list[str],
    ) -> None:
        child = worker.session
        self._roll_up(worker)
        if failure is not None and failure[0] == "stopped":
            status, result = "stopped", failure[1]
        elif failure is not None or outcome is None or outcome.is_error:
            status = "failed"
            result = failure[1] if failure else (outcome.result if outcome else "no result")
        else:
            status = "completed"
            result = outcome.result.strip() or "(the worker ended without a final message)"
        if merge.startswith("CONFLICT"):
            status = "failed"
        worker.state = {"completed": "idle"}.get(status, status)
        summary = _summary(status, result, merge)
        worker.last_summary = summary
        note = WorkerNotification(
            worker_id=worker.id, agent=worker.definition.name, description=worker.description,
            status=status, summary=summary, result=result, gate=gate,
            num_turns=child.num_turns, input_tokens=child.usage.input_tokens,
            output_tokens=child.usage.output_tokens,
            cost_usd=child.cost_usd if child.cost_known else None,
            duration_ms=round((time.monotonic() - start) * 1000, 1),
            conflicts=conflicts, merge=merge,
        )
        self.pending.append(note)
        self._arrived.set()
        await self.coordinator.emit(Notice(
            level="info" if status == "completed" else "warning",
            text=f"worker {worker.id} {status}: {summary}",
            data={"kind": "worker_finished", "transcript": worker.transcript,
                  **msgspec.to_builtins(note)},
        ))

    def _roll_up(self, worker: Worker) -> None:
        """Add what the worker used since the last roll-up to the coordinator's totals."""
        from corral.api import Usage

        parent, child = self.coordinator, worker.session
        used: Usage = child.usage
        parent.usage.add(Usage(
            input_tokens=used.input_tokens - worker.rolled_input,
            output_tokens=used.output_tokens - worker.rolled_output,
            cache_creation_input_tokens=used.cache_creation_input_tokens
            - worker.rolled_cache_write,
            cache_read_input_tokens=used.cache_read_input_tokens - worker.rolled_cache_read,
        ))
        worker.rolled_input, worker.rolled_output = used.input_tokens, used.output_tokens
        worker.rolled_cache_write = used.cache_creation_input_tokens
        worker.rolled_cache_read = used.cache_read_input_tokens
        if not child.cost_known:
            parent.cost_known = False
        if child.cost_usd is not None:
            parent.cost_usd = (parent.cost_usd or 0.0) + child.cost_usd - worker.rolled_cost
            worker.rolled_cost = child.cost_usd
        denials = child.permission_denials
        for denial in denials:
            parent.permission_denials.append({**denial, "agent": worker.definition.name,
                                              "worker_id": worker.id})
        denials.clear()

    def _worker_tools(self, definition: AgentDefinition, worker_id: str, may_nest: bool,
                      *, isolated: bool) -> dict[str, Tool]:
        tools = child_tools(tools_for_children(self.coordinator), definition, may_nest)
        if isolated:
            return tools
        wait_s = settings_of(self.coordinator).lock_wait_s
        return with_leases(tools, self.leases, worker_id, wait_s)


class WorkerError(CorralError):
    """A coordinator tool was used wrongly (unknown worker, too many workers)."""


def _gate_word(note: str, failure: Failure | None) -> str:
    if failure is not None and failure[0] == "error_quality_gate":
        return "failed"
    if note.startswith("[quality gate passed"):
        return note.strip("[]").removeprefix("quality gate ")
    return ""


def _summary(status: str, result: str, merge: str) -> str:
    first = next((line.strip() for line in result.splitlines() if line.strip()), "")
    if len(first) > 120:
        first = first[:117] + "..."
    if merge.startswith("CONFLICT"):
        return f"merge conflict: {first}"
    return first or status
