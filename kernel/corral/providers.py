"""Model providers other than the built-in Anthropic Messages API path."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any, Protocol

import msgspec

if TYPE_CHECKING:
    from corral.config.schema import Config

#: Takes a Messages-API-shaped request, yields Messages-API-shaped stream events.
StreamFunction = Callable[[dict[str, Any]], AsyncIterator[dict[str, Any]]]


class Connection(Protocol):
    """What :attr:`Provider.connect` returns: one engine's link to the endpoint.

    The engine keeps it for the session (so a connection pool is reused across requests)
    and closes it when the session is over.
    """

    def stream(self, request: dict[str, Any]) -> AsyncIterator[dict[str, Any]]: ...

    async def close(self) -> None: ...


class Provider(msgspec.Struct, frozen=True, kw_only=True):
    """A named wire format, so the engine treats every provider alike.

    Give ``stream`` (a function of the request alone) or ``connect`` (called once per engine
    with the effective configuration, returning a :class:`Connection`); ``connect`` wins when
    both are given. ``describe`` returns ``(label, value)`` lines ``corral doctor`` prints
    for this provider (base URL, whether a key is set, ...).
    """

    name: str
    stream: StreamFunction | None = None
    connect: Callable[[Config], Connection] | None = None
    describe: Callable[[Config], list[tuple[str, str]]] | None = None

    def __post_init__(self) -> None:
        if self.stream is None and self.connect is None:
            raise ValueError(f"provider {self.name!r} needs a stream or a connect function")


class _Streaming:
    """A :class:`Connection` over a plain stream function."""

    def __init__(self, stream: StreamFunction) -> None:
        self._stream = stream

    def stream(self, request: dict[str, Any]) -> AsyncIterator[dict[str, Any]]:
        return self._stream(request)

    async def close(self) -> None:
        return None


def connect(provider: Provider, config: Config) -> Connection:
    """The connection one engine uses for ``provider``."""
    if provider.connect is not None:
        return provider.connect(config)
    assert provider.stream is not None
    return _Streaming(provider.stream)
