"""Settings of the ``[plugins.dream]`` table."""

from __future__ import annotations

import msgspec


class Settings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """``[plugins.dream]`` in any corral config layer."""

    auto: bool = True
    """Dream automatically at session end when the gates pass."""
    min_hours: float = 24.0
    """Hours since the last dream before an automatic one."""
    min_sessions: int = 5
    """Sessions since the last dream before an automatic one."""
