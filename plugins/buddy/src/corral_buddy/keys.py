"""What buddy keeps on a session, each under its own typed key in ``session.stash``."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from corral.api import StashKey

if TYPE_CHECKING:
    from corral_buddy.mood import BuddyState

#: The pet's state (see ``corral_buddy.runtime.state_for``).
STATE: StashKey[BuddyState] = StashKey("buddy")
#: The background task naming the pet by the model, started with the session.
NAMING: StashKey[asyncio.Future[None]] = StashKey("buddy-naming")
