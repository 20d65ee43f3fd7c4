"""Model providers other than the built-in Anthropic Messages API path."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import msgspec


class Provider(msgspec.Struct, frozen=True, kw_only=True):
    """A named wire format. ``stream`` takes the Messages-API-shaped request and yields
    Messages-API-shaped stream events, so the engine treats every provider alike."""

    name: str
    stream: Callable[[dict[str, Any]], AsyncIterator[dict[str, Any]]]
