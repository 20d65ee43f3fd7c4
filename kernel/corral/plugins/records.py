"""What the host knows about each plugin, for ``corral plugins`` and ``corral doctor``."""

from __future__ import annotations

import msgspec


class PluginRecord(msgspec.Struct, kw_only=True):
    name: str
    distribution: str | None
    version: str | None
    enabled: bool
    #: Which layer decided the flag: a file path, ``env``, ``cli``, ``default`` or
    #: ``CORRAL_LOAD_PLUGINS``.
    decided_by: str
    hooks: list[str] = msgspec.field(default_factory=list)
    error: str | None = None
    builtin: bool = False
