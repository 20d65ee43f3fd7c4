"""What kairos keeps on a session, each under its own typed key in ``session.stash``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from corral.api import StashKey

if TYPE_CHECKING:
    from corral_kairos.runtime import Kairos

#: The session's :class:`~corral_kairos.runtime.Kairos` (see ``runtime_of``).
RUNTIME: StashKey[Kairos] = StashKey("kairos")
#: Set on the daemon's session: a headless session that still ticks when idle.
DAEMON: StashKey[bool] = StashKey("kairos-daemon")
