"""The request the kernel's wire writes itself: a well-formed HTTP/1.1 request (read back by
h11 as a server would), and nothing written at all for a header that could split it."""

from __future__ import annotations

import asyncio
import socket
import threading

import h11
import pytest
from corral.transport._conn import WireError, connect
from corral.transport.endpoint import Origin


class Capture:
    """A server that keeps every byte a client sends until it closes, and never answers."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.received = b""
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def origin(self) -> Origin:
        return Origin("http", "127.0.0.1", self.listener.getsockname()[1])

    def _serve(self) -> None:
        connection, _ = self.listener.accept()
        with connection:
            connection.settimeout(5)
            try:
                while chunk := connection.recv(65536):
                    self.received += chunk
            except OSError:
                pass

    def join(self) -> bytes:
        self.thread.join(5)
        self.listener.close()
        return self.received


def send(headers: list[tuple[str, str]], body: bytes, target: str = "/v1/messages") -> bytes:
    server = Capture()

    async def go() -> None:
        connection = await connect(server.origin, 5)
        try:
            await connection.send("POST", target, headers, body, 5)
        finally:
            connection.close()

    try:
        asyncio.run(go())
    finally:
        received = server.join()
    return received


def test_the_request_reads_back_as_written() -> None:
    body = b'{"model": "m", "messages": []}'
    raw = send([("content-type", "application/json"), ("x-api-key", "k 1\t2"),
                ("anthropic-beta", "a,b")], body)
    server = h11.Connection(our_role=h11.SERVER)
    server.receive_data(raw)
    request = server.next_event()
    assert isinstance(request, h11.Request)
    assert (request.method, request.target, request.http_version) == (
        b"POST", b"/v1/messages", b"1.1")
    fields = [(bytes(n), bytes(v)) for n, v in request.headers]
    assert fields[0][0] == b"host" and fields[0][1].startswith(b"127.0.0.1:")
    assert fields[1:] == [(b"content-type", b"application/json"), (b"x-api-key", b"k 1\t2"),
                          (b"anthropic-beta", b"a,b"),
                          (b"content-length", str(len(body)).encode())]
    data = server.next_event()
    assert isinstance(data, h11.Data) and bytes(data.data) == body
    assert isinstance(server.next_event(), h11.EndOfMessage)


@pytest.mark.parametrize(("headers", "target", "named"), [
    pytest.param([("x-note", "a\r\nx-injected: 1")], "/v1/messages", "x-note", id="crlf-value"),
    pytest.param([("x-note", "a\nb")], "/v1/messages", "x-note", id="lf-value"),
    pytest.param([("x-note", "caf\u00e9")], "/v1/messages", "x-note", id="non-ascii-value"),
    pytest.param([("x-note", " padded")], "/v1/messages", "x-note", id="leading-space"),
    pytest.param([("bad name", "v")], "/v1/messages", "bad name", id="space-in-name"),
    pytest.param([("x\r\ny", "v")], "/v1/messages", "x\\r\\ny", id="crlf-name"),
    pytest.param([("transfer-encoding", "chunked")], "/v1/messages", "transfer-encoding",
                 id="framing"),
    pytest.param([("content-length", "3")], "/v1/messages", "content-length",
                 id="second-length"),
    pytest.param([], "/v1/messages HTTP/1.0\r\nx: y", "target", id="target"),
])
def test_a_header_or_target_that_could_split_the_request_sends_nothing(
        headers: list[tuple[str, str]], target: str, named: str) -> None:
    server = Capture()
    failure: WireError | None = None

    async def go() -> None:
        nonlocal failure
        connection = await connect(server.origin, 5)
        try:
            await connection.send("POST", target, headers, b"{}", 5)
        except WireError as exc:
            failure = exc
        finally:
            connection.close()

    asyncio.run(go())
    assert server.join() == b""
    assert failure is not None and "bad request" in str(failure) and named in str(failure)
