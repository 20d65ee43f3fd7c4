"""One HTTP/1.1 connection on asyncio streams, the protocol itself handled by h11.

A :class:`Connection` carries one request at a time: :meth:`Connection.send`, then
:meth:`Connection.head`, then :meth:`Connection.body` until it ends; after a complete exchange
that both sides may continue, it is ready for the next request (keep-alive). Failures raise
:class:`WireError`, which says whether any byte of the response had arrived (a keep-alive
connection the server closed while idle fails before the first byte; such a request may be
sent again on a fresh connection).

The request's bytes are written here (a request line, checked header fields, a
``content-length`` body) and h11 is told of the request only once they are on their way: the
first request of a process leaves before h11 is imported, which happens while the server
reads it and thinks.
"""

from __future__ import annotations

import asyncio
import re
import socket
import time
from collections.abc import AsyncIterator, Sequence
from typing import TYPE_CHECKING

from corral.transport.endpoint import Origin
from corral.transport.tls import tls_context

if TYPE_CHECKING:
    import h11

#: Bytes asked of the socket per read.
_READ_SIZE = 65536
#: A method or header name (an HTTP token).
_TOKEN = re.compile(r"[-!#$%&'*+.^_`|~0-9A-Za-z]+")
#: A header value: visible ASCII, single spaces or tabs inside, nothing at the ends.
_VALUE = re.compile(r"(?:[\x21-\x7e]+(?:[ \t]+[\x21-\x7e]+)*)?")
#: Headers that say where the request goes and where its body ends: corral sets them.
_FRAMING = frozenset({"host", "content-length", "transfer-encoding"})
#: A request target: visible ASCII.
_TARGET = re.compile(r"[\x21-\x7e]+")


class WireError(Exception):
    """The connection failed, or a wait on it ran out.

    Attributes:
        timeout: A wait ran out (connecting, sending, or reading).
        before_response: No byte of the response had arrived when it failed.
    """

    def __init__(self, message: str, *, timeout: bool = False,
                 before_response: bool = False) -> None:
        super().__init__(message)
        self.timeout = timeout
        self.before_response = before_response


class Connection:
    """An open HTTP/1.1 connection to ``origin``.

    Attributes:
        origin: Where it goes.
        exchanges: Requests started on it so far.
        preopened: It was opened before any request asked for it (by the warm-up thread).
        idle_since: When it last finished an exchange (:func:`time.monotonic`).
    """

    def __init__(self, origin: Origin, reader: asyncio.StreamReader,
                 writer: asyncio.StreamWriter, *, preopened: bool = False) -> None:
        self.origin = origin
        self.preopened = preopened
        self.exchanges = 0
        self.idle_since = time.monotonic()
        self._reader = reader
        self._writer = writer
        self._h11: h11.Connection | None = None  # made when the first request is on its way
        self._received = 0  # bytes of the current response so far

    @property
    def proven(self) -> bool:
        """Whether it was open before this request (pooled, or pre-opened): such a
        connection may have been closed by the server in the meantime."""
        return self.exchanges > 1 or self.preopened

    @property
    def local_port(self) -> int | None:
        """The port of this end (how a server tells connections apart)."""
        name = self._writer.get_extra_info("sockname")
        return int(name[1]) if isinstance(name, tuple) and len(name) >= 2 else None

    # -- the exchange -------------------------------------------------------------------

    async def send(self, method: str, target: str, headers: Sequence[tuple[str, str]],
                   body: bytes, timeout: float) -> None:
        """Write a request with a ``content-length`` body."""
        self.exchanges += 1
        self._received = 0
        fields = [("host", self.origin.authority), *headers,
                  ("content-length", str(len(body)))]
        data = _request_bytes(method, target, fields) + body
        try:
            self._writer.write(data)
            async with asyncio.timeout(timeout):
                await self._writer.drain()
        except TimeoutError:
            raise WireError(f"sending to {self.origin} took more than {timeout:g} s",
                            timeout=True, before_response=True) from None
        except (OSError, RuntimeError) as exc:
            raise WireError(_describe(exc, self.origin), before_response=True) from exc
        self._sent(method, target, fields, body)

    def _sent(self, method: str, target: str, fields: list[tuple[str, str]],
              body: bytes) -> None:
        """Tell h11 of the request just written, so it reads the response that follows."""
        import h11

        if self._h11 is None:
            self._h11 = h11.Connection(our_role=h11.CLIENT)
        connection = self._h11
        try:
            connection.send(h11.Request(method=method, target=target, headers=fields))
            if body:
                connection.send(h11.Data(data=body))
            connection.send(h11.EndOfMessage())
        except h11.LocalProtocolError as exc:  # checked before writing: not expected
            self.close()
            raise WireError(f"bad request: {exc}") from exc

    async def head(self, timeout: float) -> tuple[int, dict[str, str]]:
        """Wait for the response's status and headers (names in lower case)."""
        import h11

        while True:
            event = await self._next(timeout)
            if isinstance(event, h11.Response):
                return event.status_code, {
                    name.decode("latin-1"): value.decode("latin-1")
                    for name, value in event.headers
                }
            if not isinstance(event, h11.InformationalResponse):
                raise WireError(f"{self.origin} answered with {type(event).__name__}",
                                before_response=self._received == 0)

    async def body(self, timeout: float) -> AsyncIterator[bytes]:
        """The response body as it arrives, each wait at most ``timeout`` seconds."""
        import h11

        while True:
            event = await self._next(timeout)
            if isinstance(event, h11.Data):
                yield bytes(event.data)
            elif isinstance(event, h11.EndOfMessage):
                return
            else:
                raise WireError(f"{self.origin} sent {type(event).__name__} inside a body")

    async def _next(self, timeout: float) -> object:
        """The next h11 event other than ``NEED_DATA``, reading as needed."""
        import h11

        connection = self._h11
        assert connection is not None, "a response is read only after a request was sent"
        while True:
            try:
                event = connection.next_event()
            except h11.RemoteProtocolError as exc:
                raise WireError(_protocol_message(exc, self.origin, self._received),
                                before_response=self._received == 0) from exc
            if event is not h11.NEED_DATA:
                return event
            try:
                async with asyncio.timeout(timeout):
                    data = await self._reader.read(_READ_SIZE)
            except TimeoutError:
                raise WireError(f"{self.origin} sent nothing for {timeout:g} s",
                                timeout=True, before_response=self._received == 0) from None
            except OSError as exc:
                raise WireError(_describe(exc, self.origin),
                                before_response=self._received == 0) from exc
            self._received += len(data)
            connection.receive_data(data)  # b"": the server closed the connection

    # -- after the exchange -------------------------------------------------------------

    def finish(self) -> bool:
        """After a response was read to its end: get ready for the next request.

        Returns whether the connection may carry another one.
        """
        import h11

        connection = self._h11
        if connection is None:
            return False
        if connection.our_state is h11.DONE and connection.their_state is h11.DONE:
            connection.start_next_cycle()
            self.idle_since = time.monotonic()
            return self.open
        return False

    @property
    def open(self) -> bool:
        """Not closed by either side, as far as this end has seen."""
        return not self._writer.is_closing() and not self._reader.at_eof()

    def close(self) -> None:
        """Drop the connection at once (no goodbye: nothing waits on it)."""
        self._writer.transport.abort()


async def connect(origin: Origin, timeout: float,
                  sock: socket.socket | None = None) -> Connection:
    """Open a connection to ``origin`` (TLS for ``https``) within ``timeout`` seconds.

    ``sock``, a connected socket opened ahead of time, is used when given; if it turns out
    broken before any byte was exchanged, a new connection is opened instead.
    """
    tls = tls_context() if origin.scheme == "https" else None
    host = origin.host if tls is not None else None
    if sock is not None:
        try:
            async with asyncio.timeout(timeout):
                reader, writer = await asyncio.open_connection(
                    sock=sock, ssl=tls, server_hostname=host, limit=_READ_SIZE)
            return Connection(origin, reader, writer, preopened=True)
        except (OSError, TimeoutError):
            sock.close()
    try:
        async with asyncio.timeout(timeout):
            reader, writer = await asyncio.open_connection(
                origin.host, origin.port, ssl=tls, server_hostname=host, limit=_READ_SIZE)
    except TimeoutError:
        raise WireError(f"connecting to {origin} took more than {timeout:g} s",
                        timeout=True, before_response=True) from None
    except OSError as exc:
        raise WireError(_describe(exc, origin), before_response=True) from exc
    return Connection(origin, reader, writer)


def _request_bytes(method: str, target: str, fields: Sequence[tuple[str, str]]) -> bytes:
    """The request line and header block, each part checked first: a name, value or target
    that could split the request (a line break, a control character) is refused here, before
    anything is written."""
    if not _TOKEN.fullmatch(method):
        raise WireError(f"bad request: method {method!r}")
    if not _TARGET.fullmatch(target):
        raise WireError(f"bad request: target {target!r}")
    lines = [f"{method} {target} HTTP/1.1"]
    framing: set[str] = set()
    for name, value in fields:
        if not _TOKEN.fullmatch(name):
            raise WireError(f"bad request: header name {name!r}")
        lowered = name.lower()
        if lowered in _FRAMING:
            if lowered in framing or lowered == "transfer-encoding":
                raise WireError(f"bad request: header {name!r} is corral's to set")
            framing.add(lowered)
        if not _VALUE.fullmatch(value):
            raise WireError(f"bad request: the value of header {name!r} is not printable "
                            "ASCII on one line")
        lines.append(f"{name}: {value}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")


def _describe(exc: BaseException, origin: Origin) -> str:
    what = str(exc) or type(exc).__name__
    return f"{type(exc).__name__} talking to {origin}: {what}"


def _protocol_message(exc: h11.RemoteProtocolError, origin: Origin, received: int) -> str:
    if received == 0:
        return f"{origin} closed the connection without answering"
    return f"{origin} broke off the response: {exc}"
