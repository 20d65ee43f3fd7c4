"""What the Messages client needs of an HTTP client: one streamed request at a time.

Two implementations: :mod:`corral.transport.h11_wire` (the default: asyncio streams and h11)
and :mod:`corral.transport.httpx_wire` (httpx, used when a proxy from the environment applies
to the endpoint). Both raise :class:`~corral.transport.errors.APIError` with kind
``connection_error`` or ``timeout`` for anything that goes wrong on the way, so the engine's
retry policy sees the same errors from either.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import AbstractAsyncContextManager
from typing import NamedTuple, Protocol


class Timeouts(NamedTuple):
    """Seconds to open a connection, and to wait for each step after it (sending the
    request, the response's head, each piece of its body)."""

    connect: float
    read: float


class WireResponse(Protocol):
    """A response whose head has arrived; its body is read on demand."""

    @property
    def status(self) -> int: ...

    @property
    def headers(self) -> Mapping[str, str]: ...

    def aiter_raw(self) -> AsyncIterator[bytes]:
        """The body as it arrives."""
        ...

    async def aread(self) -> bytes:
        """The whole body."""
        ...


class Wire(Protocol):
    """Sends requests; the connections it keeps belong to one event loop."""

    def stream(self, method: str, url: str, headers: Mapping[str, str], body: bytes,
               timeouts: Timeouts) -> AbstractAsyncContextManager[WireResponse]:
        """Send a request and yield the response once its head has arrived."""
        ...

    async def aclose(self) -> None:
        """Close the connections kept."""
        ...
