"""The bridge: a WebSocket server through which another local program drives the daemon.

Security: the server binds 127.0.0.1 unless configured otherwise (with a warning); every
connection must send ``Authorization: Bearer <token>``, the token the daemon writes to a
0600 file in its state directory, compared in constant time, or it is closed with code 1008
(policy violation) before any command runs; a browser ``Origin`` header is refused at the
handshake (403) unless allowlisted; messages are capped in size and rate-limited.

Protocol: one JSON object per message, ``{"op": ..., "id": ...}``; every request gets one
reply ``{"id", "ok", ...}``. Ops: ``send`` (``text``), ``status``, ``sleep`` (``seconds``,
``reason``), ``wake``, ``stop``, ``subscribe`` (the session's events then stream back as
``{"event": {...}}``), ``snapshot`` (state, budgets, schedules, pending permission
requests, today's log), ``interrupt``, ``answer`` (``request``, ``answer``: allow, always or
deny), and, for token holders only, ``login`` (a one-time link to the web page, see
:mod:`corral_kairos.web`). The same protocol runs on ``/ws`` for the page, authenticated by its
session cookie instead of the token.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import secrets
import ssl
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import msgspec
from corral.api import write_atomic

from corral_kairos.errors import DaemonError
from corral_kairos.settings import Settings
from corral_kairos.web import LIVE_PATH, Bucket, WebAuth, WebFront, is_loopback

if TYPE_CHECKING:
    from websockets.asyncio.server import Server, ServerConnection

    from corral_kairos.daemon import Daemon

POLICY_VIOLATION = 1008
TOKEN_FILE = "bridge.token"
ADDRESS_FILE = "bridge.json"


Op = Literal["send", "status", "snapshot", "sleep", "wake", "interrupt", "answer", "stop",
             "subscribe", "login"]
#: What the page (a cookie session) may not do: stop the daemon, or mint login links.
TOKEN_ONLY = frozenset({"stop", "login"})


class Request(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    op: Op
    id: int | str | None = None
    text: str = ""
    seconds: float = 0.0
    reason: str = ""
    request: str = ""
    answer: str = ""
    message: str = ""


class Address(msgspec.Struct, kw_only=True):
    host: str
    port: int
    tls: bool = False
    cert: str = ""


def tls_context(settings: Settings) -> ssl.SSLContext | None:
    """The server's TLS context; a clear error when listening beyond loopback without one."""
    cert, key = settings.bridge_tls_cert, settings.bridge_tls_key
    if bool(cert) != bool(key):
        raise DaemonError("[plugins.kairos] bridge_tls_cert and bridge_tls_key go together; "
                          "set both (PEM files) or neither")
    if not cert:
        if not is_loopback(settings.bridge_host):
            raise DaemonError(
                f"[plugins.kairos] bridge_host = {settings.bridge_host!r} is not a loopback "
                "address: listening beyond this machine needs TLS; set bridge_tls_cert and "
                "bridge_tls_key, or keep bridge_host = \"127.0.0.1\" and reach the page "
                "through a tunnel")
        return None
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(cert, key)
    except (OSError, ssl.SSLError) as exc:
        raise DaemonError(f"[plugins.kairos] cannot load bridge_tls_cert {cert!r} / "
                          f"bridge_tls_key {key!r}: {exc}") from exc
    return context


class Bridge:
    def __init__(self, daemon: Daemon, settings: Settings, state_dir: Path) -> None:
        self.daemon = daemon
        self.settings = settings
        self.state_dir = state_dir
        self.token = ""
        self.server: Server | None = None
        self.port = 0
        self.auth = WebAuth(settings)
        self.tls = False

    def address(self) -> dict[str, Any]:
        return {"host": self.settings.bridge_host, "port": self.port, "tls": self.tls}

    def base_url(self) -> str:
        if self.settings.bridge_public_url:
            return self.settings.bridge_public_url.rstrip("/")
        host = self.settings.bridge_host
        host = f"[{host}]" if ":" in host else host
        return f"{'https' if self.tls else 'http'}://{host}:{self.port}"

    async def start(self) -> None:
        from websockets.asyncio.server import serve

        host = self.settings.bridge_host
        context = tls_context(self.settings)
        self.tls = context is not None
        self.token = secrets.token_urlsafe(32)
        write_atomic(self.state_dir / TOKEN_FILE, self.token, mode=0o600)
        front = WebFront(self.settings, self.auth, tls=self.tls)
        # origins are checked in front.process_request: the page's own origin may use /ws
        self.server = await serve(
            self._handle, host, self.settings.bridge_port, origins=None,
            process_request=front.process_request, ssl=context,
            max_size=self.settings.bridge_max_message_bytes, compression=None,
        )
        self.port = next(iter(self.server.sockets)).getsockname()[1]
        address = Address(host=host, port=self.port, tls=self.tls,
                          cert=self.settings.bridge_tls_cert)
        write_atomic(self.state_dir / ADDRESS_FILE, msgspec.json.encode(address), mode=0o600)

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
        from corral_kairos.web import session_cookie

        handshake = ws.request
        web = handshake is not None and handshake.path.split("?", 1)[0] == LIVE_PATH
        if web:
            if handshake is None or not self.auth.valid(session_cookie(handshake)):
                await ws.close(POLICY_VIOLATION, "not signed in")
                return
        elif not self.authorized(handshake.headers.get("Authorization") if handshake else None):
            await ws.close(POLICY_VIOLATION, "missing or wrong bridge token")
            return
        bucket = Bucket(self.settings.bridge_rate_per_s)
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
                if web and request.op in TOKEN_ONLY:
                    await ws.send(_reply(request.id, ok=False,
                                         error=f"{request.op} needs the bridge token"))
                    continue
                if request.op == "subscribe" and forward is None:
                    forward = asyncio.create_task(self._forward(ws))
                await ws.send(self._answer(request, "the web page" if web else "the bridge"))
        finally:
            if forward is not None:
                forward.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await forward

    def _answer(self, request: Request, by: str) -> bytes:
        daemon, ticker = self.daemon, self.daemon.runtime.ticker
        if request.op == "send":
            if not request.text.strip():
                return _reply(request.id, ok=False, error="send needs a non-empty text")
            return _reply(request.id, queued=daemon.submit("bridge", request.text))
        if request.op == "status":
            return _reply(request.id, status=daemon.state())
        if request.op == "snapshot":
            return _reply(request.id, snapshot=daemon.snapshot())
        if request.op == "interrupt":
            return _reply(request.id, interrupted=daemon.interrupt(by))
        if request.op == "answer":
            error = daemon.permissions.answer(request.request, request.answer, by, request.message)
            if error is not None:
                return _reply(request.id, ok=False, error=error)
            return _reply(request.id, answered=request.request)
        if request.op == "login":
            return _reply(request.id, url=f"{self.base_url()}/login?code={self.auth.mint_code()}",
                          expires_in_s=self.settings.web_login_ttl_s)
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
            for data in self.daemon.replay():  # the turn in progress, so far
                await ws.send(data)
            while True:
                await ws.send(await queue.get())
        finally:
            self.daemon.unsubscribe(queue)


def _reply(request_id: int | str | None, *, ok: bool = True, **fields: Any) -> bytes:
    return msgspec.json.encode({"id": request_id, "ok": ok, **fields})


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
    return f"{'wss' if address.tls else 'ws'}://{host}:{address.port}", token


def client_tls(state_dir: Path) -> ssl.SSLContext | None:
    """For a TLS bridge: trust exactly the daemon's own certificate (often self-signed)."""
    try:
        address = msgspec.json.decode((state_dir / ADDRESS_FILE).read_bytes(), type=Address)
    except (OSError, msgspec.DecodeError, msgspec.ValidationError):
        return None
    if not address.tls:
        return None
    context = ssl.create_default_context(cafile=address.cert or None)
    context.check_hostname = False  # the pinned certificate is the check
    return context


async def call(state_dir: Path, request: dict[str, Any], *, timeout: float = 10.0) -> dict[str, Any]:
    """Send one request to the running daemon's bridge and return its reply."""
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed

    url, token = read_address(state_dir)
    try:
        async with connect(url, additional_headers={"Authorization": f"Bearer {token}"},
                           proxy=None, open_timeout=timeout, ssl=client_tls(state_dir)) as ws:
            await ws.send(msgspec.json.encode(request))
            reply = await asyncio.wait_for(ws.recv(), timeout)
    except (OSError, ConnectionClosed, TimeoutError) as exc:
        raise DaemonError(f"could not reach the kairos bridge at {url}: {exc}") from exc
    decoded: dict[str, Any] = msgspec.json.decode(reply)
    return decoded
