"""What an error from an OpenAI-format endpoint means to the engine.

Errors a retry cannot fix (a refused key, an unknown model, an endpoint without tool calling)
are our own :class:`corral.api.CorralError` subclasses, which the engine reports as they are.
Everything else becomes a :class:`corral.api.APIError` for the engine's retry policy
(``retry-after`` honoured): 408/409/429/5xx are retried, a prompt over the context window
(kind ``prompt_too_long``) starts compaction, other statuses end the turn.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from corral.api import PROMPT_TOO_LONG, APIError, CorralError

if TYPE_CHECKING:
    import httpx

    from corral_openai.settings import Endpoint

#: Phrases servers use when the prompt does not fit the model's context window.
CONTEXT_PHRASES = (
    "context length",
    "context_length",
    "maximum context",
    "context window",
    "exceed_context_size",
    "exceeds the available context",
    "too long",
    "reduce the length",
    "too many tokens",
)

#: Phrases servers use when the model or the server cannot call tools.
NO_TOOLS_PHRASES = (
    "does not support tools",
    "tools are not supported",
    "tool calling is not supported",
    "does not support function",
    "tool choice requires",
    "enable-auto-tool-choice",
    "tool-call-parser",
    "tools param requires",
    "--jinja",
)


class OpenAIEndpointError(CorralError):
    """The OpenAI-format endpoint refused the request for a reason a retry cannot fix."""


class KeyRefused(OpenAIEndpointError):
    """401/403: the key is missing, wrong or lacks access."""

    exit_code = 2


class UnknownModel(OpenAIEndpointError):
    """The endpoint does not serve the requested model."""

    exit_code = 2


class ToolsUnsupported(OpenAIEndpointError):
    """The endpoint (or the model on it) does not do tool calling, which corral needs."""

    exit_code = 2


def error_fields(body: bytes | str | Any) -> tuple[str, str, str]:
    """``(message, code, type)`` of an error body in any of the usual shapes."""
    data = body
    if isinstance(body, bytes | str):
        try:
            data = json.loads(body)
        except ValueError:
            text = body.decode(errors="replace") if isinstance(body, bytes) else body
            return text.strip()[:500], "", ""
    if isinstance(data, dict) and "error" in data:
        data = data["error"]
    if isinstance(data, str):
        return data, "", ""
    if isinstance(data, dict):
        message = str(data.get("message") or data.get("detail") or json.dumps(data))
        return message, str(data.get("code") or ""), str(data.get("type") or "")
    return str(data)[:500], "", ""


def is_context_overflow(message: str, code: str) -> bool:
    lowered = message.lower()
    return code == "context_length_exceeded" or any(p in lowered for p in CONTEXT_PHRASES)


def status_error(
    response: httpx.Response, body: bytes, endpoint: Endpoint, model: str, *, tools: bool
) -> Exception:
    """The exception for a non-2xx ``response`` (whose body was read into ``body``)."""
    status = response.status_code
    message, code, _ = error_fields(body)
    where = endpoint.base_url
    if status in (401, 403):
        hint = (
            f"{endpoint.key_variable} is not set"
            if endpoint.api_key is None
            else f"check the key in {endpoint.key_variable}"
        )
        return KeyRefused(
            f"the endpoint {where} refused the request ({status}: {message}); {hint} "
            "(`[api] api_key_env` names another variable)"
        )
    lowered = message.lower()
    if tools and status >= 400 and any(p in lowered for p in NO_TOOLS_PHRASES):
        return ToolsUnsupported(
            f"the endpoint {where} cannot call tools with model {model!r} ({status}: {message}); "
            "corral needs tool calling: pick a model with tool support, or start the server "
            "with tool calling on (docs/models.md lists the settings for common servers)"
        )
    if status == 404 and (code == "model_not_found" or "model" in lowered):
        return UnknownModel(
            f"the endpoint {where} does not serve model {model!r} ({message}); set `model` to "
            f"one it lists at {endpoint.url('/models')}"
        )
    base = APIError.from_response(status, response.headers, body)
    overflow = status in (400, 413, 422) and is_context_overflow(message, code)
    return APIError(
        f"{base.message} ({where})",
        status=status,
        kind=PROMPT_TOO_LONG if overflow else base.kind,
        retry_after=base.retry_after,
        should_retry=False if overflow else base.should_retry,
        request_id=base.request_id,
    )


def stream_error(error: Any, endpoint: Endpoint | None) -> APIError:
    """The error for an error object sent inside a stream (after a 200): retried, unless it
    says the prompt is over the context window."""
    message, code, kind = error_fields({"error": error})
    if endpoint is not None:
        message = f"{message} ({endpoint.base_url})"
    if is_context_overflow(message, code):
        return APIError(message, kind=PROMPT_TOO_LONG)
    return APIError(message, kind=kind or "api_error", should_retry=True)
