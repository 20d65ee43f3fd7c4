"""The error a model request raises, whichever provider made it.

The engine's retry policy (:mod:`corral.engine.retry`) reads only these fields, so a provider
plugin that raises :class:`APIError` gets the same retries, ``retry-after`` waits and
prompt-too-long compaction as the built-in transport. This module imports only the standard
library.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from corral.errors import CorralError

#: HTTP statuses worth another try: timeouts, conflicts, rate limits, server errors, overload.
RETRY_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504, 529})

#: ``kind`` values that are always worth another try, whatever the status.
RETRY_KINDS = frozenset({
    "overloaded_error", "rate_limit_error", "api_error", "timeout_error",
    "connection_error", "timeout",
})

#: The ``kind`` a provider sets when the request did not fit the model's context window.
PROMPT_TOO_LONG = "prompt_too_long"


class APIError(CorralError):
    """A model endpoint answered with an error, or could not be reached.

    Attributes:
        message: What the endpoint said (or what went wrong on the way).
        status: The HTTP status, ``None`` for connection errors and errors inside a stream.
        kind: A short machine-readable name: the API's ``error.type`` (``overloaded_error``,
            ``rate_limit_error``, ``invalid_request_error`` …), ``connection_error``,
            ``timeout``, or :data:`PROMPT_TOO_LONG`.
        retry_after: Seconds the endpoint asked to wait before another try, if it said.
        should_retry: Whether another try may succeed. Derived from ``status``, ``kind`` and an
            ``x-should-retry`` header when not given.
        request_id: The endpoint's id for the request, for bug reports.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        kind: str = "api_error",
        retry_after: float | None = None,
        should_retry: bool | None = None,
        request_id: str | None = None,
    ) -> None:
        self.message = message
        self.status = status
        self.kind = kind
        self.retry_after = retry_after
        self.request_id = request_id
        if kind == "invalid_request_error" and _says_too_long(status, message):
            self.kind = PROMPT_TOO_LONG
        self.should_retry = _default_should_retry(status, self.kind, message) \
            if should_retry is None else should_retry
        super().__init__(str(self))

    def __str__(self) -> str:
        head = f"{self.status} {self.kind}" if self.status is not None else self.kind
        return f"{head}: {self.message}"

    @property
    def prompt_too_long(self) -> bool:
        """The request did not fit the context window (compacting may help)."""
        return self.kind == PROMPT_TOO_LONG or _says_too_long(self.status, self.message)

    @classmethod
    def from_response(
        cls, status: int, headers: Mapping[str, str], body: bytes | str | None
    ) -> APIError:
        """The error an HTTP error response stands for.

        Reads the Messages API's body (``{"type": "error", "error": {"type", "message"}}``)
        and the common ``{"error": {"message", "type"|"code"}}`` shape; ``retry-after-ms``,
        ``retry-after`` and ``x-should-retry`` headers; ``request-id``.
        """
        kind, message = _error_fields(body)
        return cls(
            message or f"HTTP {status}",
            status=status,
            kind=kind or default_kind(status),
            retry_after=parse_retry_after(headers),
            should_retry=header_should_retry(headers),
            request_id=headers.get("request-id") or headers.get("x-request-id"),
        )

    @classmethod
    def from_event(cls, data: Mapping[str, Any]) -> APIError:
        """The error an ``error`` event inside a stream carries (no HTTP status)."""
        error = data.get("error")
        if isinstance(error, Mapping):
            kind = str(error.get("type") or "api_error")
            message = str(error.get("message") or kind)
        else:
            kind, message = "api_error", str(data)
        return cls(message, kind=kind)


def default_kind(status: int) -> str:
    """The ``kind`` of an HTTP error whose body names none."""
    if status == 529:
        return "overloaded_error"
    if status == 429:
        return "rate_limit_error"
    return "api_error" if status >= 500 else "http_error"


def _default_should_retry(status: int | None, kind: str, message: str) -> bool:
    if kind == PROMPT_TOO_LONG:
        return False
    if status is not None and (status in RETRY_STATUSES or status >= 500):
        return True
    return kind in RETRY_KINDS or "overloaded" in message.lower()


def _says_too_long(status: int | None, message: str) -> bool:
    return status in (400, 413, None) and "too long" in message.lower()


def _error_fields(body: bytes | str | None) -> tuple[str, str]:
    if not body:
        return "", ""
    import json  # only an error's body needs it: off the way to the first request

    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        return "", text.strip()[:500]
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, dict):
        kind = error.get("type") or error.get("code") or ""
        return str(kind), str(error.get("message") or "")
    if isinstance(error, str):
        return "", error
    return "", str(data)[:500]


def header_should_retry(headers: Mapping[str, str]) -> bool | None:
    """What an ``x-should-retry: true|false`` header says, ``None`` without one."""
    value = headers.get("x-should-retry")
    if value == "true":
        return True
    if value == "false":
        return False
    return None


def parse_retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds to wait from ``retry-after-ms`` or ``retry-after`` (seconds or an HTTP date)."""
    ms = headers.get("retry-after-ms")
    if ms is not None:
        try:
            return max(0.0, float(ms) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        from datetime import UTC, datetime
        from email.utils import parsedate_to_datetime

        return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


#: Transport failures of an HTTP client (httpx or its successors), which a stream being read
#: can raise unwrapped.
_TRANSPORT_NAMES = frozenset({"TransportError", "NetworkError", "ProtocolError", "TimeoutException"})


def _is_transport_error(exc: BaseException) -> bool:
    return any(
        cls.__name__ in _TRANSPORT_NAMES and cls.__module__.split(".")[0].startswith("http")
        for cls in type(exc).__mro__
    )


def as_api_error(exc: BaseException) -> APIError | None:
    """``exc`` as an :class:`APIError`, or ``None`` when it is not a model-endpoint error.

    Besides ``APIError`` itself this reads, by duck typing, an HTTP client's transport errors
    and the anthropic SDK's errors (``status_code``, ``response.headers``, ``body``).
    """
    if isinstance(exc, APIError):
        return exc
    if _is_transport_error(exc):
        timeout = any(c.__name__.startswith("Timeout") for c in type(exc).__mro__)
        return APIError(str(exc) or type(exc).__name__,
                        kind="timeout" if timeout else "connection_error")
    names = {cls.__name__ for cls in type(exc).__mro__}
    if "APIError" not in names or not type(exc).__module__.startswith("anthropic"):
        return None
    if "APIConnectionError" in names:
        timeout = "APITimeoutError" in names
        return APIError(str(exc), kind="timeout" if timeout else "connection_error")
    status = getattr(exc, "status_code", None)
    response: Any = getattr(exc, "response", None)
    headers = getattr(response, "headers", None) or {}
    body: Any = getattr(exc, "body", None)
    error = body.get("error") if isinstance(body, dict) else None
    kind = str(error.get("type")) if isinstance(error, dict) and error.get("type") else ""
    message = str(getattr(exc, "message", "") or exc)
    if isinstance(status, int) and status >= 400:
        return APIError(message, status=status, kind=kind or default_kind(status),
                        retry_after=parse_retry_after(headers),
                        should_retry=header_should_retry(headers))
    return APIError(message, kind=kind or "api_error")
