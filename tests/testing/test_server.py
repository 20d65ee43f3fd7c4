"""The server itself: lifecycle, scripting by queue or function, and the request record."""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
from typing import Any

import pytest
from corral.testing import (
    MessagesServer,
    RecordedRequest,
    ScriptError,
    Usage,
    error,
    estimate_tokens,
    text,
    tool_use,
)

anthropic = pytest.importorskip("anthropic", reason="the anthropic SDK is not installed (pip install corral[sdk])")


def _post(
    server: MessagesServer, path: str, body: bytes, **headers: str
) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        server.base_url + path, data=body, headers={"content-type": "application/json", **headers}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as failure:
        with failure:
            return failure.code, json.loads(failure.read())


def test_binds_loopback_on_a_free_port() -> None:
    with MessagesServer() as first, MessagesServer() as second:
        assert first.base_url.startswith("http://127.0.0.1:")
        assert first.port != second.port and first.port > 0


def test_not_running_server_has_no_url() -> None:
    server = MessagesServer()
    with pytest.raises(ScriptError, match="not running"):
        _ = server.base_url
    server.start()
    port = server.port
    server.stop()
    server.stop()  # stopping twice is harmless
    with pytest.raises(ScriptError, match="not running"):
        _ = server.base_url
    with socket.socket() as probe, pytest.raises(ConnectionRefusedError):
        probe.settimeout(2)
        probe.connect(("127.0.0.1", port))


def test_start_twice_is_refused() -> None:
    with MessagesServer() as server, pytest.raises(ScriptError, match="already started"):
        server.start()


def test_stop_is_prompt_with_an_idle_keep_alive_connection(sdk: Any) -> None:
    server = MessagesServer(text("hi")).start()
    client = anthropic.Anthropic(base_url=server.base_url, api_key="k", max_retries=0, timeout=10)
    client.messages.create(**sdk.request)  # leaves a pooled keep-alive connection open
    started = time.perf_counter()
    server.stop()
    elapsed = time.perf_counter() - started
    client.close()
    assert elapsed < 5.0  # the handler's read was interrupted, not waited out (60 s timeout)


def test_enqueue_refuses_what_is_not_a_reply() -> None:
    with pytest.raises(ScriptError, match="cannot script 'hello'"):
        MessagesServer("hello")  # type: ignore[arg-type]


def test_responder_answers_from_the_request(anthropic_server: MessagesServer, sdk: Any) -> None:
    def echo(request: RecordedRequest) -> Any:
        return text(f"you said {request.messages[-1]['content']!r}")

    anthropic_server.respond_with(echo)
    client = sdk.client()
    for word in ("one", "two"):
        args = dict(sdk.request, messages=[{"role": "user", "content": word}])
        assert client.messages.create(**args).content[0].text == f"you said {word!r}"
    anthropic_server.respond_with(None)
    with pytest.raises(anthropic.InternalServerError, match="exhausted"):
        client.messages.create(**sdk.request)


def test_queue_goes_first_then_the_responder(anthropic_server: MessagesServer, sdk: Any) -> None:
    anthropic_server.enqueue(text("queued"), lambda request: text(f"once for {request.model}"))
    anthropic_server.respond_with(lambda request: text("fallback"))
    client = sdk.client()
    got = [client.messages.create(**sdk.request).content[0].text for _ in range(4)]
    assert got == ["queued", "once for claude-test-model", "fallback", "fallback"]


def test_a_failing_responder_is_reported(anthropic_server: MessagesServer, sdk: Any) -> None:
    def broken(request: RecordedRequest) -> Any:
        raise KeyError("no such fixture")

    not_a_reply: Any = lambda request: "not a reply"  # noqa: E731
    anthropic_server.enqueue(broken, not_a_reply)
    client = sdk.client()
    with pytest.raises(anthropic.InternalServerError, match="raised KeyError"):
        client.messages.create(**sdk.request)
    with pytest.raises(anthropic.InternalServerError, match="not a reply"):
        client.messages.create(**sdk.request)
    assert [r.note for r in anthropic_server.requests] == [
        "responder raised KeyError('no such fixture')",
        "responder returned 'not a reply'",
    ]


def test_requests_are_recorded(anthropic_server: MessagesServer, sdk: Any) -> None:
    anthropic_server.enqueue(tool_use("Read", {"file_path": "a"}), text("done"))
    client = sdk.client()
    tools = [{"name": "Read", "description": "read", "input_schema": {"type": "object"}}]
    first = client.messages.create(**sdk.request, system="be brief", tools=tools)
    follow_up = [
        *sdk.request["messages"],
        {"role": "assistant", "content": first.content},
        {
            "role": "user",
            "content": [
                {"type": "tool_result", "tool_use_id": first.content[0].id, "content": "x"}
            ],
        },
    ]
    with client.messages.stream(**dict(sdk.request, messages=follow_up)) as stream:
        stream.get_final_message()

    one, two = anthropic_server.requests
    assert (one.method, one.path, one.query) == ("POST", "/v1/messages", "")
    assert one.api_key == "test-key"
    assert one.header("Content-Type") == "application/json"
    assert one.header("anthropic-version") is not None
    assert one.system == "be brief" and one.tools[0]["name"] == "Read"
    assert one.body["max_tokens"] == 256 and one.stream is False and two.stream is True
    assert two.messages[-1]["content"][0]["tool_use_id"] == first.content[0].id
    assert one.reply is not None and one.reply.content[0].name == "Read"  # type: ignore[union-attr]
    assert one.status == two.status == 200
    assert one.replied_at is not None and two.replied_at is not None
    assert one.received_at <= one.replied_at <= two.received_at <= two.replied_at
    gaps = anthropic_server.idle_gaps()
    assert gaps == [two.received_at - one.replied_at] and gaps[0] >= 0
    anthropic_server.clear()
    assert anthropic_server.requests == [] and anthropic_server.idle_gaps() == []


def test_last_request_needs_a_request(anthropic_server: MessagesServer) -> None:
    with pytest.raises(ScriptError, match="no request"):
        _ = anthropic_server.last_request


def test_count_tokens_answers_the_estimate(anthropic_server: MessagesServer, sdk: Any) -> None:
    args = {"model": "claude-test-model", "messages": [{"role": "user", "content": "y" * 100}]}
    counted = sdk.client().messages.count_tokens(**args, system="sys")
    assert counted.input_tokens == estimate_tokens(dict(args, system="sys"))
    assert anthropic_server.last_request.path == "/v1/messages/count_tokens"
    assert anthropic_server.pending == 0 and anthropic_server.last_request.reply is None


def test_count_tokens_matches_a_replys_default_input_tokens(
    anthropic_server: MessagesServer, sdk: Any
) -> None:
    anthropic_server.enqueue(text("hi"), text("hi", usage=Usage(input_tokens=3)))
    client = sdk.client()
    counted = client.messages.count_tokens(model="m", messages=sdk.request["messages"])
    assert client.messages.create(**sdk.request).usage.input_tokens == counted.input_tokens
    assert client.messages.create(**sdk.request).usage.input_tokens == 3


def test_bad_json_body_is_a_400(anthropic_server: MessagesServer) -> None:
    status, body = _post(anthropic_server, "/v1/messages", b"{not json")
    assert status == 400
    assert body["type"] == "error" and body["error"]["type"] == "invalid_request_error"
    assert anthropic_server.last_request.body is None


def test_error_body_has_the_api_shape(anthropic_server: MessagesServer) -> None:
    anthropic_server.enqueue(error(529, "busy"))
    request = {"model": "m", "max_tokens": 1, "messages": []}
    status, body = _post(anthropic_server, "/v1/messages", json.dumps(request).encode())
    assert status == 529
    assert set(body) == {"type", "error", "request_id"}
    assert body["error"] == {"type": "overloaded_error", "message": "busy"}


def test_api_key_is_read_from_either_header() -> None:
    body = json.dumps({"model": "m", "max_tokens": 1, "messages": []}).encode()
    with MessagesServer(text("a"), text("b"), api_key="k1") as server:
        assert _post(server, "/v1/messages?beta=true", body, **{"x-api-key": "k1"})[0] == 200
        assert _post(server, "/v1/messages", body, authorization="Bearer k1")[0] == 200
        status, answer = _post(server, "/v1/messages", body, authorization="Bearer k2")
        assert (status, answer["error"]["type"]) == (401, "authentication_error")
        first, second, third = server.requests
    assert (first.api_key, second.api_key, third.api_key) == ("k1", "k1", "k2")
    assert first.query == "beta=true" and first.path == "/v1/messages"
    assert server.pending == 0 and third.note is not None
