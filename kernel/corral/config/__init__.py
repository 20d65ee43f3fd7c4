"""Layered configuration: TOML (and Claude Code settings.json) decoded into msgspec Structs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from corral._lazy import lazy_getattr

#: Each public name and the module it comes from (loaded on first use).
_HOMES: dict[str, str] = {
    "LoadedConfig": "corral.config.loader",
    "load_config": "corral.config.loader",
    "Config": "corral.config.schema",
}

if TYPE_CHECKING:
    from corral.config.loader import LoadedConfig, load_config
    from corral.config.schema import Config
else:
    __getattr__ = lazy_getattr(__name__, _HOMES)

__all__ = ["Config", "LoadedConfig", "load_config"]
