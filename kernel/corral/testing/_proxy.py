"""A loopback HTTP proxy for tests: what ``HTTP_PROXY``/``HTTPS_PROXY`` can point a client at.

It serves ``CONNECT host:port`` (a tunnel, as clients use for ``https``) and absolute-form
requests (``POST http://host:port/path``, as clients send plain ``http`` through a proxy); in
both cases it connects to the named host and then relays bytes both ways, unchanged, until
either side closes. Every target is recorded, so a test can tell its traffic went through.
"""

from __future__ import annotations

import selectors
import socket
import threading
from types import TracebackType
from urllib.parse import urlsplit

from corral.errors import CorralError
from corral.testing._server import shut_down

#: Most bytes of a request head read before the target is known.
_HEAD_LIMIT = 65536
#: Seconds ``stop()`` waits for each relay thread.
_JOIN_TIMEOUT = 5.0


class ProxyError(CorralError):
    """The test proxy was used in a way that cannot work (not started)."""


class ForwardProxy:
    """A real HTTP proxy on 127.0.0.1 (for tests; it allows every target).

    Attributes:
        targets: ``host:port`` of every connection relayed so far, in order.
    """

    def __init__(self) -> None:
        self.targets: list[str] = []
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._threads: list[threading.Thread] = []
        self._sockets: set[socket.socket] = set()

    def start(self) -> ForwardProxy:
        """Listen on a free port of 127.0.0.1 and serve from background threads."""
        listener = socket.create_server(("127.0.0.1", 0))
        self._listener = listener
        thread = threading.Thread(target=self._accept, args=(listener,), daemon=True,
                                  name="corral-testing-proxy")
        thread.start()
        self._threads.append(thread)
        return self

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``: the value for ``HTTP_PROXY`` / ``HTTPS_PROXY``."""
        if self._listener is None:
            raise ProxyError("corral.testing: the ForwardProxy is not running; call start()")
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    def stop(self) -> None:
        """Stop listening, cut every relayed connection and wait for the threads."""
        listener, self._listener = self._listener, None
        if listener is None:
            return
        try:
            listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        listener.close()
        with self._lock:
            open_sockets = list(self._sockets)
        shut_down(open_sockets)
        for thread in self._threads:
            thread.join(_JOIN_TIMEOUT)

    def __enter__(self) -> ForwardProxy:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # --- serving --------------------------------------------------------------------------

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(client,), daemon=True)
            with self._lock:
                self._threads.append(thread)
                self._sockets.add(client)
            thread.start()

    def _serve(self, client: socket.socket) -> None:
        upstream: socket.socket | None = None
        try:
            head = _read_head(client)
            method, target = _request_line(head)
            if method == "CONNECT":
                host, _, port = target.rpartition(":")
                upstream = self._open(host.strip("[]"), int(port))
                client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            else:
                parts = urlsplit(target)
                if parts.scheme != "http" or not parts.hostname:
                    client.sendall(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n"
                                   b"connection: close\r\n\r\n")
                    return
                upstream = self._open(parts.hostname, parts.port or 80)
                upstream.sendall(head)  # the origin server accepts the absolute form
            _relay(client, upstream)
        except (OSError, ValueError):
            pass
        finally:
            for sock in (client, upstream):
                if sock is not None:
                    with self._lock:
                        self._sockets.discard(sock)
                    sock.close()

    def _open(self, host: str, port: int) -> socket.socket:
        upstream = socket.create_connection((host, port), timeout=10)
        upstream.settimeout(None)
        with self._lock:
            self.targets.append(f"{host}:{port}")
            self._sockets.add(upstream)
        return upstream


def _read_head(client: socket.socket) -> bytes:
    """The request head, and whatever body bytes came with it."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = client.recv(4096)
        if not chunk or len(data) > _HEAD_LIMIT:
            raise ValueError("no complete request head")
        data += chunk
    return data


def _request_line(head: bytes) -> tuple[str, str]:
    method, target, _ = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ", 2)
    return method.upper(), target


def _relay(one: socket.socket, other: socket.socket) -> None:
    """Copy bytes both ways until either side closes."""
    peer = {one: other, other: one}
    with selectors.DefaultSelector() as selector:
        selector.register(one, selectors.EVENT_READ)
        selector.register(other, selectors.EVENT_READ)
        while True:
            for key, _ in selector.select():
                source: socket.socket = key.fileobj  # type: ignore[assignment]
                data = source.recv(65536)
                if not data:
                    return
                peer[source].sendall(data)
