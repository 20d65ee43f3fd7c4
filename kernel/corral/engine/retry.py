"""Which model errors are worth another try, and how long to wait before it."""

from __future__ import annotations

import random
from email.utils import parsedate_to_datetime
from typing import Any, Literal

from corral.engine.stream import StreamCut

Verdict = Literal["retry", "prompt_too_long", "fatal"]

RETRY_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504, 529})


def classify(exc: BaseException) -> Verdict:
    """Decide what to do about an error from one model request."""
    import anthropic

    if isinstance(exc, StreamCut | anthropic.APIConnectionError) or _is_transport_error(exc):
        return "retry"
    if isinstance(exc, anthropic.APIStatusError):
        if exc.status_code in RETRY_STATUSES or exc.status_code >= 500:
            return "retry"
        if exc.status_code in (400, 413) and "too long" in str(exc).lower():
            return "prompt_too_long"
    if isinstance(exc, anthropic.APIError) and "overloaded" in str(exc).lower():
        return "retry"
    return "fatal"


#: Transport failures of the HTTP client under the SDK (httpx or its successors), which a
#: stream being read can raise unwrapped.
_TRANSPORT_NAMES = frozenset({"TransportError", "NetworkError", "ProtocolError", "TimeoutException"})


def _is_transport_error(exc: BaseException) -> bool:
    return any(
        cls.__name__ in _TRANSPORT_NAMES and cls.__module__.split(".")[0].startswith("http")
        for cls in type(exc).__mro__
    )


def retry_after(exc: BaseException) -> float | None:
    """Seconds the server asked us to wait, from ``retry-after-ms`` or ``retry-after``."""
    response: Any = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
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

        return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


def backoff(attempt: int, base: float, cap: float, exc: BaseException) -> float:
    """Delay before retry ``attempt`` (1-based): the server's ``retry-after`` when given,
    else exponential with jitter (between half and all of ``base * 2**(attempt-1)``)."""
    asked = retry_after(exc)
    if asked is not None:
        return min(asked, cap)
    full = min(cap, base * 2 ** (attempt - 1))
    return full / 2 + random.random() * full / 2
