"""Settings of the ``[plugins.coordinator]`` table."""

from __future__ import annotations

from typing import Literal

import msgspec


class GateCheck(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    """One step of the quality gate: a shell command (exit 0 passes) or a reviewer agent."""

    name: str = ""
    #: A shell command run in the working directory; exit status 0 passes.
    command: str = ""
    #: An agent (such as ``verifier``) whose verdict line must say PASS.
    agent: str = ""
    timeout_s: float = 600.0


class Settings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """``[plugins.coordinator]`` in any corral config layer."""

    max_parallel: int = 8
    """How many sub-agents one session may run at once (more calls wait their turn)."""
    max_depth: int = 2
    """How deep sub-agents may nest: 1 lets only the main agent spawn sub-agents."""
    max_turns: int = 50
    """Model requests a sub-agent may make when its definition sets no ``maxTurns``."""
    timeout_s: float = 0.0
    """Wall-clock limit of one sub-agent run, in seconds (0: none)."""
    mode: bool = False
    """Coordinator mode: the main agent plans and delegates to background workers."""
    coordinator_tools: list[str] = msgspec.field(
        default_factory=lambda: ["Read", "Grep", "Glob", "TodoWrite"]
    )
    """Tools the coordinator keeps for itself besides the worker tools (it edits nothing)."""
    worker_agent: str = "general-purpose"
    """The agent a worker runs when the coordinator names none."""
    isolation: Literal["none", "worktree"] = "none"
    """Default isolation of a worker: ``none`` (shared folder, per-file locks) or ``worktree``."""
    lock_wait_s: float = 300.0
    """How long a worker waits for a file another worker is editing before giving up."""
    max_workers: int = 16
    """Workers one coordinator may have at once (running or waiting for a follow-up)."""
    gate: list[GateCheck] = msgspec.field(default_factory=list)
    """The quality gate's checks, run in order on every worker result."""
    gate_subagents: bool = False
    """Run the gate on every answer of the main agent's sub-agents (outside coordinator mode)."""
    gate_retries: int = 2
    """How many times a worker may retry after a failed gate."""
