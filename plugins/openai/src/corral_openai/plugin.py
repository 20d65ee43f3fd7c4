"""Entry point of corral-openai: registers the ``openai`` provider.

Inert until ``[api] provider = "openai"`` selects it; this module imports only msgspec and
corral.api, so a run with another provider pays nothing for it (httpx loads on first request).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import msgspec
from corral.api import Provider, hookimpl

from corral_openai.settings import NAME, Settings

if TYPE_CHECKING:
    from corral.api import Config, Connection


@hookimpl
def corral_add_settings(register: Callable[[str, type[msgspec.Struct]], None]) -> None:
    register(NAME, Settings)


@hookimpl
def corral_register_providers(register: Callable[[Provider], None]) -> None:
    register(Provider(name=NAME, connect=connect, describe=describe))


def connect(config: Config) -> Connection:
    from corral_openai.connection import OpenAIConnection
    from corral_openai.settings import endpoint_from

    return OpenAIConnection(endpoint_from(config))


def describe(config: Config) -> list[tuple[str, str]]:
    """What ``corral doctor`` shows: base URL, API style, whether the key is set."""
    from corral_openai.settings import endpoint_from

    endpoint = endpoint_from(config)
    if endpoint.api_key:
        key = f"{endpoint.key_variable} set (value not shown)"
    elif endpoint.is_local:
        key = f"{endpoint.key_variable} not set (a local server usually needs none)"
    else:
        key = f"{endpoint.key_variable} not set"
    return [
        ("base URL", endpoint.base_url),
        ("API style", endpoint.settings.api_style),
        ("credentials", key),
    ]
