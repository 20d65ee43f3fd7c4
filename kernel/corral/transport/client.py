"""The kernel's Messages-API client: streaming, plain requests and token counts.

The requests go over :mod:`corral.transport.h11_wire` (asyncio streams and h11), or over
:mod:`corral.transport.httpx_wire` when a proxy from the environment applies to the endpoint.
One set of connections serves every client of an event loop (the main session, its
sub-agents, compaction), so a fan-out of sub-agents shares warm connections. Errors come out
as :class:`~corral.transport.errors.APIError`.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncGenerator, Mapping
from typing import Any

import msgspec

from corral._version import __version__
from corral.transport.endpoint import CONNECT_TIMEOUT_S, DEFAULT_BASE_URL
from corral.transport.errors import APIError
from corral.transport.events import (
    KNOWN_TYPES,
    ErrorEvent,
    Message,
    StreamEvent,
    count_decoder,
    event_decoder,
    message_decoder,
)
from corral.transport.key_helper import KeyHelper
from corral.transport.proxyenv import proxy_for
from corral.transport.sse import sse_data
from corral.transport.wire import Timeouts, Wire

#: The `anthropic-version` sent (the one the anthropic SDK 2.x sends); `[api] extra_headers`
#: can override it for an endpoint that wants another.
API_VERSION = "2026-10-21"
_encoder = msgspec.json.Encoder()
_type_only = msgspec.json.Decoder(dict[str, Any])


class _Shared:
    """The wires of one event loop (each made on first use), and how many clients hold
    them."""

    def __init__(self) -> None:
        self.direct: Wire | None = None
        self.proxied: Wire | None = None
        self.users = 0
        self.closed = False

    def wire(self, proxied: bool) -> Wire:
        if proxied:
            if self.proxied is None:
                from corral.transport.httpx_wire import HttpxWire

                self.proxied = HttpxWire()
            return self.proxied
        if self.direct is None:
            from corral.transport.h11_wire import H11Wire

            self.direct = H11Wire()
        return self.direct

    async def aclose(self) -> None:
        self.closed = True
        for wire in (self.direct, self.proxied):
            if wire is not None:
                await wire.aclose()


_pools: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Shared] = \
    weakref.WeakKeyDictionary()


def _acquire() -> _Shared:
    loop = asyncio.get_running_loop()
    shared = _pools.get(loop)
    if shared is None or shared.closed:
        shared = _pools[loop] = _Shared()
    shared.users += 1
    return shared


class _Messages:
    """``client.messages.create(**request)`` / ``.count_tokens(**request)``, for callers
    written against the SDK's shape (compaction, plugins' small requests)."""

    def __init__(self, client: MessagesClient) -> None:
        self._client = client

    async def create(self, **request: Any) -> Message:
        if request.pop("stream", False):
            raise TypeError("messages.create(stream=True): use MessagesClient.stream(request)")
        return await self._client.create(request)

    async def count_tokens(self, **request: Any) -> int:
        return await self._client.count_tokens(request)


class MessagesClient:
    """A Messages-API endpoint: where it is, how to authenticate, how long to wait.

    Args:
        base_url: The endpoint (``https://api.anthropic.com`` or a compatible one).
        api_key: Sent as ``x-api-key``.
        auth_token: Sent as ``Authorization: Bearer …``.
        headers: More headers for every request (``[api] extra_headers``, ``anthropic-beta``).
        timeout_s: The longest wait for each step of a request (sending it, the response's
            head, each piece of a streamed body); connecting gets at most 10 s.
        key_helper: Where the credential comes from instead (``apiKeyHelper``): its value is
            sent as ``x-api-key`` and as a bearer token, and fetched again once after a 401.
    """

    def __init__(
        self,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        auth_token: str | None = None,
        headers: Mapping[str, str] | None = None,
        timeout_s: float = 600.0,
        key_helper: KeyHelper | None = None,
    ) -> None:
        self.key_helper = key_helper
        self.base_url = (base_url or DEFAULT_BASE_URL).rstrip("/")
        self.headers: dict[str, str] = {
            "anthropic-version": API_VERSION,
            "content-type": "application/json",
            "accept": "application/json",
            "user-agent": f"corral/{__version__}",
        }
        if api_key:
            self.headers["x-api-key"] = api_key
        if auth_token:
            self.headers["authorization"] = f"Bearer {auth_token}"
        for name, value in (headers or {}).items():
            self.headers[name.lower()] = value
        self.timeouts = Timeouts(connect=min(CONNECT_TIMEOUT_S, timeout_s), read=timeout_s)
        #: The proxy the environment names for the endpoint (requests then go through httpx).
        self.proxy = proxy_for(self.base_url)
        self.messages = _Messages(self)
        self._shared: _Shared | None = None
        self._closed = False

    # -- the connection pool --------------------------------------------------------------

    def _wire(self) -> Wire:
        if self._shared is None or self._shared.closed:
            self._shared = _acquire()
            self._closed = False
        return self._shared.wire(self.proxy is not None)

    async def close(self) -> None:
        """Let go of the shared pool; the last client of an event loop closes it."""
        shared, self._shared = self._shared, None
        if shared is None or self._closed:
            return
        self._closed = True
        shared.users -= 1
        if shared.users <= 0 and not shared.closed:
            await shared.aclose()

    # -- requests -------------------------------------------------------------------------

    def _url(self, path: str) -> str:
        return self.base_url + path

    async def _headers(self, refresh: bool = False) -> dict[str, str]:
        """The request headers, with the helper's credential when there is a helper."""
        if self.key_helper is None:
            return self.headers
        key = await self.key_helper.key(refresh=refresh)
        return {**self.headers, "x-api-key": key, "authorization": f"Bearer {key}"}

    def _retry_auth(self, status: int, refreshed: bool) -> bool:
        """Whether a 401 is worth one more try with a fresh credential from the helper."""
        return status == 401 and self.key_helper is not None and not refreshed

    async def stream(self, request: Mapping[str, Any]) -> AsyncGenerator[StreamEvent, None]:
        """POST ``request`` with ``stream: true`` and yield its events as Structs.

        An ``error`` event raises :class:`APIError`; a connection that breaks raises
        :class:`APIError` with kind ``connection_error``. Unknown event types are skipped.
        """
        body = _encoder.encode({**request, "stream": True})
        refreshed = False
        while True:
            headers = {**await self._headers(refreshed), "accept": "text/event-stream"}
            async with self._wire().stream("POST", self._url("/v1/messages"), headers, body,
                                           self.timeouts) as response:
                if response.status >= 400:
                    content = await response.aread()
                    if self._retry_auth(response.status, refreshed):
                        refreshed = True
                        continue
                    raise APIError.from_response(response.status, response.headers, content)
                async for data in sse_data(response.aiter_raw()):
                    event = _decode_event(data)
                    if event is None:
                        continue
                    if isinstance(event, ErrorEvent):
                        raise APIError.from_event({"error": event.error})
                    yield event
                return

    async def create(self, request: Mapping[str, Any]) -> Message:
        """POST ``request`` without streaming and return the whole reply."""
        return message_decoder.decode(await self._post("/v1/messages", request))

    async def count_tokens(self, request: Mapping[str, Any]) -> int:
        """Input tokens ``request`` would take (``POST /v1/messages/count_tokens``)."""
        fields = {k: v for k, v in request.items()
                  if k in ("model", "messages", "system", "tools", "tool_choice", "thinking")}
        content = await self._post("/v1/messages/count_tokens", fields)
        return count_decoder.decode(content).input_tokens

    async def _post(self, path: str, payload: Mapping[str, Any]) -> bytes:
        """POST ``payload`` and return the body of a successful response."""
        body = _encoder.encode(payload)
        refreshed = False
        while True:
            headers = await self._headers(refreshed)
            async with self._wire().stream("POST", self._url(path), headers, body,
                                           self.timeouts) as response:
                content = await response.aread()
                if self._retry_auth(response.status, refreshed):
                    refreshed = True
                    continue
                if response.status >= 400:
                    raise APIError.from_response(response.status, response.headers, content)
                return content


def _decode_event(data: bytes) -> StreamEvent | None:
    try:
        return event_decoder.decode(data)
    except msgspec.ValidationError:
        try:
            kind = _type_only.decode(data).get("type")
        except msgspec.DecodeError:
            kind = None
        if kind not in KNOWN_TYPES:
            return None  # an event type added after this client was written
        raise APIError(f"malformed {kind} event: {data[:200]!r}", kind="invalid_response") \
            from None
    except msgspec.DecodeError:
        raise APIError(f"an event is not JSON: {data[:200]!r}", kind="invalid_response") \
            from None
