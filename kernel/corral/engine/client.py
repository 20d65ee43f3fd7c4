"""The model client: the kernel's own Messages-API transport, or the anthropic SDK for the
platforms that need its authentication (``[api] provider = "bedrock"`` and the like)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from corral.transport.credentials import NoCredentials, credentials

if TYPE_CHECKING:
    from corral.config.schema import Config
    from corral.transport.key_helper import KeyHelper


def make_client(config: Config) -> Any:
    """The client ``[api] provider`` asks for.

    ``anthropic`` (the default) and plugin providers get a
    :class:`corral.transport.client.MessagesClient` (the kernel's httpx transport, configured
    from the environment and ``[api]``); the SDK platforms (``anthropic-sdk``, ``bedrock``,
    ``vertex``) get the SDK's client. Both offer ``messages.create(**request)`` and ``close()``.
    """
    from corral.transport.sdk import SDK_CLIENTS

    if config.api.provider in SDK_CLIENTS:
        from corral.transport.sdk import make_sdk_client

        return make_sdk_client(config, config.api.provider)
    return make_messages_client(config)


def make_messages_client(config: Config) -> Any:
    """The kernel transport, from ``ANTHROPIC_API_KEY`` / ``ANTHROPIC_AUTH_TOKEN`` /
    ``ANTHROPIC_BASE_URL`` and ``[api]`` (``base_url``, ``extra_headers``, ``betas``,
    ``timeout_s``)."""
    from corral.transport.client import MessagesClient

    helper = key_helper(config)
    try:
        api_key, auth_token = credentials()
    except NoCredentials:
        if config.api.provider == "anthropic" and helper is None:
            raise
        # a provider plugin streams through its own connection: this client is only a
        # placeholder (sub-agents share it), so the Anthropic variables are not needed
        api_key = auth_token = None
    headers = dict(config.api.extra_headers)
    if config.api.betas:
        headers["anthropic-beta"] = ",".join(config.api.betas)
    return MessagesClient(
        base_url=config.api.base_url or os.environ.get("ANTHROPIC_BASE_URL"),
        api_key=api_key,
        auth_token=auth_token,
        headers=headers,
        timeout_s=config.api.timeout_s,
        key_helper=helper,
    )


def key_helper(config: Config) -> KeyHelper | None:
    """The ``apiKeyHelper`` of ``config`` (``[api] key_helper``), run in the current
    directory with the settings' ``env``; ``None`` when none is set."""
    from corral.transport.key_helper import KeyHelper, ttl_from

    command = config.api.key_helper
    if not command:
        return None
    env = {**os.environ, **config.env}
    return KeyHelper(command, ttl_s=ttl_from(env), cwd=os.getcwd(), env=env)
