"""Get the transport ready off the critical path, while the rest of start-up runs: open the
TCP connection to the endpoint and, for HTTPS, build the TLS context.

The connection is handed over through :mod:`corral.transport.preopen`; the first request uses
it only if it is ready by then, and connects by itself otherwise. When a proxy applies to the
endpoint, requests go through httpx and nothing is prepared here (httpx is not imported ahead:
that import is the slow start-up this module exists to avoid).

What runs in the thread is only what waits outside the interpreter: name resolution, the
connect, loading the trusted certificates (OpenSSL lets go of the interpreter lock for these).
Everything the thread needs is imported before it starts, by the caller's thread. A second
thread that imports modules or runs Python code while the main thread imports its own would
not run beside it: the two would hand the interpreter lock to each other at every file the
imports read, which costs more than the thread saves.
"""

from __future__ import annotations

import os
import threading

from corral.transport.endpoint import CONNECT_TIMEOUT_S, DEFAULT_BASE_URL, Origin
from corral.transport.preopen import preopen
from corral.transport.proxyenv import proxy_for


def target(base_url: str | None = None) -> Origin | None:
    """Where the first request will go (``base_url``, else ``ANTHROPIC_BASE_URL``, else the
    API), or ``None`` when nothing should be prepared: a proxy applies, or the URL is not an
    absolute ``http(s)`` one (the request reports that properly)."""
    url = base_url or os.environ.get("ANTHROPIC_BASE_URL") or DEFAULT_BASE_URL
    try:
        if proxy_for(url) is not None:
            return None
        origin, _ = Origin.split(url)
    except ValueError:
        return None
    if origin.scheme == "https":
        import corral.transport.tls  # noqa: F401  (imported here, so the thread imports nothing)
    return origin


def warm(base_url: str | None = None) -> int | None:
    """Open a connection to ``base_url`` (default: ``ANTHROPIC_BASE_URL`` or the API) for
    the first request, and build the TLS context it will need; blocking.

    Every step only fills what the first request would otherwise do itself (the TLS context,
    a connection to take). Returns the pre-opened connection's local port, or ``None`` when
    none was opened.
    """
    origin = target(base_url)
    return None if origin is None else _prepare(origin)


def start(base_url: str | None = None) -> threading.Thread | None:
    """Start :func:`warm`'s work in a daemon thread and return it (``None`` when there is
    nothing to prepare). The endpoint is chosen and every module imported before the thread
    starts, in the caller's thread."""
    origin = target(base_url)
    if origin is None:
        return None
    thread = threading.Thread(target=_prepare, args=(origin,), name="corral-warm-transport",
                              daemon=True)
    thread.start()
    return thread


def _prepare(origin: Origin) -> int | None:
    try:
        # the connection first: its wait on the network lets the main thread run
        port = preopen(origin, CONNECT_TIMEOUT_S)
        if origin.scheme == "https":
            from corral.transport.tls import tls_context

            tls_context()
        return port
    except Exception:  # the first request reports any real problem properly
        return None
