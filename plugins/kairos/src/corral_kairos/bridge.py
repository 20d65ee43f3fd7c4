"""The bridge: a WebSocket server through which another local program drives the daemon.

Security: the server binds 127.0.0.1 unless configured otherwise (with a warning); every
connection must send ``Authorization: Bearer <token>``, the token the daemon writes to a
0600 file in its state directory, compared in constant time, or it is closed with code 1008
(policy violation) before any command runs; a browser ``Origin`` header is refused at the
handshake (403) unless allowlisted; messages are capped in size and rate-limited.

Protocol: one JSON object per message, ``{"op": ..., "id": ...}``; every request gets one
reply ``{"id", "ok", ...}``. Ops: ``send`` (``text``), ``status``, ``sleep`` (``seconds``,
``reason``), ``wake``, ``stop``, ``subscribe`` (the session's events then stream back as
``{"event": {...}}``).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import ipaddress
import secrets
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import msgspec
from corral.api import write_atomic

from corral_kairos.errors import DaemonError
from corral_kairos.settings import Settings

if TYPE_CHECKING:
    from websockets.asyncio.server import Server, ServerConnection

    from corral_kairos.daemon import Daemon

POLICY_VIOLATION = 1008
TOKEN_FILE = "bridge.token"
ADDRESS_FILE = "bridge.json"


class Request(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    op: Literal["send", "status", "sleep", "wake", "stop", "subscribe"]
    id: int | str | None = None
    text: str = ""
    seconds: float = 0.0
    reason: str = ""


class Address(msgspec.Struct, kw_only=True):
    host: str
    port: int


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Bridge:
    def __init__(self, daemon: Daemon, settings: Settings, state_dir: Path) -> None:
        self.daemon = daemon
        self.settings = settings
        self.state_dir = state_dir
        self.token = ""
        self.server: Server | None = None
        self.port = 0

    def address(self) -> dict[str, Any]:
        return {"host": self.settings.bridge_host, "port": self.port}

    async def start(self) -> None:
        from websockets.asyncio.server import serve

        host = self.settings.bridge_host
        if not _is_loopback(host):
            sys.stderr.write(
                f"corral kairos: warning: the bridge listens on {host}, not loopback; anyone "
                "who can reach it and read the token can drive this agent\n"
            )
        self.token = secrets.token_urlsafe(32)
        write_atomic(self.state_dir / TOKEN_FILE, self.token, mode=0o600)
        origins: list[str | None] = [None, *self.settings.bridge_origins]
        self.server = await serve(
            self._handle, host, self.settings.bridge_port, origins=origins,  # type: ignore[arg-type]
            max_size=self.settings.bridge_max_message_bytes, compression=None,
        )
        self.port = next(iter(self.server.sockets)).getsockname()[1]
        write_atomic(self.state_dir / ADDRESS_FILE,
                     msgspec.json.encode(Address(host=host, port=self.port)), mode=0o600)

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.server.wait_closed(), 5)
            self.server = None
        for name in (ADDRESS_FILE, TOKEN_FILE):
            with contextlib.suppress(OSError):
                (self.state_dir / name).unlink()

    def authorized(self, header: str | None) -> bool:
        presented = (header or "").removeprefix("Bearer ").strip()
        return bool(self.token) and hmac.compare_digest(presented.encode(), self.token.encode())

    async def _handle(self, ws: ServerConnection) -> None:
        if not self.authorized(ws.request.headers.get("Authorization") if ws.request else None):
            await ws.close(POLICY_VIOLATION, "missing or wrong bridge token")
            return
        bucket = _Bucket(self.settings.bridge_rate_per_s)
        forward: asyncio.Task[None] | None = None
        try:
            async for raw in ws:
                if not bucket.take():
                    await ws.close(POLICY_VIOLATION, "too many messages; slow down")
                    return
                try:
                    request = msgspec.json.decode(raw, type=Request)
                except (msgspec.DecodeError, msgspec.ValidationError) as exc:
                    await ws.send(_reply(None, ok=False, error=f"bad request: {exc}"))
                    continue
                if request.op == "subscribe" and forward is None:
                    forward = asyncio.create_task(self._forward(ws))
                await ws.send(self._answer(request))
        finally:
            if forward is not None:
                forward.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await forward

    def _answer(self, request: Request) -> bytes:
        daemon, ticker = self.daemon, self.daemon.runtime.ticker
        if request.op == "send":
            if not request.text.strip():
                return _reply(request.id, ok=False, error="send needs a non-empty text")
            return _reply(request.id, queued=daemon.submit("bridge", request.text))
        if request.op == "status":
            return _reply(request.id, status=daemon.state())
        if request.op == "sleep":
            if request.seconds <= 0:
                return _reply(request.id, ok=False, error="sleep needs seconds > 0")
            until = ticker.sleep(request.seconds, request.reason or "asked over the bridge")
            return _reply(request.id, sleep_until=until)
        if request.op == "wake":
            return _reply(request.id, woke=ticker.wake("a bridge command"))
        if request.op == "stop":
            daemon.request_stop()
            return _reply(request.id, stopping=True)
        return _reply(request.id, subscribed=True)

    async def _forward(self, ws: ServerConnection) -> None:
        queue = self.daemon.subscribe()
        try:
            while True:
                await ws.send(await queue.get())
        finally:
            self.daemon.unsubscribe(queue)


def _reply(request_id: int | str | None, *, ok: bool = True, **fields: Any) -> bytes:
    return msgspec.json.encode({"id": request_id, "ok": ok, **fields})


class _Bucket:
    """A token bucket: ``rate`` messages a second, bursts up to four times that."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self.capacity = max(1.0, rate * 4)
        self.tokens = self.capacity
        self.at = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


# -- the client side (``corral kairos send|status|attach``) --------------------------------------


def read_address(state_dir: Path) -> tuple[str, str]:
    """The bridge's ``ws://`` URL and token, from the daemon's state directory."""
    try:
        address = msgspec.json.decode((state_dir / ADDRESS_FILE).read_bytes(), type=Address)
        token = (state_dir / TOKEN_FILE).read_text().strip()
    except (OSError, msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise DaemonError(
            f"no bridge address in {state_dir} ({exc}); is the daemon running? "
            "Start it with `corral kairos start`"
        ) from exc
    host = f"[{address.host}]" if ":" in address.host else address.host
    return f"ws://{host}:{address.port}", token


async def call(state_dir: Path, request: dict[str, Any], *, timeout: float = 10.0) -> dict[str, Any]:
    """Send one request to the running daemon's bridge and return its reply."""
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed

    url, token = read_address(state_dir)
    try:
        async with connect(url, additional_headers={"Authorization": f"Bearer {token}"},
                           proxy=None, open_timeout=timeout) as ws:
            await ws.send(msgspec.json.encode(request))
            reply = await asyncio.wait_for(ws.recv(), timeout)
    except (OSError, ConnectionClosed, TimeoutError) as exc:
        raise DaemonError(f"could not reach the kairos bridge at {url}: {exc}") from exc
    decoded: dict[str, Any] = msgspec.json.decode(reply)
    return decoded
