"""The network side of the sandbox: a proxy outside that lets through only allowed hosts.

It listens on unix sockets in a private directory; :mod:`corral.sandbox._relay`, started
inside the sandbox, offers them as loopback ports, and ``HTTP_PROXY``/``HTTPS_PROXY`` point
commands there. CONNECT (HTTPS and anything tunnelled) and plain HTTP requests with an
absolute URL are checked against ``sandbox.network.allowed_domains``; anything else is
refused with 403. With ``http_proxy_port``/``socks_proxy_port`` the sockets forward to your
own proxy on that host port instead, and it decides.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from urllib.parse import urlsplit

from corral.sandbox.policy import SandboxPolicy

#: Loopback ports the relay listens on inside the sandbox (each sandbox has its own).
HTTP_PORT = 3128
SOCKS_PORT = 1080
_HEAD_LIMIT = 65536
_RELAY = os.path.join(os.path.dirname(__file__), "_relay.py")

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


def host_allowed(host: str, domains: Sequence[str]) -> bool:
    """``example.com`` allows that host; ``*.example.com`` its subdomains (not itself)."""
    host = host.strip().lower().rstrip(".")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    for domain in domains:
        if domain.startswith("*."):
            if host.endswith(domain[1:]) and host != domain[2:]:
                return True
        elif host == domain:
            return True
    return False


class ProxyServer:
    """The unix-socket listeners for one session (started lazily, closed at session end)."""

    def __init__(self, policy: SandboxPolicy) -> None:
        self.policy = policy
        self.directory = tempfile.mkdtemp(prefix="corral-net-")
        self.sockets: dict[int, str] = {}
        self._servers: list[asyncio.Server] = []
        #: Hosts refused so far (for messages and tests).
        self.refused: list[str] = []

    async def start(self) -> None:
        if self.policy.http_proxy_port is not None:
            await self._listen(HTTP_PORT, _forward_to(self.policy.http_proxy_port))
        elif self.policy.allowed_domains:
            await self._listen(HTTP_PORT, self._filter)
        if self.policy.socks_proxy_port is not None:
            await self._listen(SOCKS_PORT, _forward_to(self.policy.socks_proxy_port))

    async def _listen(self, port: int, handler: Handler) -> None:
        path = os.path.join(self.directory, f"{port}.sock")
        self._servers.append(await asyncio.start_unix_server(handler, path))
        self.sockets[port] = path

    async def close(self) -> None:
        for server in self._servers:
            server.close()
        for server in self._servers:
            with contextlib.suppress(Exception):
                await server.wait_closed()
        self._servers.clear()
        shutil.rmtree(self.directory, ignore_errors=True)

    def env(self) -> dict[str, str]:
        """The proxy variables commands get (both spellings; tools differ)."""
        env: dict[str, str] = {}
        if HTTP_PORT in self.sockets:
            url = f"http://127.0.0.1:{HTTP_PORT}"
            for name in ("HTTP_PROXY", "HTTPS_PROXY"):
                env[name] = env[name.lower()] = url
        if SOCKS_PORT in self.sockets:
            env["ALL_PROXY"] = env["all_proxy"] = f"socks5h://127.0.0.1:{SOCKS_PORT}"
        return env

    def relay(self, command: Sequence[str], seccomp: bytes | None = None) -> list[str]:
        """``command`` started by the relay that offers the sockets on loopback ports (and
        installs the ``seccomp`` filter for the command alone)."""
        pairs = [f"{port}={path}" for port, path in self.sockets.items()]
        extra = [f"seccomp={seccomp.hex()}"] if seccomp else []
        return [sys.executable, "-I", "-S", _RELAY, *extra, *pairs, "--", *command]

    async def _filter(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            writer.close()
            return
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3:
            await _refuse(writer, 400, "malformed request line")
            return
        method, target, version = parts
        if method.upper() == "CONNECT":
            host, _, port_text = target.rpartition(":")
            rest = b""
        else:
            url = urlsplit(target)
            if url.scheme != "http" or not url.hostname:
                await _refuse(writer, 400, "a proxy request needs an absolute http:// URL")
                return
            host, port_text = url.hostname, str(url.port or 80)
            path = url.path or "/"
            if url.query:
                path += "?" + url.query
            kept = [line for line in lines[1:] if line and not line.lower().startswith(
                ("proxy-", "connection:", "keep-alive:"))]
            rest = "\r\n".join([f"{method} {path} {version}", *kept, "Connection: close",
                                "", ""]).encode("latin-1")
        if not port_text.isdigit() or not host_allowed(host, self.policy.allowed_domains):
            self.refused.append(host)
            await _refuse(writer, 403, f"the sandbox does not allow {host!r}; add it to "
                          "sandbox.network.allowed_domains to reach it")
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(host.strip("[]"),
                                                                 int(port_text))
        except OSError as exc:
            await _refuse(writer, 502, f"cannot reach {host}: {exc.strerror or exc}")
            return
        if rest:
            up_writer.write(rest)
        else:
            writer.write(b"HTTP/1.1 200 Connection Established\r\n\r\n")
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))


def _forward_to(port: int) -> Handler:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            writer.close()
            return
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))

    return handle


async def _refuse(writer: asyncio.StreamWriter, status: int, why: str) -> None:
    body = f"corral sandbox: {why}\n".encode()
    reason = {400: "Bad Request", 403: "Forbidden", 502: "Bad Gateway"}[status]
    writer.write(f"HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain\r\nContent-Length: "
                 f"{len(body)}\r\nConnection: close\r\n\r\n".encode() + body)
    with contextlib.suppress(ConnectionError, OSError):
        await writer.drain()
    writer.close()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while chunk := await reader.read(65536):
            writer.write(chunk)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        with contextlib.suppress(ConnectionError, OSError):
            writer.close()
