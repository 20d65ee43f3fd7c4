"""Settings of the ``[plugins.kairos]`` table."""

from __future__ import annotations

import msgspec


class Settings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """``[plugins.kairos]`` in any corral config layer."""

    interval_s: float = 60.0
    """Seconds of idleness before a tick wakes the model."""
    permission_mode: str = "plan"
    """Permission mode for work a tick starts."""
