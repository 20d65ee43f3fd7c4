"""Settings of the ``[plugins.openai]`` table, and the endpoint they and ``[api]`` describe."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Literal
from urllib.parse import urlsplit

import msgspec
from corral.api import Config, ConfigError

NAME = "openai"
DEFAULT_BASE_URL = "https://api.openai.com/v1"
DEFAULT_KEY_VARIABLE = "OPENAI_API_KEY"


class Settings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """``[plugins.openai]`` in any corral config layer."""

    api_style: Literal["chat", "responses"] = "chat"
    """``chat`` speaks ``/chat/completions`` (every compatible server); ``responses`` speaks
    ``/responses``."""

    max_tokens_field: Literal["auto", "max_tokens", "max_completion_tokens"] = "auto"
    """Which request field carries the output limit; ``auto`` uses ``max_completion_tokens``
    on api.openai.com and ``max_tokens`` everywhere else."""

    include_usage: bool = True
    """Ask for token usage at the end of a stream (``stream_options.include_usage``); turn it
    off for a server that rejects ``stream_options``."""

    images: bool = True
    """Send images (from the user or from tool results such as Read on a picture) to the
    model; off replaces each by a short note, for models that accept no images."""

    replay_reasoning: bool = False
    """Send the model's earlier reasoning back as ``reasoning_content`` on assistant
    messages (some thinking models want it during tool calls; others refuse it)."""

    reasoning_effort: str | None = None
    """Sent as ``reasoning_effort`` (chat) or ``reasoning.effort`` (responses) when set."""

    extra_body: dict[str, Any] = msgspec.field(default_factory=dict)
    """Keys merged into every request body (server-specific options such as
    ``chat_template_kwargs`` or a router's ``provider`` preferences)."""


def settings_from(config: Config) -> Settings:
    """The openai settings of ``config`` (validated Struct, or its raw table converted)."""
    value = config.plugin_settings(NAME)
    if isinstance(value, Settings):
        return value
    try:
        return msgspec.convert(value or {}, Settings)
    except msgspec.ValidationError as exc:
        raise ConfigError(f"[plugins.{NAME}]", "", str(exc)) from exc


class Endpoint(msgspec.Struct, frozen=True, kw_only=True):
    """Where and how requests go: resolved once per engine from the config and environment."""

    base_url: str
    key_variable: str
    api_key: str | None
    headers: dict[str, str]
    timeout_s: float
    settings: Settings

    @property
    def is_openai(self) -> bool:
        return urlsplit(self.base_url).hostname == "api.openai.com"

    @property
    def is_local(self) -> bool:
        host = urlsplit(self.base_url).hostname or ""
        return host in ("localhost", "127.0.0.1", "::1", "0.0.0.0") or host.endswith(".local")

    def url(self, path: str) -> str:
        return self.base_url.rstrip("/") + path


def endpoint_from(config: Config, environ: Mapping[str, str] | None = None) -> Endpoint:
    """The endpoint: ``[api] base_url``, else ``OPENAI_BASE_URL``, else api.openai.com; the
    key from the variable ``[api] api_key_env`` names, else ``OPENAI_API_KEY``."""
    env = os.environ if environ is None else environ
    base_url = config.api.base_url or env.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL
    if urlsplit(base_url).scheme not in ("http", "https"):
        raise ConfigError("[api]", "base_url", f"{base_url!r} is not an http(s) URL")
    variable = config.api.api_key_env or DEFAULT_KEY_VARIABLE
    return Endpoint(
        base_url=base_url,
        key_variable=variable,
        api_key=env.get(variable) or None,
        headers=dict(config.api.extra_headers),
        timeout_s=config.api.timeout_s,
        settings=settings_from(config),
    )
