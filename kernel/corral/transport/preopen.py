"""Connections opened before the first request asks for one.

The warm-up thread (:mod:`corral.transport.warm`) calls :func:`preopen` while the rest of
start-up runs: a blocking connect in that thread waits on the network, not on the
interpreter. The first request's event loop then :func:`take` s the socket if it is there
already, and otherwise connects by itself without waiting for it. TLS, when the endpoint uses
it, is negotiated on the event loop (asyncio cannot adopt a socket already wrapped by TLS).
"""

from __future__ import annotations

import socket
import threading
import time

from corral.transport.endpoint import Origin

#: Seconds an unused pre-opened socket is still offered (a server drops idle connections).
MAX_AGE_S = 30.0

_lock = threading.Lock()
_ready: dict[Origin, list[tuple[socket.socket, float]]] = {}


def preopen(origin: Origin, timeout: float) -> int:
    """Open a TCP connection to ``origin`` now (blocking) and keep it for :func:`take`.

    Returns the socket's local port. Raises :class:`OSError` when connecting fails.
    """
    # an ASCII name as bytes: a str would load the IDNA codec (an import, in a side thread)
    host = origin.host.encode("ascii") if origin.host.isascii() else origin.host
    sock = socket.create_connection((host, origin.port), timeout=timeout)  # type: ignore[arg-type]
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.setblocking(False)
        port = int(sock.getsockname()[1])
    except OSError:
        sock.close()
        raise
    with _lock:
        _ready.setdefault(origin, []).append((sock, time.monotonic()))
    return port


def take(origin: Origin) -> socket.socket | None:
    """A pre-opened socket to ``origin`` if one is ready now (never waits)."""
    if not _ready:
        return None
    with _lock:
        waiting = _ready.get(origin)
        while waiting:
            sock, opened_at = waiting.pop()
            if time.monotonic() - opened_at < MAX_AGE_S:
                return sock
            sock.close()
    return None


def discard() -> None:
    """Close every socket not taken (a test's clean-up; the process exit does it too)."""
    with _lock:
        for waiting in _ready.values():
            for sock, _ in waiting:
                sock.close()
        _ready.clear()
