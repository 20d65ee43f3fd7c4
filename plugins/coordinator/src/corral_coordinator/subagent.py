"""Running one sub-agent: a child session with its own prompt, tools, mode and transcript.

The child shares the parent's application (so the same permission rules, managed policy and
plugins apply), asks the parent's permission prompt, and runs its own engine. Its tool set is
the definition's tools intersected with the parent's, and its permission mode is the one the
definition asks for unless that is more permissive than the parent's.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

import msgspec
from corral.api import Notice, ToolResult

from corral_coordinator._state import STATE, State, settings_of, shared_client, state_of
from corral_coordinator.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from corral.api import AgentDefinition, Engine, Session, Tool, TurnOutcome

#: Permission modes from the strictest to the most permissive.
_MODE_RANK = {"plan": 0, "dontAsk": 1, "default": 2, "acceptEdits": 3, "bypassPermissions": 4}
AGENT_TOOL_NAMES = ("Agent", "Task")
#: Why a run failed: ``(subtype, message)``.
Failure = tuple[str, str]

_SUBAGENT_NOTE = """You are running as a sub-agent named {name}, started by another agent to
do one task. You cannot ask the user questions; work with what you are given. Your final
message is returned to the agent that started you, so make it a complete answer."""


class SubagentReport(msgspec.Struct, frozen=True, kw_only=True):
    """How a sub-agent run ended (the tool result's ``meta``; also in the parent's events)."""

    agent: str
    session_id: str
    transcript: str
    subtype: str
    is_error: bool
    num_turns: int
    duration_ms: float
    input_tokens: int
    output_tokens: int
    cost_usd: float | None


def child_mode(parent_mode: str, wanted: str | None) -> str:
    """The definition's mode, unless it is more permissive than the parent's."""
    if wanted is None or _MODE_RANK.get(wanted, 99) > _MODE_RANK.get(parent_mode, 2):
        return parent_mode
    return wanted


def child_tools(
    parent_tools: dict[str, Tool], definition: AgentDefinition, may_nest: bool
) -> dict[str, Tool]:
    """The definition's tools intersected with the parent's; the Agent tool only if the child
    may nest further."""
    available = dict(parent_tools)
    if definition.tools is not None:
        wanted = {_bare(name) for name in definition.tools}
        available = {n: t for n, t in available.items() if n in wanted}
    denied = {_bare(name) for name in definition.disallowed_tools}
    tools = {n: t for n, t in available.items() if n not in denied}
    if not may_nest:
        tools = {n: t for n, t in tools.items() if n not in AGENT_TOOL_NAMES}
    return tools


def admits(definition: AgentDefinition, may_nest: bool) -> Callable[[str], bool]:
    """Which tools that appear after a child started (an MCP server connecting) it gets: the
    same filter as :func:`child_tools`, by name."""
    wanted = None if definition.tools is None else {_bare(n) for n in definition.tools}
    denied = {_bare(name) for name in definition.disallowed_tools}

    def admit(name: str) -> bool:
        return ((wanted is None or name in wanted) and name not in denied
                and (may_nest or name not in AGENT_TOOL_NAMES))

    return admit


def tools_for_children(parent: Session) -> dict[str, Tool]:
    """What a child of ``parent`` may choose from: the parent's tools, or for a coordinator
    (which keeps few for itself) the full set minus the coordinator's own tools."""
    pool = state_of(parent).pool
    if pool is None:
        return parent.tools
    from corral_coordinator.coordinator_tools import COORDINATOR_TOOL_NAMES

    return {n: t for n, t in pool.base_tools.items() if n not in COORDINATOR_TOOL_NAMES}


def _bare(name: str) -> str:
    bare = name.split("(", 1)[0].strip()
    return "Agent" if bare == "Task" else bare


async def run_subagent(
    parent: Session,
    definition: AgentDefinition,
    prompt: str,
    *,
    description: str = "",
    model: str | None = None,
    gated: bool = True,
) -> ToolResult:
    """Run ``definition`` on ``prompt`` as a child of ``parent`` and return its answer.

    With a quality gate configured (``gate_subagents``), the answer of a sub-agent of the
    main agent must pass it; a failed gate is sent back to the same sub-agent to retry."""
    from corral.api import Engine

    settings = settings_of(parent)
    parent_state = state_of(parent)
    depth = parent_state.depth + 1
    if depth > settings.max_depth:
        return ToolResult(
            content=f"Cannot start sub-agent {definition.name!r}: sub-agents may nest "
            f"{settings.max_depth} deep ([plugins.coordinator] max_depth); do the task yourself.",
            is_error=True,
        )
    may_nest = depth < settings.max_depth
    child, transcript = build_child(
        parent, definition, model=model, depth=depth,
        tools=child_tools(tools_for_children(parent), definition, may_nest),
        admit=admits(definition, may_nest),
    )
    label = description or definition.name
    parent_state.running[child.id] = label
    await parent.emit(Notice(
        text=f"sub-agent {definition.name} started: {label}",
        data={"kind": "subagent_started", "agent": definition.name, "session_id": child.id,
              "transcript": transcript, "mode": child.permission_mode, "model": child.model,
              "tools": sorted(child.tools)},
    ))
    engine = Engine(child, client=shared_client(_root(parent)))
    start = time.monotonic()
    outcome: TurnOutcome | None = None
    failure: Failure | None = None
    note = ""
    try:
        await child.start()
        outcome, failure = await drive(engine, prompt, settings.timeout_s)
        if gated and failure is None and not outcome.is_error and gate_applies(
            parent, definition, settings
        ):
            outcome, failure, note = await gate_loop(parent, engine, prompt, outcome, settings)
    except asyncio.CancelledError:
        failure = ("error_during_execution", "cancelled: the parent's turn was interrupted")
        raise
    except Exception as exc:  # a broken child must not take the parent down
        failure = ("error_during_execution", f"{type(exc).__name__}: {exc}")
    finally:
        parent_state.running.pop(child.id, None)
        await _close(engine, child)
        report = _roll_up(parent, child, definition, outcome, failure, transcript, start)
        await parent.emit(Notice(
            level="error" if report.is_error else "info",
            text=f"sub-agent {definition.name} finished: {report.subtype}",
            data={"kind": "subagent_finished", **msgspec.to_builtins(report)},
        ))
    return _result(definition, outcome, failure, report, note)


def build_child(
    parent: Session,
    definition: AgentDefinition,
    *,
    model: str | None,
    depth: int,
    tools: dict[str, Tool],
    cwd: Path | None = None,
    admit: Callable[[str], bool] | None = None,
) -> tuple[Session, str]:
    """A child session of ``parent`` running ``definition`` (not started yet), with its
    transcript open; returns it and the transcript's path. ``admit``: which tools appearing
    later the child gets (:meth:`Session.set_tools`)."""
    settings = settings_of(parent)
    note = _SUBAGENT_NOTE.format(name=definition.name)
    child = parent.child(
        definition.name,
        cwd=cwd,
        permission_mode=child_mode(parent.permission_mode, definition.permission_mode),
        model=model or definition.model,
        max_turns=definition.max_turns or settings.max_turns,
        append_system_prompt=f"{definition.prompt}\n\n{note}",
        tools=tools,
        admit=admit,
    )
    child.stash[STATE] = State(depth=depth, agent=definition.name,
                               parent_id=parent.id, root=_root(parent))
    return child, _open_transcript(parent, child)


def gate_applies(parent: Session, definition: AgentDefinition, settings: Settings) -> bool:
    return (settings.gate_subagents and bool(settings.gate) and state_of(parent).depth == 0
            and definition.name not in {c.agent for c in settings.gate})


async def gate_loop(
    parent: Session,
    engine: Engine,
    task: str,
    outcome: TurnOutcome,
    settings: Settings,
    *,
    cwd: Path | None = None,
) -> tuple[TurnOutcome, Failure | None, str]:
    """Check the answer; on a failed gate send the failure back and let the worker retry.
    Gate commands run in ``cwd`` (the worker's folder), by default the parent's."""
    from corral_coordinator.quality_gate import retry_prompt, run_gate

    for attempt in range(settings.gate_retries + 1):
        verdict = await run_gate(parent, settings.gate, task=task, answer=outcome.result,
                                 cwd=cwd)
        await parent.emit(Notice(
            level="info" if verdict.passed else "warning",
            text=f"quality gate {'passed' if verdict.passed else 'failed'} "
            f"(attempt {attempt + 1})",
            data={"kind": "quality_gate", **msgspec.to_builtins(verdict)},
        ))
        if verdict.passed:
            retries = f" after {attempt} retr{'y' if attempt == 1 else 'ies'}" if attempt else ""
            return outcome, None, f"[quality gate passed{retries}]"
        if attempt == settings.gate_retries:
            return outcome, ("error_quality_gate", f"the result failed the quality gate "
                             f"{attempt + 1} times; last failure:\n{verdict.report()}"), ""
        outcome, failure = await drive(engine, retry_prompt(verdict), settings.timeout_s)
        if failure is not None or outcome.is_error:
            return outcome, failure, ""
    raise AssertionError("unreachable")


async def drive(
    engine: Engine, prompt: str, timeout_s: float
) -> tuple[TurnOutcome, Failure | None]:
    """Run the child's turn in its own task, so that cancelling the parent cancels the child
    without the child's clean interrupt swallowing the parent's cancellation."""
    task = asyncio.create_task(engine.run_turn(prompt, origin="agent"))
    try:
        done, _ = await asyncio.wait({task}, timeout=timeout_s or None)
    except asyncio.CancelledError:
        task.cancel()
        await asyncio.wait({task})
        raise
    if not done:
        task.cancel()
        await asyncio.wait({task})
        return task.result(), ("error_timeout", f"timed out after {timeout_s:g} s")
    return task.result(), None


async def _close(engine: Engine, child: Session) -> None:
    # the engine's client is shared by the whole tree (the main session closes it at its
    # end); aclose leaves it open and closes only this child's provider connection
    await child.end()
    await engine.aclose()


def _root(session: Session) -> Session:
    root = state_of(session).root
    return root if root is not None else session


def _open_transcript(parent: Session, child: Session) -> str:
    from corral.api import Transcript, project_dir

    if not _root(parent).persist:
        return ""  # --no-session-persistence: nothing of the session tree goes to disk
    path = project_dir(parent.cwd) / "subagents" / parent.id / f"{child.id}.jsonl"
    child.transcript = Transcript(path)
    return str(path)


def _roll_up(
    parent: Session,
    child: Session,
    definition: AgentDefinition,
    outcome: TurnOutcome | None,
    failure: Failure | None,
    transcript: str,
    start: float,
) -> SubagentReport:
    """Add the child's usage and cost to the parent's, and describe the run."""
    parent.usage.add(child.usage)
    if not child.cost_known:
        parent.cost_known = False
    if child.cost_usd is not None:
        parent.cost_usd = (parent.cost_usd or 0.0) + child.cost_usd
    for denial in child.permission_denials:
        parent.permission_denials.append({**denial, "agent": definition.name})
    if failure is not None:
        subtype = failure[0]
    elif outcome is None:
        subtype = "error_during_execution"
    else:
        subtype = outcome.subtype
    return SubagentReport(
        agent=definition.name,
        session_id=child.id,
        transcript=transcript,
        subtype=subtype,
        is_error=failure is not None or outcome is None or outcome.is_error,
        num_turns=child.num_turns,
        duration_ms=round((time.monotonic() - start) * 1000, 1),
        input_tokens=child.usage.input_tokens,
        output_tokens=child.usage.output_tokens,
        cost_usd=child.cost_usd if child.cost_known else None,
    )


def _result(
    definition: AgentDefinition,
    outcome: TurnOutcome | None,
    failure: Failure | None,
    report: SubagentReport,
    note: str = "",
) -> ToolResult:
    cost = "cost unknown" if report.cost_usd is None else f"${report.cost_usd:.4f}"
    usage = (f"[sub-agent {definition.name}: {report.num_turns} model requests, "
             f"{report.input_tokens} input / {report.output_tokens} output tokens, {cost}, "
             f"{report.duration_ms / 1000:.1f} s]")
    meta = msgspec.to_builtins(report)
    if failure is not None or outcome is None or outcome.is_error:
        why = failure[1] if failure else (outcome.result if outcome is not None else "no result")
        subtype = report.subtype
        return ToolResult(
            content=f"Sub-agent {definition.name} failed ({subtype}): {why}\n{usage}",
            is_error=True, meta=meta,
        )
    answer = outcome.result.strip() or "(the sub-agent ended without a final message)"
    tail = f"{note}\n{usage}" if note else usage
    return ToolResult(content=f"{answer}\n\n{tail}", meta=meta)
