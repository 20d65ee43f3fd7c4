"""The provider-neutral APIError and the retry policy that reads it."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from corral import hookimpl
from corral.api import APIError, Provider
from corral.app import App
from corral.engine import Engine
from corral.engine.retry import backoff, classify
from corral.events import Event, RetryScheduled
from corral.session import Session


def test_from_response_reads_the_messages_error_shape() -> None:
    body = b'{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}'
    err = APIError.from_response(529, {"retry-after": "3", "request-id": "req_1"}, body)
    assert (err.status, err.kind, err.message) == (529, "overloaded_error", "Overloaded")
    assert err.retry_after == 3.0 and err.request_id == "req_1"
    assert err.should_retry and classify(err) == "retry"
    assert backoff(1, 1.0, 60.0, err) == 3.0
    assert str(err) == "529 overloaded_error: Overloaded"


def test_from_response_reads_the_common_error_shape_and_plain_text() -> None:
    err = APIError.from_response(400, {}, b'{"error":{"message":"bad model","code":"model_not_found"}}')
    assert (err.kind, err.message, err.should_retry) == ("model_not_found", "bad model", False)
    assert classify(err) == "fatal"
    plain = APIError.from_response(502, {"retry-after-ms": "250"}, b"<html>bad gateway</html>")
    assert plain.kind == "api_error" and "bad gateway" in plain.message
    assert plain.retry_after == 0.25 and classify(plain) == "retry"


@pytest.mark.parametrize(
    ("status", "headers", "verdict"),
    [
        (429, {}, "retry"),
        (500, {}, "retry"),
        (503, {}, "retry"),
        (529, {}, "retry"),
        (408, {}, "retry"),
        (401, {}, "fatal"),
        (404, {}, "fatal"),
        (400, {"x-should-retry": "true"}, "retry"),
        (503, {"x-should-retry": "false"}, "fatal"),
    ],
)
def test_status_and_header_decide_the_verdict(status: int, headers: dict[str, str], verdict: str) -> None:
    assert classify(APIError.from_response(status, headers, None)) == verdict


def test_prompt_too_long_by_kind_or_by_message() -> None:
    by_message = APIError.from_response(
        400, {}, b'{"type":"error","error":{"type":"invalid_request_error",'
                 b'"message":"prompt is too long: 210000 tokens > 200000 maximum"}}')
    assert by_message.prompt_too_long and classify(by_message) == "prompt_too_long"
    by_kind = APIError("context length exceeded", status=400, kind="prompt_too_long")
    assert classify(by_kind) == "prompt_too_long" and not by_kind.should_retry


def test_connection_errors_and_stream_errors_retry() -> None:
    assert classify(APIError("connection refused", kind="connection_error")) == "retry"
    event = APIError.from_event({"type": "error",
                                 "error": {"type": "overloaded_error", "message": "busy"}})
    assert event.status is None and event.kind == "overloaded_error"
    assert classify(event) == "retry"
    assert classify(APIError.from_event({"error": {"type": "invalid_request_error",
                                                   "message": "no"}})) == "fatal"


def _flaky_provider(failures: list[APIError], seen: list[dict[str, Any]]) -> Any:
    async def stream(request: dict[str, Any]):  # noqa: ANN202
        seen.append(request)
        if failures:
            raise failures.pop(0)
        yield {"type": "message_start",
               "message": {"model": "m", "usage": {"input_tokens": 3, "output_tokens": 0}}}
        yield {"type": "content_block_start", "index": 0,
               "content_block": {"type": "text", "text": ""}}
        yield {"type": "content_block_delta", "index": 0,
               "delta": {"type": "text_delta", "text": "recovered"}}
        yield {"type": "content_block_stop", "index": 0}
        yield {"type": "message_delta", "delta": {"stop_reason": "end_turn"},
               "usage": {"output_tokens": 1}}
        yield {"type": "message_stop"}

    class Flaky:
        @hookimpl
        def corral_register_providers(self, register: Any) -> None:
            register(Provider(name="flaky", stream=stream))

    return Flaky()


def test_a_provider_raising_api_error_is_retried_like_the_builtin_transport(project: Path) -> None:
    seen: list[dict[str, Any]] = []
    failures = [APIError("busy", status=529, kind="overloaded_error", retry_after=0.0),
                APIError("slow down", status=429, kind="rate_limit_error", retry_after=0.0)]
    app = App.create(cwd=project, environ={"CORRAL_LOAD_PLUGINS": ""},
                     cli={"api": {"provider": "flaky"}},
                     extra_plugins={"flaky": _flaky_provider(failures, seen)})
    session = Session(app, headless=True)
    events: list[Event] = []
    emit = session.emit

    async def record(event: Event) -> None:
        events.append(event)
        await emit(event)

    session.emit = record  # type: ignore[method-assign]

    async def go() -> Any:
        engine = Engine(session)
        try:
            return await engine.run_turn("hi")
        finally:
            await engine.aclose()

    outcome = asyncio.run(go())
    assert outcome.result == "recovered" and len(seen) == 3
    retries = [e for e in events if isinstance(e, RetryScheduled)]
    assert [r.attempt for r in retries] == [1, 2]
    assert "overloaded_error" in retries[0].error and "rate_limit_error" in retries[1].error


def test_a_provider_error_that_should_not_retry_ends_the_turn(project: Path) -> None:
    seen: list[dict[str, Any]] = []
    failures = [APIError("bad key", status=401, kind="authentication_error")]
    app = App.create(cwd=project, environ={"CORRAL_LOAD_PLUGINS": ""},
                     cli={"api": {"provider": "flaky"}},
                     extra_plugins={"flaky": _flaky_provider(failures, seen)})

    async def go() -> Any:
        engine = Engine(Session(app, headless=True))
        try:
            return await engine.run_turn("hi")
        finally:
            await engine.aclose()

    outcome = asyncio.run(go())
    assert outcome.is_error and "authentication_error" in outcome.result and len(seen) == 1
