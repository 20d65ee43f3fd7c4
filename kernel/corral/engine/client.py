"""The model client: the official anthropic SDK, imported only when a request is made."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from corral.errors import CorralError

if TYPE_CHECKING:
    from anthropic import AsyncAnthropic

    from corral.config.schema import Config


class NoCredentials(CorralError):
    exit_code = 2


def make_client(config: Config) -> AsyncAnthropic:
    """An ``AsyncAnthropic`` configured from the environment and ``[api]``.

    The SDK's own retries are off: the engine retries itself, so every retry is an event and
    a cut stream is retried as a whole request.
    """
    import anthropic

    api_key = os.environ.get("ANTHROPIC_API_KEY")
    auth_token = os.environ.get("ANTHROPIC_AUTH_TOKEN")
    if not api_key and not auth_token:
        raise NoCredentials(
            "no model credentials: set ANTHROPIC_API_KEY or ANTHROPIC_AUTH_TOKEN "
            "(and ANTHROPIC_BASE_URL for another endpoint); `corral doctor` shows the setup"
        )
    kwargs: dict[str, Any] = {
        "max_retries": 0,
        "timeout": config.api.timeout_s,
        "default_headers": dict(config.api.extra_headers),
    }
    if api_key:
        kwargs["api_key"] = api_key
    if auth_token:
        kwargs["auth_token"] = auth_token
    base_url = config.api.base_url or os.environ.get("ANTHROPIC_BASE_URL")
    if base_url:
        kwargs["base_url"] = base_url
    return anthropic.AsyncAnthropic(**kwargs)
