"""The default wire: HTTP/1.1 on asyncio streams with h11, keep-alive connections pooled.

A request goes out on an idle connection to its origin when one is kept. When such a
connection (or one the warm-up thread opened ahead of time) fails before any byte of the
response arrived, the server most likely closed it while it sat idle: the request is sent once
more on a new connection. Every other failure is the caller's to retry.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

from corral.transport._conn import Connection, WireError
from corral.transport._pool import Pool
from corral.transport.endpoint import Origin
from corral.transport.errors import APIError
from corral.transport.wire import Timeouts


class H11Response:
    """A response on a pooled connection (see :class:`corral.transport.wire.WireResponse`)."""

    def __init__(self, connection: Connection, status: int, headers: dict[str, str],
                 timeout: float) -> None:
        self.status = status
        self.headers = headers
        #: The body was read to its end, so the connection can carry another request.
        self.complete = False
        self._connection = connection
        self._timeout = timeout

    async def aiter_raw(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._connection.body(self._timeout):
                yield chunk
        except WireError as exc:
            raise api_error(exc) from exc
        self.complete = True

    async def aread(self) -> bytes:
        return b"".join([chunk async for chunk in self.aiter_raw()])


class H11Wire:
    """Requests over the keep-alive connections of one event loop.

    Attributes:
        pool: The connections kept (shared by every request through this wire).
        resent: Requests sent a second time because a kept connection had been closed.
    """

    def __init__(self) -> None:
        self.pool = Pool()
        self.resent = 0

    @asynccontextmanager
    async def stream(self, method: str, url: str, headers: Mapping[str, str], body: bytes,
                     timeouts: Timeouts) -> AsyncIterator[H11Response]:
        try:
            origin, target = Origin.split(url)
        except ValueError as exc:
            raise APIError(str(exc), kind="connection_error", should_retry=False) from None
        fields = list(headers.items())
        response = await self._exchange(origin, method, target, fields, body, timeouts)
        try:
            yield response
        finally:
            self.pool.release(response._connection, complete=response.complete)

    async def _exchange(self, origin: Origin, method: str, target: str,
                        fields: list[tuple[str, str]], body: bytes,
                        timeouts: Timeouts) -> H11Response:
        """Send the request and wait for the response's head, retrying once on a new
        connection when a kept one turns out closed."""
        again = False
        while True:
            try:
                if again:
                    connection = await self.pool.fresh(origin, timeouts.connect, preopened=False)
                else:
                    connection = await self.pool.acquire(origin, timeouts.connect)
            except WireError as exc:
                raise api_error(exc) from exc
            try:
                await connection.send(method, target, fields, body, timeouts.read)
                status, headers = await connection.head(timeouts.read)
            except WireError as exc:
                connection.close()
                if exc.before_response and not exc.timeout and connection.proven and not again:
                    again = True
                    self.resent += 1
                    continue
                raise api_error(exc) from exc
            except BaseException:
                connection.close()
                raise
            return H11Response(connection, status, headers, timeouts.read)

    async def aclose(self) -> None:
        self.pool.close()


def api_error(exc: WireError) -> APIError:
    """The engine's view of a failure on the wire."""
    return APIError(str(exc), kind="timeout" if exc.timeout else "connection_error")
