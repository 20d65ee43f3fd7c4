"""Layer 2: the query engine, the turn loop that streams replies and runs tools."""

from __future__ import annotations

from typing import TYPE_CHECKING

from corral._lazy import lazy_getattr

#: Each public name and the module it comes from (loaded on first use).
_HOMES: dict[str, str] = {
    "Engine": "corral.engine.loop",
    "TurnOutcome": "corral.engine.loop",
}

if TYPE_CHECKING:
    from corral.engine.loop import Engine, TurnOutcome
else:
    __getattr__ = lazy_getattr(__name__, _HOMES)

__all__ = ["Engine", "TurnOutcome"]
