"""One engine's link to an OpenAI-format endpoint: an httpx pool, the request, the stream."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import msgspec

from corral_openai import chat, responses
from corral_openai.errors import OpenAIEndpointError, status_error, stream_error
from corral_openai.events import Event
from corral_openai.settings import Endpoint
from corral_openai.sse import is_done, sse_events

if TYPE_CHECKING:
    import httpx


_encode = msgspec.json.Encoder().encode
_decode = msgspec.json.Decoder().decode


class BadStream(OpenAIEndpointError):
    """The endpoint sent something that is not an OpenAI-format stream."""


class OpenAIConnection:
    """A :class:`corral.api.Connection` for the ``openai`` provider."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        self._client: httpx.AsyncClient | None = None

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            import httpx

            headers = {"accept": "text/event-stream", **self.endpoint.headers}
            if self.endpoint.api_key:
                headers["authorization"] = f"Bearer {self.endpoint.api_key}"
            self._client = httpx.AsyncClient(
                headers=headers,
                timeout=httpx.Timeout(self.endpoint.timeout_s, connect=min(30.0, self.endpoint.timeout_s)),
            )
        return self._client

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    def stream(self, request: dict[str, Any]) -> AsyncIterator[Event]:
        if self.endpoint.settings.api_style == "responses":
            return self._stream(request, responses.PATH, responses.responses_body, responses.ResponsesStream)
        return self._stream(request, chat.PATH, chat.chat_body, chat.ChatStream)

    async def _stream(
        self, request: dict[str, Any], path: str, make_body: Any, reader_type: Any
    ) -> AsyncIterator[Event]:
        body = make_body(request, self.endpoint)
        model = str(request.get("model", ""))
        client = self._http()
        content = _encode(body)
        async with client.stream(
            "POST",
            self.endpoint.url(path),
            content=content,
            headers={"content-type": "application/json"},
        ) as response:
            if response.status_code >= 400:
                raw = await response.aread()
                raise status_error(
                    response, raw, self.endpoint, model, tools=bool(body.get("tools"))
                )
            reader = reader_type(model)
            if "json" in response.headers.get("content-type", ""):
                # a server that answers a streamed request with one JSON object
                whole = _decode(await response.aread())
                for event in reader.feed_whole(whole):
                    yield event
                return
            async for sse in sse_events(response.aiter_lines()):
                if is_done(sse):
                    break
                try:
                    data = _decode(sse.data)
                except msgspec.DecodeError as exc:
                    raise BadStream(
                        f"{self.endpoint.url(path)} sent an event that is not JSON: "
                        f"{sse.data[:200]!r}"
                    ) from exc
                if not isinstance(data, dict):
                    continue
                if "error" in data and not data.get("choices") or sse.event == "error":
                    raise stream_error(data.get("error", data), self.endpoint)
                for event in reader.feed(data):
                    yield event
                if reader.ended:
                    break
            if reader.complete:
                for event in reader.finish():
                    yield event
            # otherwise nothing closes the message: the engine sees a cut stream and retries
