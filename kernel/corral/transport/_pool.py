"""Keep-alive connections of one event loop, kept per :class:`~corral.transport._conn.Origin`.

A request takes an idle connection to its origin when there is one (the most recently used
first), else a socket the warm-up thread opened ahead of time, else opens a new one; a
connection that finished its exchange cleanly comes back for the next request.
"""

from __future__ import annotations

import time

from corral.transport import preopen
from corral.transport._conn import Connection, connect
from corral.transport.endpoint import Origin

#: Seconds an idle connection is kept.
KEEPALIVE_S = 60.0
#: Idle connections kept per origin.
MAX_IDLE = 32


class Pool:
    """The idle connections of one event loop; every client on that loop shares them.

    Attributes:
        opened: Connections opened so far (pre-opened ones included), for tests and benches.
    """

    def __init__(self) -> None:
        self._idle: dict[Origin, list[Connection]] = {}
        self.opened = 0

    async def acquire(self, origin: Origin, connect_timeout: float) -> Connection:
        """A connection to ``origin`` ready for a request."""
        idle = self._idle.get(origin)
        if idle:
            now = time.monotonic()
            while idle:
                connection = idle.pop()
                if connection.open and now - connection.idle_since < KEEPALIVE_S:
                    return connection
                connection.close()
        return await self.fresh(origin, connect_timeout)

    async def fresh(self, origin: Origin, connect_timeout: float,
                    *, preopened: bool = True) -> Connection:
        """A new connection to ``origin`` (a pre-opened one if ``preopened`` and ready)."""
        sock = preopen.take(origin) if preopened else None
        connection = await connect(origin, connect_timeout, sock)
        self.opened += 1
        return connection

    def release(self, connection: Connection, *, complete: bool) -> None:
        """Give ``connection`` back after a request; ``complete``: its response was read to
        the end (otherwise the connection is in an unknown state and is closed)."""
        if not (complete and connection.finish()):
            connection.close()
            return
        idle = self._idle.setdefault(connection.origin, [])
        idle.append(connection)
        if len(idle) > MAX_IDLE:
            idle.pop(0).close()

    def idle_open(self, origin: Origin) -> int:
        """How many idle connections to ``origin`` are kept and still open, as far as this
        end has seen."""
        return sum(1 for connection in self._idle.get(origin, ()) if connection.open)

    def close(self) -> None:
        """Close every idle connection."""
        for idle in self._idle.values():
            for connection in idle:
                connection.close()
        self._idle.clear()
