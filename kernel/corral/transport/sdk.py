"""The anthropic SDK as a provider, for platforms whose authentication only the SDK does.

``[api] provider = "anthropic-sdk"`` (the first-party API through the SDK), ``"bedrock"``
(AWS Bedrock: the SDK's AWS credentials chain) or ``"vertex"`` (Google Vertex AI: Google
application-default credentials). The SDK is imported when the first request is made, never
on the kernel transport's path; install it with ``pip install 'corral[sdk]'`` (Bedrock and
Vertex need the SDK's own extras, ``anthropic[bedrock]`` / ``anthropic[vertex]``).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from corral.errors import CorralError
from corral.transport.errors import as_api_error

if TYPE_CHECKING:
    from corral.config.schema import Config
    from corral.providers import Provider

#: Provider name -> the SDK's async client class for it.
SDK_CLIENTS: dict[str, str] = {
    "anthropic-sdk": "AsyncAnthropic",
    "bedrock": "AsyncAnthropicBedrock",
    "vertex": "AsyncAnthropicVertex",
}


class SdkMissing(CorralError):
    exit_code = 2


def make_sdk_client(config: Config, name: str) -> Any:
    """The SDK's async client for provider ``name``, with the SDK's own retries off (the
    engine retries, so every retry is an event)."""
    try:
        import anthropic
    except ImportError:
        raise SdkMissing(
            f"[api] provider = {name!r} needs the anthropic SDK: pip install 'corral[sdk]'"
        ) from None
    kwargs: dict[str, Any] = {
        "max_retries": 0,
        "timeout": config.api.timeout_s,
        "default_headers": dict(config.api.extra_headers),
    }
    if config.api.betas:
        kwargs["default_headers"]["anthropic-beta"] = ",".join(config.api.betas)
    if name == "anthropic-sdk":
        from corral.transport.credentials import credentials

        api_key, auth_token = credentials()
        kwargs["api_key"] = api_key
        kwargs["auth_token"] = auth_token
        base_url = config.api.base_url or os.environ.get("ANTHROPIC_BASE_URL")
        if base_url:
            kwargs["base_url"] = base_url
    elif config.api.base_url:
        kwargs["base_url"] = config.api.base_url
    return getattr(anthropic, SDK_CLIENTS[name])(**kwargs)


def sdk_provider(name: str, client: Any) -> Provider:
    """A :class:`~corral.providers.Provider` streaming through ``client`` (an SDK client made
    by :func:`make_sdk_client`).

    SDK errors are raised as :class:`~corral.transport.errors.APIError`, so the engine retries
    them exactly as it does the kernel transport's.
    """
    from corral.providers import Provider

    async def stream(request: dict[str, Any]) -> AsyncIterator[dict[str, Any]]:
        try:
            events = await client.messages.create(**request, stream=True)
            try:
                async for event in events:
                    yield event.to_dict()
            finally:
                await events.close()
        except Exception as exc:
            error = as_api_error(exc)
            if error is None:
                raise
            raise error from exc

    return Provider(name=name, stream=stream)
