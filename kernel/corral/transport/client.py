"""The kernel's Messages-API client on httpx: streaming, plain requests and token counts.

One httpx connection pool serves every client of an event loop (the main session, its
sub-agents, compaction), so a fan-out of sub-agents shares warm connections. Errors come out
as :class:`~corral.transport.errors.APIError`.
"""

# The stand-in for httpx's CLI must be installed before httpx is imported: import order matters.
# ruff: noqa: I001

from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import AsyncGenerator, Mapping
from typing import Any

from corral.transport import _lean_httpx  # noqa: F401  (before httpx: see that module)

import httpx
import msgspec

from corral._version import __version__
from corral.transport.errors import APIError
from corral.transport.key_helper import KeyHelper
from corral.transport.events import (
    KNOWN_TYPES,
    ErrorEvent,
    Message,
    StreamEvent,
    count_decoder,
    event_decoder,
    message_decoder,
)
from corral.transport.sse import sse_data

DEFAULT_BASE_URL = "https://api.anthropic.com"
#: The `anthropic-version` sent (the one the anthropic SDK 2.x sends); `[api] extra_headers`
#: can override it for an endpoint that wants another.
API_VERSION = "2026-10-21"
#: Seconds allowed to open a connection (the whole request has ``[api] timeout_s``).
CONNECT_TIMEOUT_S = 10.0

_encoder = msgspec.json.Encoder()
_type_only = msgspec.json.Decoder(dict[str, Any])


class _Shared:
    """The connection pool of one event loop, and how many clients hold it."""

    def __init__(self) -> None:
        self.http = httpx.AsyncClient(
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=32,
                                keepalive_expiry=60.0),
            follow_redirects=False,
        )
        self.users = 0


_pools: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Shared] = \
    weakref.WeakKeyDictionary()
#: A pool built ahead of time (its TLS context loaded) by :func:`prebuild`, taken by the
#: first event loop that needs one.
_prebuilt: list[_Shared] = []
_prebuild_lock = threading.Lock()


def prebuild() -> None:
    """Build a pool now (from any thread), so the first request finds its TLS context
    loaded. Connections are still opened by the event loop that uses the pool."""
    with _prebuild_lock:
        if not _prebuilt:
            _prebuilt.append(_Shared())


def _acquire() -> _Shared:
    loop = asyncio.get_running_loop()
    shared = _pools.get(loop)
    if shared is None or shared.http.is_closed:
        with _prebuild_lock:
            shared = _prebuilt.pop() if _prebuilt else _Shared()
        _pools[loop] = shared
    shared.users += 1
    return shared


def _pool_of_this_loop() -> _Shared | None:
    try:
        return _pools.get(asyncio.get_running_loop())
    except RuntimeError:
        return None


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
        timeout_s: The longest a request may take; connecting gets at most 10 s of it.
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
        self.timeout = httpx.Timeout(timeout_s, connect=min(CONNECT_TIMEOUT_S, timeout_s))
        self.messages = _Messages(self)
        self._shared: _Shared | None = None
        self._closed = False

    # -- the connection pool --------------------------------------------------------------

    def _http(self) -> httpx.AsyncClient:
        if self._shared is None or self._shared.http.is_closed:
            self._shared = _acquire()
            self._closed = False
        return self._shared.http

    async def close(self) -> None:
        """Let go of the shared pool; the last client of an event loop closes it."""
        shared, self._shared = self._shared, None
        if shared is None or self._closed:
            return
        self._closed = True
        shared.users -= 1
        if shared.users <= 0 and not shared.http.is_closed:
            await shared.http.aclose()

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
            try:
                async with self._http().stream(
                    "POST", self._url("/v1/messages"), content=body, headers=headers,
                    timeout=self.timeout,
                ) as response:
                    if response.status_code >= 400:
                        content = await response.aread()
                        if self._retry_auth(response.status_code, refreshed):
                            refreshed = True
                            continue
                        raise APIError.from_response(
                            response.status_code, response.headers, content
                        )
                    async for data in sse_data(response.aiter_raw()):
                        event = _decode_event(data)
                        if event is None:
                            continue
                        if isinstance(event, ErrorEvent):
                            raise APIError.from_event({"error": event.error})
                        yield event
                    return
            except httpx.TransportError as exc:
                raise _transport_error(exc) from exc

    async def create(self, request: Mapping[str, Any]) -> Message:
        """POST ``request`` without streaming and return the whole reply."""
        response = await self._post("/v1/messages", request)
        return message_decoder.decode(response.content)

    async def count_tokens(self, request: Mapping[str, Any]) -> int:
        """Input tokens ``request`` would take (``POST /v1/messages/count_tokens``)."""
        fields = {k: v for k, v in request.items()
                  if k in ("model", "messages", "system", "tools", "tool_choice", "thinking")}
        response = await self._post("/v1/messages/count_tokens", fields)
        return count_decoder.decode(response.content).input_tokens

    async def _post(self, path: str, payload: Mapping[str, Any]) -> httpx.Response:
        content = _encoder.encode(payload)
        refreshed = False
        while True:
            try:
                response = await self._http().post(
                    self._url(path), content=content, headers=await self._headers(refreshed),
                    timeout=self.timeout,
                )
            except httpx.TransportError as exc:
                raise _transport_error(exc) from exc
            if not self._retry_auth(response.status_code, refreshed):
                break
            refreshed = True
        if response.status_code >= 400:
            raise APIError.from_response(response.status_code, response.headers, response.content)
        return response


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


def _transport_error(exc: httpx.TransportError) -> APIError:
    timeout = isinstance(exc, httpx.TimeoutException)
    what = str(exc) or type(exc).__name__
    return APIError(f"{type(exc).__name__}: {what}" if str(exc) else what,
                    kind="timeout" if timeout else "connection_error")
