"""Get the transport ready off the critical path, while the rest of start-up runs: open the
TCP connection to the endpoint, import the wire (h11) and build the TLS context.

The connection is handed over through :mod:`corral.transport.preopen`; the first request uses
it only if it is ready by then, and connects by itself otherwise. When a proxy applies to the
endpoint, requests go through httpx and nothing is prepared here (httpx is not imported ahead:
that import is the slow start-up this module exists to avoid).
"""

from __future__ import annotations

import os


def warm(base_url: str | None = None) -> int | None:
    """Open a connection to ``base_url`` (default: ``ANTHROPIC_BASE_URL`` or the API) for
    the first request, and load what that request will need.

    Safe to run in a daemon thread: every step only fills what the first request would
    otherwise do itself (the module cache, the TLS context, a connection to take). Returns the
    pre-opened connection's local port, or ``None`` when none was opened.
    """
    try:
        from corral.transport.endpoint import CONNECT_TIMEOUT_S, DEFAULT_BASE_URL, Origin
        from corral.transport.proxyenv import proxy_for

        url = base_url or os.environ.get("ANTHROPIC_BASE_URL") or DEFAULT_BASE_URL
        if proxy_for(url) is not None:
            return None
        from corral.transport.preopen import preopen

        origin, _ = Origin.split(url)
        # first the connection (its wait on the network lets the main thread run), then the
        # imports and the TLS context, which take the interpreter
        port = preopen(origin, CONNECT_TIMEOUT_S)
        import corral.transport.client  # noqa: F401  (what the first request imports)
        import corral.transport.h11_wire  # noqa: F401

        if origin.scheme == "https":
            from corral.transport.tls import tls_context

            tls_context()
        return port
    except Exception:  # the first request reports any real problem properly
        return None
