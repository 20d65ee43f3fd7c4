"""Which model errors are worth another try, and how long to wait before it.

The policy reads :class:`corral.transport.errors.APIError`, which the kernel's transport and
every provider raise. Errors of other clients (the HTTP library underneath, or the anthropic
SDK used directly by a plugin) are translated into one first, without importing either.
"""

from __future__ import annotations

import random
from typing import Any, Literal

from corral.engine.stream import StreamCut
from corral.transport.errors import as_api_error, parse_retry_after

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


#: Overloaded answers in a row to one request after which a session with a fallback model
#: (``--fallback-model``) continues with it (fewer when ``max_retries`` allows fewer tries).
FALLBACK_AFTER_OVERLOADED = 3


def overloaded(exc: BaseException) -> bool:
    """The endpoint said the model is overloaded (HTTP 529 or an ``overloaded_error``)."""
    error = as_api_error(exc)
    return error is not None and (error.status == 529 or error.kind == "overloaded_error")


def falls_back_after(max_retries: int) -> int:
    """How many overloaded answers in a row switch to the fallback model: at most
    :data:`FALLBACK_AFTER_OVERLOADED`, and never more than the tries ``max_retries`` allows."""
    return max(1, min(FALLBACK_AFTER_OVERLOADED, max_retries + 1))


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
