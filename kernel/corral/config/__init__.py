"""Layered configuration: TOML (and Claude Code settings.json) decoded into msgspec Structs."""

from __future__ import annotations

from corral.config.loader import LoadedConfig, load_config
from corral.config.schema import Config

__all__ = ["Config", "LoadedConfig", "load_config"]
