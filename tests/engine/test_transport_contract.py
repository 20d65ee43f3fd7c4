"""One engine contract, three ways to the endpoint: the kernel's transport on its default wire
(h11 on asyncio streams), the kernel's transport through a proxy (``HTTP_PROXY`` set: httpx
carries the requests, through corral.testing's loopback proxy), and the anthropic SDK as a
provider (``provider = "anthropic-sdk"``), all against the scripted Messages server over real
HTTP."""

from __future__ import annotations

import asyncio
import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from corral.app import App
from corral.engine import Engine
from corral.events import Event, RetryScheduled, TextDelta, ThinkingDelta
from corral.session import Session
from corral.testing import (
    ForwardProxy,
    MessagesServer,
    cut_stream,
    error,
    message,
    overloaded,
    prompt_too_long,
    rate_limited,
    text,
    thinking,
    tool_block,
    tool_use,
)
from corral.transport.client import API_VERSION

HAS_SDK = importlib.util.find_spec("anthropic") is not None

TRANSPORTS = [
    pytest.param("kernel", id="kernel"),
    pytest.param("kernel-proxied", id="kernel-httpx"),
    pytest.param("sdk", id="sdk", marks=pytest.mark.skipif(
        not HAS_SDK, reason="the anthropic SDK is not installed (pip install 'corral[sdk]')")),
]


@pytest.fixture(params=TRANSPORTS)
def transport(request: pytest.FixtureRequest, anthropic_server: MessagesServer,
              monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The ``[api] provider`` to run with; for ``kernel-httpx`` a loopback proxy is set in
    ``HTTP_PROXY``, and every request must have gone through it."""
    if request.param != "kernel-proxied":
        yield "anthropic" if request.param == "kernel" else "anthropic-sdk"
        return
    with ForwardProxy() as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        yield "anthropic"
    assert proxy.targets and set(proxy.targets) == {f"127.0.0.1:{anthropic_server.port}"}


class Run:
    def __init__(self, project: Path, provider: str, **api: Any) -> None:
        cli = {"api": {"provider": provider, "retry_base_delay_s": 0.01,
                       "retry_max_delay_s": 0.05, **api}}
        app = App.create(cwd=project, environ={"CORRAL_LOAD_PLUGINS": ""}, cli=cli)
        self.session = Session(app, headless=True)
        self.session.permission_mode = "bypassPermissions"
        self.events: list[Event] = []
        self.session.listeners.append(self.events.append)

    def turn(self, prompt: str) -> Any:
        async def go() -> Any:
            engine = Engine(self.session)
            try:
                return await engine.run_turn(prompt)
            finally:
                await engine.aclose()

        return asyncio.run(go())

    def of(self, kind: type) -> list[Any]:
        return [e for e in self.events if isinstance(e, kind)]


def test_streams_text_deltas_and_usage(anthropic_server: MessagesServer, project: Path,
                                       transport: str) -> None:
    reply = text("The quick brown fox jumps over the lazy dog.")
    anthropic_server.enqueue(reply.with_usage(input_tokens=120, output_tokens=11).slow(0.001))
    run = Run(project, transport)
    outcome = run.turn("hi")
    assert outcome.subtype == "success"
    assert outcome.result == "The quick brown fox jumps over the lazy dog."
    deltas = run.of(TextDelta)
    assert len(deltas) > 3 and "".join(d.text for d in deltas) == outcome.result
    assert (run.session.usage.input_tokens, run.session.usage.output_tokens) == (120, 11)
    sent = anthropic_server.message_requests[0]
    assert sent.stream and sent.api_key
    version = sent.header("anthropic-version")
    assert version == API_VERSION if transport == "anthropic" else version


def test_tool_use_input_split_over_many_deltas(anthropic_server: MessagesServer, project: Path,
                                               transport: str) -> None:
    (project / "notes.txt").write_text("alpha\nbeta\n")
    call = tool_use("Read", {"file_path": "notes.txt", "offset": 1, "limit": 5},
                    preamble="Reading.")
    anthropic_server.enqueue(call.__class__(**{**_fields(call), "chunk_size": 2}), text("read"))
    run = Run(project, transport)
    outcome = run.turn("read it")
    assert outcome.result == "read"
    assistant = run.session.messages[1]["content"]
    assert assistant[0] == {"type": "text", "text": "Reading."}
    assert assistant[1]["input"] == {"file_path": "notes.txt", "offset": 1, "limit": 5}
    result = anthropic_server.message_requests[1].messages[-1]["content"][0]
    assert result["tool_use_id"] == assistant[1]["id"] and "alpha" in str(result["content"])


def test_parallel_tool_calls_in_one_reply(anthropic_server: MessagesServer, project: Path,
                                          transport: str) -> None:
    for name in ("a", "b", "c"):
        (project / f"{name}.txt").write_text(name * 3)
    blocks = [tool_block("Read", {"file_path": f"{n}.txt"}) for n in ("a", "b", "c")]
    anthropic_server.enqueue(message(*blocks), text("ok"))
    run = Run(project, transport)
    assert run.turn("go").result == "ok"
    results = anthropic_server.message_requests[1].messages[-1]["content"]
    assert ["aaa" in str(results[0]), "bbb" in str(results[1]), "ccc" in str(results[2])] == \
        [True, True, True]


def test_thinking_blocks_keep_their_signature(anthropic_server: MessagesServer, project: Path,
                                              transport: str) -> None:
    anthropic_server.enqueue(thinking("Let me consider the options carefully.", "42"),
                             text("again"))
    run = Run(project, transport)
    assert run.turn("q").result == "42"
    block = run.session.messages[1]["content"][0]
    assert block["type"] == "thinking"
    assert block["thinking"] == "Let me consider the options carefully."
    assert block["signature"] == "c2lnbmVkLWJ5LWNvcnJhbC10ZXN0aW5n"
    assert "".join(d.text for d in run.of(ThinkingDelta)) == block["thinking"]
    run.turn("more")  # the thinking block is sent back as it came
    assert anthropic_server.message_requests[1].messages[1]["content"][0] == block


def test_cache_usage_is_counted(anthropic_server: MessagesServer, project: Path,
                                transport: str) -> None:
    anthropic_server.enqueue(text("cached").with_usage(
        input_tokens=10, output_tokens=2, cache_creation_input_tokens=3000,
        cache_read_input_tokens=9000))
    run = Run(project, transport)
    run.turn("x")
    usage = run.session.usage
    assert (usage.cache_creation_input_tokens, usage.cache_read_input_tokens) == (3000, 9000)
    assert run.session.cost_usd and run.session.cost_usd > 0


@pytest.mark.parametrize(
    "failure",
    [
        pytest.param(rate_limited(0), id="429-retry-after"),
        pytest.param(overloaded(), id="529"),
        pytest.param(error(500), id="500"),
        pytest.param(error(503, "unavailable"), id="503"),
        pytest.param(error(400, "try again", headers={"x-should-retry": "true"}),
                     id="400-should-retry"),
        pytest.param(cut_stream(3), id="connection-dropped"),
        pytest.param(cut_stream(4, error=overloaded()), id="error-event-in-stream"),
    ],
)
def test_retryable_failures_are_retried(anthropic_server: MessagesServer, project: Path,
                                        transport: str, failure: Any) -> None:
    anthropic_server.enqueue(failure, text("recovered"))
    run = Run(project, transport)
    outcome = run.turn("hi")
    assert outcome.subtype == "success" and outcome.result == "recovered"
    retries = run.of(RetryScheduled)
    assert len(retries) == 1 and retries[0].attempt == 1
    assert len(anthropic_server.message_requests) == 2


def test_retry_after_is_honoured(anthropic_server: MessagesServer, project: Path,
                                 transport: str) -> None:
    anthropic_server.enqueue(rate_limited(0.3), text("ok"))
    run = Run(project, transport, retry_max_delay_s=5.0)
    assert run.turn("hi").result == "ok"
    assert run.of(RetryScheduled)[0].delay_s == pytest.approx(0.3)
    first, second = anthropic_server.message_requests
    assert second.received_at - first.received_at >= 0.3


@pytest.mark.parametrize(
    ("failure", "words"),
    [
        pytest.param(error(401), "authentication_error", id="401"),
        pytest.param(error(403), "permission_error", id="403"),
        pytest.param(error(404), "not_found_error", id="404"),
        pytest.param(error(400, "bad field"), "bad field", id="400"),
        pytest.param(error(503, "down", headers={"x-should-retry": "false"}), "down",
                     id="503-should-not-retry"),
    ],
)
def test_fatal_errors_end_the_turn_with_the_message(anthropic_server: MessagesServer,
                                                    project: Path, transport: str,
                                                    failure: Any, words: str) -> None:
    anthropic_server.enqueue(failure)
    run = Run(project, transport)
    outcome = run.turn("hi")
    assert outcome.is_error and words in outcome.result
    assert not run.of(RetryScheduled) and len(anthropic_server.message_requests) == 1


def test_retries_give_up_after_max_retries(anthropic_server: MessagesServer, project: Path,
                                           transport: str) -> None:
    anthropic_server.enqueue(*[overloaded() for _ in range(3)])
    run = Run(project, transport, max_retries=2)
    outcome = run.turn("hi")
    assert outcome.is_error and "overloaded_error" in outcome.result
    assert "after 2 retries" in outcome.result and len(anthropic_server.message_requests) == 3


def test_prompt_too_long_compacts_then_retries(anthropic_server: MessagesServer, project: Path,
                                               transport: str) -> None:
    anthropic_server.enqueue(prompt_too_long(), text("SUMMARY: earlier work"), text("done"))
    run = Run(project, transport)
    run.session.messages = [{"role": "user", "content": "old"},
                            {"role": "assistant", "content": [{"type": "text", "text": "ans"}]}]
    assert run.turn("new").result == "done"
    summary, retried = anthropic_server.message_requests[1:]
    assert "Write a summary of the conversation" in str(summary.messages[-1]["content"])
    assert "SUMMARY: earlier work" in str(retried.messages[0]["content"])


def test_slow_streams_finish_and_stalled_ones_time_out(anthropic_server: MessagesServer,
                                                       project: Path, transport: str) -> None:
    anthropic_server.enqueue(text("one two three four").slow(0.05),
                             text("late").delayed(2.0), text("in time"))
    run = Run(project, transport, timeout_s=1.0)
    assert run.turn("a").result == "one two three four"
    outcome = run.turn("b")
    assert outcome.result == "in time"
    retry = run.of(RetryScheduled)
    assert len(retry) == 1 and "timeout" in retry[0].error.lower()


def test_headers_auth_and_endpoint(anthropic_server: MessagesServer, project: Path,
                                   transport: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    monkeypatch.setenv("ANTHROPIC_AUTH_TOKEN", "tok-123")
    anthropic_server.enqueue(text("ok"))
    run = Run(project, transport, extra_headers={"x-team": "blue"},
              betas=["one-2025-01-01", "two-2025-02-02"])
    assert run.turn("hi").result == "ok"
    sent = anthropic_server.message_requests[0]
    assert sent.header("authorization") == "Bearer tok-123" and sent.header("x-api-key") is None
    assert sent.header("x-team") == "blue"
    assert sent.header("anthropic-beta") == "one-2025-01-01,two-2025-02-02"
    assert sent.path == "/v1/messages"


def _fields(struct: Any) -> dict[str, Any]:
    return {f: getattr(struct, f) for f in struct.__struct_fields__}


def test_count_tokens_and_plain_requests(anthropic_server: MessagesServer) -> None:
    """The kernel client's count_tokens and non-streamed create, against the same server."""
    from corral.testing import estimate_tokens
    from corral.transport.client import MessagesClient

    request = {"model": "claude-haiku-4-5", "max_tokens": 50,
               "system": [{"type": "text", "text": "Be brief."}],
               "messages": [{"role": "user", "content": "How many tokens is this?"}]}
    anthropic_server.enqueue(text("plain answer").with_usage(input_tokens=7, output_tokens=2))
    client = MessagesClient(base_url=anthropic_server.base_url, api_key="k")

    async def go() -> tuple[int, Any]:
        try:
            return await client.messages.count_tokens(**request), \
                await client.messages.create(**request)
        finally:
            await client.close()

    counted, reply = asyncio.run(go())
    assert counted == estimate_tokens(request) > 1
    assert anthropic_server.requests[0].path == "/v1/messages/count_tokens"
    assert "max_tokens" not in anthropic_server.requests[0].body
    assert [b.text for b in reply.content] == ["plain answer"]
    assert (reply.usage.input_tokens, reply.stop_reason) == (7, "end_turn")
