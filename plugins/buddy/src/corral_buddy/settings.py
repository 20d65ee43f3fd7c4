"""Settings of the ``[plugins.buddy]`` table."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from corral.api import ConfigError


class Settings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """``[plugins.buddy]`` in any corral config layer."""

    user_id: Annotated[str, msgspec.Meta(min_length=1, max_length=256)] | None = None
    """Id the pet is rolled from; unset means a random id kept in the user data dir."""

    quips: bool = True
    """Show an occasional one-line quip in a speech bubble (never in headless runs)."""

    quip_interval_s: Annotated[float, msgspec.Meta(ge=0)] = 120.0
    """At least this many seconds between two quips."""

    quip_chance: Annotated[float, msgspec.Meta(ge=0, le=1)] = 0.5
    """Chance that a reaction (worried, celebrating ...) comes with a quip."""

    sleepy_after_s: Annotated[float, msgspec.Meta(gt=0)] = 90.0
    """With no session event for this long the pet dozes off."""

    animate: bool = True
    """Cycle the animation frames; off keeps the pet still."""

    soul_from_model: bool = True
    """When a model is configured, let it write the pet's name and personality (once)."""


def settings_from(config: Any) -> Settings:
    """The buddy settings of ``config`` (whose ``plugin_settings`` gives the validated Struct,
    or the raw table when no Struct was registered)."""
    value = config.plugin_settings("buddy")
    if isinstance(value, Settings):
        return value
    try:
        return msgspec.convert(value or {}, Settings)
    except msgspec.ValidationError as exc:
        raise ConfigError("[plugins.buddy]", "", str(exc)) from exc
