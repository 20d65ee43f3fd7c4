"""Which model errors are worth another try, and how long to wait before it.

The policy reads :class:`corral.transport.errors.APIError`, which the kernel's transport and
every provider raise. Errors of other clients (the HTTP library underneath, or the anthropic
SDK used directly by a plugin) are translated into one first, without importing either.
"""

from __future__ import annotations

import random
from typing import Any, Literal

from corral.engine.stream import StreamCut
from corral.transport.errors import (
    APIError,
    default_kind,
    header_should_retry,
    parse_retry_after,
)

Verdict = Literal["retry", "prompt_too_long", "fatal"]


def classify(exc: BaseException) -> Verdict:
    """Decide what to do about an error from one model request."""
    if isinstance(exc, StreamCut):
        return "retry"
    error = as_api_error(exc)
    if error is None:
        return "fatal"
    if error.prompt_too_long:
        return "prompt_too_long"
    return "retry" if error.should_retry else "fatal"


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
    if isinstance(status, int):
        return APIError(message, status=status, kind=kind or default_kind(status),
                        retry_after=parse_retry_after(headers),
                        should_retry=header_should_retry(headers))
    return APIError(message, kind=kind or "api_error")


def retry_after(exc: BaseException) -> float | None:
    """Seconds the server asked us to wait, from ``retry-after-ms`` or ``retry-after``."""
    error = as_api_error(exc)
    if error is not None:
        return error.retry_after
    response: Any = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    return None if headers is None else parse_retry_after(headers)


def backoff(attempt: int, base: float, cap: float, exc: BaseException) -> float:
    """Delay before retry ``attempt`` (1-based): the server's ``retry-after`` when given,
    else exponential with jitter (between half and all of ``base * 2**(attempt-1)``)."""
    asked = retry_after(exc)
    if asked is not None:
        return min(asked, cap)
    full = min(cap, base * 2 ** (attempt - 1))
    return full / 2 + random.random() * full / 2
