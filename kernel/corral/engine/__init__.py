"""Layer 2: the query engine, the turn loop that streams replies and runs tools."""

from __future__ import annotations

from corral.engine.loop import Engine, TurnOutcome

__all__ = ["Engine", "TurnOutcome"]
