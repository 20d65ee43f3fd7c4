"""The wire through httpx, for endpoints reached through a proxy.

httpx reads ``HTTPS_PROXY``/``HTTP_PROXY``/``ALL_PROXY`` and ``NO_PROXY`` itself and speaks
to the proxy (CONNECT tunnels, absolute-form requests); the default wire
(:mod:`corral.transport.h11_wire`) connects directly only. This module is imported only when
:func:`corral.transport.proxyenv.proxy_for` finds a proxy for the endpoint.
"""

# The stand-in for httpx's CLI must be installed before httpx is imported: import order matters.
# ruff: noqa: I001

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

from corral.transport import _lean_httpx  # noqa: F401  (before httpx: see that module)

import httpx

from corral.transport.errors import APIError
from corral.transport.wire import Timeouts


class HttpxResponse:
    """An httpx response (see :class:`corral.transport.wire.WireResponse`)."""

    def __init__(self, response: httpx.Response) -> None:
        self._response = response
        self.status = response.status_code
        self.headers: Mapping[str, str] = response.headers

    async def aiter_raw(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._response.aiter_raw():
                yield chunk
        except httpx.TransportError as exc:
            raise transport_error(exc) from exc

    async def aread(self) -> bytes:
        try:
            return await self._response.aread()
        except httpx.TransportError as exc:
            raise transport_error(exc) from exc


class HttpxWire:
    """Requests through one httpx connection pool."""

    def __init__(self) -> None:
        self.http = httpx.AsyncClient(
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=32,
                                keepalive_expiry=60.0),
            follow_redirects=False,
        )

    @asynccontextmanager
    async def stream(self, method: str, url: str, headers: Mapping[str, str], body: bytes,
                     timeouts: Timeouts) -> AsyncIterator[HttpxResponse]:
        timeout = httpx.Timeout(timeouts.read, connect=timeouts.connect)
        try:
            async with self.http.stream(method, url, content=body, headers=dict(headers),
                                        timeout=timeout) as response:
                yield HttpxResponse(response)
        except httpx.TransportError as exc:
            raise transport_error(exc) from exc

    async def aclose(self) -> None:
        await self.http.aclose()


def transport_error(exc: httpx.TransportError) -> APIError:
    """The engine's view of an httpx transport failure."""
    timeout = isinstance(exc, httpx.TimeoutException)
    what = str(exc) or type(exc).__name__
    return APIError(f"{type(exc).__name__}: {what}" if str(exc) else what,
                    kind="timeout" if timeout else "connection_error")
