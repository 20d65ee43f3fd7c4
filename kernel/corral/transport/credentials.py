"""Model credentials from the environment, for every transport."""

from __future__ import annotations

import os

from corral.errors import CorralError


class NoCredentials(CorralError):
    exit_code = 2


def credentials() -> tuple[str | None, str | None]:
    """``(api_key, auth_token)`` from the environment; at least one must be set."""
    api_key = os.environ.get("ANTHROPIC_API_KEY") or None
    auth_token = os.environ.get("ANTHROPIC_AUTH_TOKEN") or None
    if not api_key and not auth_token:
        raise NoCredentials(
            "no model credentials: set ANTHROPIC_API_KEY or ANTHROPIC_AUTH_TOKEN "
            "(and ANTHROPIC_BASE_URL for another endpoint); `corral doctor` shows the setup"
        )
    return api_key, auth_token
