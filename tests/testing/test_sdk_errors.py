"""Error replies reach the SDK as its exception classes; retries follow ``retry-after``."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from corral.testing import (
    MessagesServer,
    error,
    overloaded,
    prompt_too_long,
    rate_limited,
    text,
)

anthropic = pytest.importorskip("anthropic", reason="the anthropic SDK is not installed (pip install corral[sdk])")

ERRORS: list[tuple[int, type[anthropic.APIStatusError], str]] = [
    (400, anthropic.BadRequestError, "invalid_request_error"),
    (401, anthropic.AuthenticationError, "authentication_error"),
    (429, anthropic.RateLimitError, "rate_limit_error"),
    (500, anthropic.InternalServerError, "api_error"),
    # This SDK version has a class for 529; older ones raise APIStatusError with status 529.
    (529, getattr(anthropic, "OverloadedError", anthropic.APIStatusError), "overloaded_error"),
]


@pytest.mark.parametrize(("status", "exc_class", "kind"), ERRORS)
@pytest.mark.parametrize("stream", [False, True])
def test_status_maps_to_sdk_exception_sync(
    anthropic_server: MessagesServer,
    sdk: Any,
    status: int,
    exc_class: type[anthropic.APIStatusError],
    kind: str,
    stream: bool,
) -> None:
    anthropic_server.enqueue(error(status, "scripted failure"))
    with pytest.raises(exc_class) as caught:
        if stream:
            with sdk.client().messages.stream(**sdk.request) as events:
                events.get_final_message()
        else:
            sdk.client().messages.create(**sdk.request)
    assert caught.value.status_code == status
    assert _body(caught.value)["error"] == {"type": kind, "message": "scripted failure"}
    assert caught.value.request_id is not None and caught.value.request_id.startswith("req_")


@pytest.mark.parametrize(("status", "exc_class", "kind"), ERRORS)
def test_status_maps_to_sdk_exception_async(
    anthropic_server: MessagesServer,
    sdk: Any,
    status: int,
    exc_class: type[anthropic.APIStatusError],
    kind: str,
) -> None:
    anthropic_server.enqueue(error(status))

    async def run() -> None:
        async with sdk.async_client() as client:
            await client.messages.create(**sdk.request, stream=True)

    with pytest.raises(exc_class) as caught:
        asyncio.run(run())
    assert _body(caught.value)["error"]["type"] == kind


def test_prompt_too_long_is_a_bad_request_with_the_apis_message(
    anthropic_server: MessagesServer, sdk: Any
) -> None:
    anthropic_server.enqueue(prompt_too_long(tokens=201_000, limit=200_000))
    with pytest.raises(anthropic.BadRequestError, match="prompt is too long: 201000 tokens"):
        sdk.client().messages.create(**sdk.request)


def test_retry_after_is_honoured(anthropic_server: MessagesServer, sdk: Any) -> None:
    anthropic_server.enqueue(rate_limited(retry_after=0), text("second time lucky"))
    reply = sdk.client(max_retries=1).messages.create(**sdk.request)
    assert reply.content[0].text == "second time lucky"
    statuses = [r.status for r in anthropic_server.message_requests]
    assert statuses == [429, 200]
    assert anthropic_server.message_requests[0].reply == rate_limited(retry_after=0)


def test_client_waits_the_retry_after_seconds(anthropic_server: MessagesServer, sdk: Any) -> None:
    anthropic_server.enqueue(overloaded(retry_after=0.3), text("ok"))
    sdk.client(max_retries=1).messages.create(**sdk.request)
    first, second = anthropic_server.message_requests
    assert first.header("retry-after") is None  # a request header: the client sent none
    assert first.replied_at is not None
    assert second.received_at - first.replied_at >= 0.25  # the client slept as told


def test_exhausted_script_answers_a_clear_500(anthropic_server: MessagesServer, sdk: Any) -> None:
    anthropic_server.enqueue(text("only one"))
    client = sdk.client(max_retries=2)
    client.messages.create(**sdk.request)
    with pytest.raises(anthropic.InternalServerError, match="script is exhausted") as caught:
        client.messages.create(**sdk.request)
    assert caught.value.response.headers["x-should-retry"] == "false"
    assert len(anthropic_server.requests) == 2  # not retried despite max_retries=2
    assert anthropic_server.last_request.note == "script exhausted"
    assert anthropic_server.last_request.status == 500


def test_invalid_request_is_refused_before_the_script(
    anthropic_server: MessagesServer, sdk: Any
) -> None:
    anthropic_server.enqueue(text("kept for later"))
    client = sdk.client()
    with pytest.raises(anthropic.BadRequestError, match="max_tokens: Field required"):
        client.post("/v1/messages", body={"model": "m", "messages": []}, cast_to=object)
    assert anthropic_server.pending == 1
    assert client.messages.create(**sdk.request).content[0].text == "kept for later"


def test_wrong_api_key_gets_401(sdk: Any) -> None:
    with MessagesServer(text("never sent"), api_key="right-key") as server:
        client = anthropic.Anthropic(
            base_url=server.base_url, api_key="wrong-key", max_retries=0, timeout=10
        )
        with client, pytest.raises(anthropic.AuthenticationError):
            client.messages.create(**sdk.request)
        good = anthropic.Anthropic(
            base_url=server.base_url, api_key="right-key", max_retries=0, timeout=10
        )
        with good:
            assert good.messages.create(**sdk.request).content[0].text == "never sent"


def test_unknown_route_is_a_404_not_found(anthropic_server: MessagesServer, sdk: Any) -> None:
    with pytest.raises(anthropic.NotFoundError, match="corral.testing serves"):
        sdk.client().models.list()
    assert anthropic_server.last_request.path == "/v1/models"
    assert anthropic_server.last_request.method == "GET"


def _body(failure: anthropic.APIStatusError) -> Any:
    """The parsed JSON error body the SDK kept."""
    return failure.body
