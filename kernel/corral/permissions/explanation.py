"""``corral permissions explain``: decide a call without running it, and say why."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from corral.permissions.chain import decide
from corral.permissions.context import Mode, PermissionContext
from corral.permissions.decision import Decision, Vote
from corral.tools.base import ToolCall


def explain(tool: str, input: dict[str, Any], ctx: PermissionContext, *,
            mode: Mode | None = None, votes: Sequence[tuple[str, Vote]] = ()) -> Decision:
    """The chain's decision on calling ``tool`` with ``input``; ``mode`` overrides the context's."""
    if mode is not None and mode != ctx.mode:
        ctx = ctx.with_mode(mode)
    return decide(ToolCall(id="explain", name=tool, input=input), ctx, votes)


def decision_dict(decision: Decision, *, tool: str | None = None,
                  mode: str | None = None) -> dict[str, Any]:
    """The JSON form: ``decision``, ``tier``, ``rule``, ``source``, ``reason``, ``details``."""
    out: dict[str, Any] = {
        "decision": decision.decision,
        "tier": decision.tier,
        "rule": decision.rule,
        "source": decision.source,
        "reason": decision.reason,
        "details": list(decision.details),
    }
    if tool is not None:
        out["tool"] = tool
    if mode is not None:
        out["mode"] = mode
    return out
