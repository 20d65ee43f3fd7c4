"""Get the transport ready off the critical path: import httpx and the async backend it
loads on the first request, build the connection pool (its TLS context), and resolve the
endpoint's host name, while the rest of start-up runs."""

from __future__ import annotations

import os
import socket
from urllib.parse import urlsplit


def warm(base_url: str | None = None) -> None:
    """Import the transport, build the process's connection pool and look up ``base_url``'s
    host.

    Safe to run in a daemon thread: every step only fills what the first request would
    otherwise do itself (the module cache, the prebuilt pool, the resolver's cache).
    """
    try:
        from corral.transport.client import prebuild

        prebuild()
        # what httpcore imports on the first request: its asyncio backend, through anyio
        import anyio._backends._asyncio  # noqa: F401
        import httpcore._backends.anyio  # noqa: F401
        url = base_url or os.environ.get("ANTHROPIC_BASE_URL") or "https://api.anthropic.com"
        parts = urlsplit(url)
        if parts.hostname:
            socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https"
                                                               else 80),
                               type=socket.SOCK_STREAM)
    except Exception:  # the first request reports any real problem properly
        pass
