"""The public face of corral for plugins: import what a plugin may use from here."""

from __future__ import annotations

from corral.providers import Provider
from corral.transport.errors import PROMPT_TOO_LONG, APIError

__all__ = ["PROMPT_TOO_LONG", "APIError", "Provider"]
