"""Settings of the ``[plugins.coordinator]`` table."""

from __future__ import annotations

import msgspec


class Settings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """``[plugins.coordinator]`` in any corral config layer."""

    max_parallel: int = 4
    """How many sub-agents may run at once."""
