"""What the dream keeps on a session, each under its own typed key in ``session.stash``.

Kept apart from the modules that fill them so the entry point can test for a key without
importing them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from corral.api import StashKey

if TYPE_CHECKING:
    from corral_dream.gates import GateResult
    from corral_dream.guard import Guard

#: What the last automatic-dream check said: the gate that stopped it, or the started pid.
RESULT: StashKey[GateResult | str] = StashKey("dream")
#: When the gates were last checked from ``corral_idle`` (``time.monotonic()``).
IDLE_CHECK: StashKey[float] = StashKey("dream-idle-check")
#: Marks the dream's code re-check sub-session (see :mod:`corral_dream.guard`).
GUARD: StashKey[Guard] = StashKey("dream-guard")
