"""Faults: a stream cut mid-message, an error event mid-stream, slow streams, late first bytes."""

from __future__ import annotations

import asyncio
import importlib
import threading
import time
from typing import Any

import pytest
from corral.testing import MessagesServer, cut_stream, overloaded, text, tool_use

anthropic = pytest.importorskip("anthropic", reason="the anthropic SDK is not installed (pip install corral[sdk])")


def _transport_error() -> type[Exception]:
    # The SDK's HTTP library (httpx, or its fork httpx2) raises this for a body cut short.
    for name in ("httpx2", "httpx"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        found: type[Exception] = module.TransportError
        return found
    raise AssertionError("the anthropic SDK's HTTP library is not importable")


#: What reading a dropped stream may raise: the SDK's connection error or the transport's.
DROPPED = (anthropic.APIConnectionError, _transport_error())


def test_cut_stream_raises_in_the_stream_helper(anthropic_server: MessagesServer, sdk: Any) -> None:
    anthropic_server.enqueue(cut_stream(after_events=4, reply=tool_use("Bash", {"command": "ls"})))
    seen: list[str] = []
    with pytest.raises(DROPPED):
        with sdk.client().messages.stream(**sdk.request) as stream:
            for event in stream:
                seen.append(event.type)
    # message_start, ping (not surfaced), content_block_start, one delta: then the drop.
    assert seen[:2] == ["message_start", "content_block_start"]
    assert "message_stop" not in seen
    record = anthropic_server.last_request
    assert record.status == 200 and record.replied_at is not None


def test_cut_stream_raises_for_raw_async_streams(
    anthropic_server: MessagesServer, sdk: Any
) -> None:
    anthropic_server.enqueue(cut_stream(after_events=2))

    async def run() -> list[str]:
        seen: list[str] = []
        async with sdk.async_client() as client:
            stream = await client.messages.create(**sdk.request, stream=True)
            async for event in stream:
                seen.append(event.type)
        return seen

    with pytest.raises(DROPPED):
        asyncio.run(run())


def test_cut_json_reply_raises(anthropic_server: MessagesServer, sdk: Any) -> None:
    anthropic_server.enqueue(cut_stream(after_events=10))
    with pytest.raises(DROPPED):
        sdk.client().messages.create(**sdk.request)


def test_cut_past_the_end_sends_everything(anthropic_server: MessagesServer, sdk: Any) -> None:
    anthropic_server.enqueue(text("whole").cut(1000))
    with sdk.client().messages.stream(**sdk.request) as stream:
        assert stream.get_final_message().content[0].text == "whole"


def test_error_event_mid_stream(anthropic_server: MessagesServer, sdk: Any) -> None:
    anthropic_server.enqueue(text("partial answer that never ends").cut(5, error=overloaded()))
    with pytest.raises(anthropic.APIStatusError, match="overloaded_error") as caught:
        with sdk.client().messages.stream(**sdk.request) as stream:
            stream.get_final_message()
    assert _body(caught.value)["error"]["type"] == "overloaded_error"


def test_server_recovers_after_a_cut(anthropic_server: MessagesServer, sdk: Any) -> None:
    anthropic_server.enqueue(cut_stream(after_events=3), text("next one is fine"))
    client = sdk.client()
    with pytest.raises(DROPPED):
        with client.messages.stream(**sdk.request) as stream:
            stream.get_final_message()
    assert client.messages.create(**sdk.request).content[0].text == "next one is fine"


def test_slow_stream_spaces_its_events(anthropic_server: MessagesServer, sdk: Any) -> None:
    reply = text("abcdefgh" * 2).slow(0.05)  # 2 deltas: 7 events, 6 waits of 50 ms
    anthropic_server.enqueue(reply)
    with sdk.client().messages.stream(**sdk.request) as stream:
        arrivals = [time.perf_counter() for _ in stream]
        final = stream.get_final_message()
    assert final.content[0].text == "abcdefgh" * 2
    record = anthropic_server.last_request
    assert record.replied_at is not None
    assert record.replied_at - record.received_at >= 6 * 0.05
    assert arrivals[-1] - arrivals[0] >= 4 * 0.04  # events reached the client spread out


def test_delayed_first_byte_times_out_a_short_client(
    anthropic_server: MessagesServer, sdk: Any
) -> None:
    anthropic_server.enqueue(text("too late").delayed(3.0), text("on time"))
    client = sdk.client(timeout=0.3)
    with pytest.raises(anthropic.APITimeoutError):
        client.messages.create(**sdk.request)
    assert client.messages.create(**sdk.request).content[0].text == "on time"


def test_delayed_first_byte_is_waited_for(anthropic_server: MessagesServer, sdk: Any) -> None:
    anthropic_server.enqueue(text("worth the wait").delayed(0.2))
    start = time.perf_counter()
    assert sdk.client().messages.create(**sdk.request).content[0].text == "worth the wait"
    assert time.perf_counter() - start >= 0.2


def test_stop_ends_a_slow_reply_in_flight(sdk: Any) -> None:
    server = MessagesServer(text("x" * 64).slow(5.0)).start()  # 9 events: 40 s if left alone
    client = anthropic.Anthropic(base_url=server.base_url, api_key="k", max_retries=0, timeout=30)
    outcome: list[BaseException] = []

    def consume() -> None:
        try:
            with client.messages.stream(**sdk.request) as stream:
                stream.get_final_message()
        except BaseException as exc:  # recorded for the assertion below
            outcome.append(exc)

    worker = threading.Thread(target=consume)
    worker.start()
    deadline = time.monotonic() + 10
    while (
        not server.requests or server.last_request.status is None
    ) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.last_request.status == 200  # the reply has started
    server.stop()
    worker.join(timeout=10)
    client.close()
    assert not worker.is_alive()
    assert outcome and isinstance(outcome[0], DROPPED)
    assert not server.running


def _body(failure: anthropic.APIStatusError) -> Any:
    """The parsed JSON error body the SDK kept."""
    return failure.body
