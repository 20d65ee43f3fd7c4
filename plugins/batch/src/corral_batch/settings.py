"""Settings of the ``[plugins.batch]`` table: defaults for ``corral batch``'s options."""

from __future__ import annotations

from typing import Any, Literal

import msgspec
from corral.api import ConfigError


class Settings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """``[plugins.batch]`` in any corral config layer; the command-line options win."""

    workers: int = 0
    """Tasks run at once; 0 means one per CPU of the driver's machine."""
    backend: Literal["local", "ray"] = "local"
    """Where tasks run: worker processes on this machine, or Ray tasks."""
    ray_num_cpus: float = 1.0
    """CPUs each Ray task asks the Ray scheduler for (fractions allowed)."""
    run_dir: str = ""
    """Where task checkouts go; empty means ``RESULTS.run/`` next to the results file."""


def settings_from(config: Any) -> Settings:
    """The batch settings of ``config`` (the validated Struct, or a raw table to check)."""
    value = config.plugin_settings("batch")
    if isinstance(value, Settings):
        return value
    try:
        return msgspec.convert(value or {}, Settings)
    except msgspec.ValidationError as exc:
        raise ConfigError("[plugins.batch]", "", str(exc)) from exc
