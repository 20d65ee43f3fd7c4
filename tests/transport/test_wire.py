"""The default wire (h11 on asyncio streams) against real servers on 127.0.0.1: keep-alive,
stale connections, body framings, cuts, timeouts, refused connections, the pre-opened socket."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from corral.testing import MessagesServer, cut_stream, text, tool_use
from corral.transport import preopen
from corral.transport.client import MessagesClient
from corral.transport.endpoint import Origin
from corral.transport.errors import APIError
from corral.transport.events import ContentBlockDelta, MessageStop
from corral.transport.h11_wire import H11Wire
from corral.transport.warm import warm
from corral.transport.wire import Timeouts

T = TypeVar("T")

REQUEST = {"model": "claude-haiku-4-5", "max_tokens": 50,
           "messages": [{"role": "user", "content": "hi"}]}
HEADERS = {"content-type": "application/json", "x-api-key": "k"}
BODY = b'{"model": "m", "max_tokens": 5, "messages": []}'


@pytest.fixture(autouse=True)
def _no_leftover_sockets() -> Iterator[None]:
    yield
    preopen.discard()


def drop_idle(server: MessagesServer) -> None:
    """Have the server close its idle keep-alive connection (once its handler is back to
    waiting for the next request). Blocks: this end must not read the close meanwhile."""
    for _ in range(500):
        if server.close_idle_connections():
            return
        time.sleep(0.01)
    raise AssertionError("no idle connection to close")


def run(go: Callable[[], Awaitable[T]]) -> T:
    return asyncio.run(go())  # type: ignore[arg-type]


def failure_of(client: MessagesClient) -> APIError:
    """The error a streamed request through ``client`` ends with."""
    async def go() -> APIError:
        try:
            with pytest.raises(APIError) as caught:
                await collect(client)
            return caught.value
        finally:
            await client.close()

    return asyncio.run(go())


async def collect(client: MessagesClient) -> str:
    parts = []
    async for event in client.stream(REQUEST):
        if isinstance(event, ContentBlockDelta) and event.delta.type == "text_delta":
            parts.append(event.delta.text)
    return "".join(parts)


# --- keep-alive ------------------------------------------------------------------------------


def test_one_connection_carries_every_request(anthropic_server: MessagesServer) -> None:
    anthropic_server.enqueue(text("one"), text("two"), text("three plain"), text("four"))
    client = MessagesClient(base_url=anthropic_server.base_url, api_key="k")
    other = MessagesClient(base_url=anthropic_server.base_url, api_key="k")  # a sub-agent

    async def go() -> list[str]:
        try:
            first = await collect(client)  # chunked
            second = await collect(other)
            plain = await client.create(REQUEST)  # content-length
            await client.count_tokens(REQUEST)
            return [first, second, plain.content[0].text, await collect(client)]  # type: ignore[union-attr]
        finally:
            await client.close()
            await other.close()

    assert run(go) == ["one", "two", "three plain", "four"]
    assert anthropic_server.connections == 1
    assert {r.connection for r in anthropic_server.requests} == {1}
    assert len(anthropic_server.requests) == 5


def test_parallel_requests_open_parallel_connections(anthropic_server: MessagesServer) -> None:
    anthropic_server.enqueue(*[text(f"r{n}").slow(0.02) for n in range(6)])
    client = MessagesClient(base_url=anthropic_server.base_url, api_key="k")

    async def go() -> list[str]:
        try:
            first = await asyncio.gather(collect(client), collect(client), collect(client))
            again = await asyncio.gather(collect(client), collect(client), collect(client))
            return sorted([*first, *again])
        finally:
            await client.close()

    assert run(go) == [f"r{n}" for n in range(6)]
    assert anthropic_server.connections == 3  # the second round reused the first's three


def test_a_connection_closed_while_idle_is_replaced_and_the_request_sent_again(
        anthropic_server: MessagesServer) -> None:
    wire = H11Wire()
    url = anthropic_server.base_url + "/v1/messages"
    anthropic_server.enqueue(text("before"), text("after"))

    async def go() -> list[int]:
        try:
            statuses = []
            for _ in range(2):
                async with wire.stream("POST", url, HEADERS, BODY, Timeouts(5, 5)) as response:
                    await response.aread()
                    statuses.append(response.status)
                if len(statuses) == 1:
                    # the server drops the idle connection; this end has not read the close
                    # yet when the next request goes out on it
                    drop_idle(anthropic_server)
            return statuses
        finally:
            await wire.aclose()

    assert run(go) == [200, 200]
    assert wire.resent == 1
    assert anthropic_server.connections == 2
    assert [r.connection for r in anthropic_server.requests] == [1, 2]


def test_a_close_seen_while_idle_just_takes_a_new_connection(
        anthropic_server: MessagesServer) -> None:
    wire = H11Wire()
    url = anthropic_server.base_url + "/v1/messages"
    anthropic_server.enqueue(text("before"), text("after"))

    async def go() -> None:
        try:
            for number in range(2):
                async with wire.stream("POST", url, HEADERS, BODY, Timeouts(5, 5)) as response:
                    assert response.status == 200
                    await response.aread()
                if number == 0:
                    drop_idle(anthropic_server)
                    for _ in range(500):  # until this end has read the close
                        if not wire.pool.idle_open(Origin.split(url)[0]):
                            break
                        await asyncio.sleep(0.01)
        finally:
            await wire.aclose()

    run(go)
    assert wire.resent == 0 and anthropic_server.connections == 2


# --- cuts, timeouts, refusals ----------------------------------------------------------------


def test_a_stream_cut_between_events_is_a_connection_error(
        anthropic_server: MessagesServer) -> None:
    anthropic_server.enqueue(cut_stream(3), text("whole"))
    client = MessagesClient(base_url=anthropic_server.base_url, api_key="k")
    seen: list[Any] = []

    async def go() -> str:
        try:
            with pytest.raises(APIError) as caught:
                async for event in client.stream(REQUEST):
                    seen.append(event)
            assert caught.value.kind == "connection_error" and caught.value.should_retry
            return await collect(client)
        finally:
            await client.close()

    assert run(go) == "whole"
    assert len(seen) == 3 and not any(isinstance(e, MessageStop) for e in seen)
    assert anthropic_server.connections == 2  # the cut connection was not reused


def test_a_plain_body_cut_short_is_a_connection_error(anthropic_server: MessagesServer) -> None:
    anthropic_server.enqueue(cut_stream(20), text("whole"))
    client = MessagesClient(base_url=anthropic_server.base_url, api_key="k")

    async def go() -> str:
        try:
            with pytest.raises(APIError) as caught:
                await client.create(REQUEST)
            assert caught.value.kind == "connection_error"
            reply = await client.create(REQUEST)
            return reply.content[0].text  # type: ignore[union-attr]
        finally:
            await client.close()

    assert run(go) == "whole"


def test_slow_streams_finish_and_a_silent_server_times_out(
        anthropic_server: MessagesServer) -> None:
    # twelve-odd events 0.06 s apart: longer than the timeout in all, never silent that long
    anthropic_server.enqueue(text("a slow but steady answer here").slow(0.06),
                             text("late").delayed(2.0))
    client = MessagesClient(base_url=anthropic_server.base_url, api_key="k", timeout_s=0.5)

    async def go() -> str:
        try:
            answer = await collect(client)
            with pytest.raises(APIError) as caught:
                await collect(client)
            assert caught.value.kind == "timeout" and caught.value.should_retry
            assert "0.5 s" in caught.value.message
            return answer
        finally:
            await client.close()

    assert run(go) == "a slow but steady answer here"


def test_a_refused_connection_is_a_connection_error() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    failure = failure_of(MessagesClient(base_url=f"http://127.0.0.1:{port}", api_key="k"))
    assert failure.kind == "connection_error" and failure.should_retry
    assert f"127.0.0.1:{port}" in failure.message


# --- framings a server may choose -------------------------------------------------------------


class RawServer:
    """Answers one connection's first request with fixed bytes, then closes its side (or,
    with ``close=False``, waits for the client to close)."""

    def __init__(self, answer: bytes, *, close: bool = True) -> None:
        self.answer = answer
        self.close_after = close
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}/v1/messages"

    def _serve(self) -> None:
        connection, _ = self.listener.accept()
        with connection:
            data = b""
            while b"\r\n\r\n" not in data:
                data += connection.recv(4096)
            connection.sendall(self.answer)
            if self.close_after:
                connection.shutdown(socket.SHUT_WR)
            while connection.recv(4096):
                pass

    def close(self) -> None:
        self.listener.close()
        self.thread.join(5)


def fetch(url: str) -> tuple[int, bytes, int]:
    """Status and body of one request, and how many connections were kept after it."""
    wire = H11Wire()

    async def go() -> tuple[int, bytes, int]:
        try:
            async with wire.stream("POST", url, HEADERS, BODY, Timeouts(5, 5)) as response:
                status, body = response.status, await response.aread()
            return status, body, wire.pool.idle_open(Origin.split(url)[0])
        finally:
            await wire.aclose()

    return asyncio.run(go())


@pytest.mark.parametrize("answer", [
    pytest.param(b"HTTP/1.1 200 OK\r\ncontent-length: 11\r\n\r\nhello world", id="length"),
    pytest.param(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"
                 b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", id="chunked"),
    pytest.param(b"HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nhello world", id="until-close"),
    pytest.param(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 11\r\n\r\n"
                 b"hello world", id="after-100"),
])
def test_every_body_framing_reads_the_same(answer: bytes) -> None:
    server = RawServer(answer)
    try:
        status, body, _ = fetch(server.url)
    finally:
        server.close()
    assert (status, body) == (200, b"hello world")


@pytest.mark.parametrize(("answer", "kept"), [
    pytest.param(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok", 1, id="keep-alive"),
    pytest.param(b"HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 2\r\n\r\nok", 0,
                 id="connection-close"),
    pytest.param(b"HTTP/1.0 200 OK\r\ncontent-length: 2\r\n\r\nok", 0, id="http-1.0"),
])
def test_only_a_connection_the_server_keeps_open_is_kept(answer: bytes, kept: int) -> None:
    server = RawServer(answer, close=False)
    try:
        status, body, idle = fetch(server.url)
    finally:
        server.close()
    assert (status, body, idle) == (200, b"ok", kept)


def test_a_stream_cut_inside_an_event_is_a_connection_error() -> None:
    event = b'event: content_block_delta\ndata: {"type": "content_block_delta", "ind'
    frame = b"%x\r\n%s\r\n" % (len(event), event)
    server = RawServer(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
                       b"transfer-encoding: chunked\r\n\r\n" + frame)
    client = MessagesClient(base_url=server.url.removesuffix("/v1/messages"), api_key="k")
    try:
        failure = failure_of(client)
    finally:
        server.close()
    assert failure.kind == "connection_error" and "broke off" in failure.message


# --- the connection opened ahead --------------------------------------------------------------


def test_the_first_request_uses_the_connection_opened_ahead(
        anthropic_server: MessagesServer) -> None:
    port = warm(anthropic_server.base_url)
    assert port is not None
    anthropic_server.enqueue(text("first"), text("second"))
    client = MessagesClient(base_url=anthropic_server.base_url, api_key="k")

    async def go() -> list[str]:
        try:
            return [await collect(client), await collect(client)]
        finally:
            await client.close()

    assert run(go) == ["first", "second"]
    assert [r.client_port for r in anthropic_server.requests] == [port, port]
    assert anthropic_server.connections == 1 and not preopen.take(Origin.split(
        anthropic_server.base_url)[0])


def test_a_connection_opened_ahead_that_went_stale_is_replaced(
        anthropic_server: MessagesServer) -> None:
    port = warm(anthropic_server.base_url)
    assert port is not None
    drop_idle(anthropic_server)
    anthropic_server.enqueue(text("fresh"))
    wire = H11Wire()

    async def go() -> bytes:
        try:
            async with wire.stream("POST", anthropic_server.base_url + "/v1/messages", HEADERS,
                                   BODY, Timeouts(5, 5)) as response:
                return await response.aread()
        finally:
            await wire.aclose()

    assert b"fresh" in run(go)
    assert wire.resent == 1
    assert anthropic_server.requests[0].client_port != port


def test_without_a_connection_opened_ahead_the_request_connects_itself(
        anthropic_server: MessagesServer) -> None:
    anthropic_server.enqueue(text("direct"))
    client = MessagesClient(base_url=anthropic_server.base_url, api_key="k")

    async def go() -> str:
        try:
            return await collect(client)
        finally:
            await client.close()

    assert run(go) == "direct" and anthropic_server.connections == 1


def test_the_command_line_sends_its_requests_on_the_connection_opened_ahead(
        anthropic_server: MessagesServer, project: Path) -> None:
    """`corral -p` opens its connection in the warm-up thread while start-up runs; had the
    first request not taken it, the server would see a second connection."""
    anthropic_server.enqueue(tool_use("Glob", {"pattern": "*.txt"}), text("done"))
    done = subprocess.run([sys.executable, "-m", "corral", "-p", "list files"], cwd=project,
                          env={**os.environ, "CORRAL_LOAD_PLUGINS": ""}, capture_output=True,
                          text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "done"
    assert [r.connection for r in anthropic_server.message_requests] == [1, 1]
    assert anthropic_server.connections == 1
