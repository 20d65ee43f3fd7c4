"""The remote view: one web page served on the bridge's port, behind a one-time login link.

Plain HTTP requests reach the bridge's WebSocket server first; :class:`WebFront` answers
them before any handshake (``process_request``):

``GET /login?code=C``
    A code minted by ``corral kairos url`` (over the token-authenticated bridge) is good for
    one use within ``web_login_ttl_s``; it is exchanged for a random session id in an
    ``HttpOnly; SameSite=Strict`` cookie (``Secure`` under TLS). A used, expired or unknown
    code gets 403. The bridge token never appears in a URL.
``GET /`` and ``GET /static/<file>``
    The page and its script and style (package data, no build step), for a valid session
    cookie only; 401 otherwise.
``GET /ws`` (WebSocket)
    The page's live channel: the bridge protocol, authenticated by the session cookie, from
    the page's own origin (or one listed in ``bridge_origins``).
``GET /`` (WebSocket with ``Authorization: Bearer``)
    The bridge as before, for local programs.

Every request's ``Host`` must name loopback while the bridge listens there (no DNS
rebinding); requests are rate-limited, logins more strictly.
"""

from __future__ import annotations

import hashlib
import http
import importlib.resources
import ipaddress
import secrets
import time
from collections.abc import Callable
from http.cookies import CookieError, SimpleCookie
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

from corral_kairos.settings import Settings

if TYPE_CHECKING:
    from websockets.asyncio.server import ServerConnection
    from websockets.http11 import Request, Response

COOKIE = "kairos_session"
#: The files the page is made of, and their content types.
STATIC = {
    "app.js": "text/javascript; charset=utf-8",
    "app.css": "text/css; charset=utf-8",
}
LOGIN_PATH = "/login"
LIVE_PATH = "/ws"


def _digest(secret: str) -> str:
    # codes and session ids are kept hashed: a dict lookup on them leaks no useful timing
    return hashlib.sha256(secret.encode()).hexdigest()


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class Bucket:
    """A token bucket: ``rate`` events a second, bursts up to four times that."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.capacity = max(1.0, rate * 4)
        self.tokens = self.capacity
        self.clock = clock
        self.at = clock()

    def take(self) -> bool:
        now = self.clock()
        self.tokens = min(self.capacity, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class WebAuth:
    """One-time login codes and the browser sessions they open."""

    def __init__(self, settings: Settings, clock: Callable[[], float] = time.monotonic) -> None:
        self.login_ttl_s = settings.web_login_ttl_s
        self.session_ttl_s = settings.web_session_ttl_s
        self.clock = clock
        self._codes: dict[str, float] = {}
        self._sessions: dict[str, float] = {}

    def mint_code(self) -> str:
        self._expire()
        code = secrets.token_urlsafe(24)
        self._codes[_digest(code)] = self.clock() + self.login_ttl_s
        return code

    def redeem(self, code: str) -> str | None:
        """A new session id for a good code (which is used up), else ``None``."""
        self._expire()
        if self._codes.pop(_digest(code), None) is None:
            return None
        session = secrets.token_urlsafe(32)
        self._sessions[_digest(session)] = self.clock() + self.session_ttl_s
        return session

    def valid(self, session: str | None) -> bool:
        if not session:
            return False
        until = self._sessions.get(_digest(session))
        return until is not None and until > self.clock()

    def end(self, session: str | None) -> None:
        if session:
            self._sessions.pop(_digest(session), None)

    def _expire(self) -> None:
        now = self.clock()
        for table in (self._codes, self._sessions):
            for key in [k for k, until in table.items() if until <= now]:
                del table[key]


def session_cookie(request: Request) -> str | None:
    raw = request.headers.get("Cookie")
    if not raw:
        return None
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw)
    except CookieError:
        return None
    morsel = jar.get(COOKIE)
    return morsel.value if morsel is not None else None


class WebFront:
    """Answers the plain HTTP requests, and vets WebSocket handshakes, on the bridge port."""

    def __init__(self, settings: Settings, auth: WebAuth, *, tls: bool) -> None:
        self.settings = settings
        self.auth = auth
        self.tls = tls
        self.requests = Bucket(max(20.0, settings.bridge_rate_per_s * 4))
        self.logins = Bucket(1.0)

    # -- the hook ``serve(process_request=...)`` calls ------------------------------------------

    def process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        if not self.requests.take():
            return _text(http.HTTPStatus.TOO_MANY_REQUESTS, "too many requests; slow down\n")
        host = request.headers.get("Host", "")
        if is_loopback(self.settings.bridge_host) and not is_loopback(_hostname(host)):
            return _text(http.HTTPStatus.MISDIRECTED_REQUEST,
                         f"this server answers for loopback names only, not Host {host!r}\n")
        parts = urlsplit(request.path)
        upgrade = request.headers.get("Upgrade", "").lower() == "websocket"
        origin = request.headers.get("Origin")
        if upgrade and parts.path == LIVE_PATH:
            if not self.auth.valid(session_cookie(request)):
                return _text(http.HTTPStatus.UNAUTHORIZED, "not signed in\n")
            if origin != self.own_origin(host) and origin not in self.settings.bridge_origins:
                return _text(http.HTTPStatus.FORBIDDEN, f"origin {origin!r} may not connect\n")
            return None
        if upgrade:
            # the token bridge: local programs send no Origin; a browser's must be allowlisted
            if origin is not None and origin not in self.settings.bridge_origins:
                return _text(http.HTTPStatus.FORBIDDEN, f"origin {origin!r} may not connect\n")
            return None
        if not self.settings.web:
            return _text(http.HTTPStatus.NOT_FOUND, "the web page is off (web = false)\n")
        if parts.path == LOGIN_PATH:
            return self._login(parts.query)
        session = session_cookie(request)
        if parts.path == "/logout":
            self.auth.end(session)
            response = _page(http.HTTPStatus.OK, _message_page("Signed out."))
            response.headers["Set-Cookie"] = f"{COOKIE}=; Max-Age=0; Path=/; HttpOnly; " \
                                             "SameSite=Strict"
            return response
        if not self.auth.valid(session):
            return _page(http.HTTPStatus.UNAUTHORIZED, _message_page(
                "Not signed in. Run <code>corral kairos url</code> in the project and open "
                "the link it prints (each link works once, for a short time)."))
        if parts.path in ("/", "/index.html"):
            response = _page(http.HTTPStatus.OK, _asset("index.html"))
            response.headers["Content-Security-Policy"] = self._policy(host)
            return response
        name = parts.path.removeprefix("/static/")
        if name in STATIC and parts.path.startswith("/static/"):
            return _response(http.HTTPStatus.OK, _asset(name), STATIC[name])
        return _text(http.HTTPStatus.NOT_FOUND, f"no such page: {parts.path}\n")

    def own_origin(self, host: str) -> str:
        return f"{'https' if self.tls else 'http'}://{host}"

    def _login(self, query: str) -> Response:
        if not self.logins.take():
            return _text(http.HTTPStatus.TOO_MANY_REQUESTS, "too many login attempts; wait\n")
        code = (parse_qs(query).get("code") or [""])[0]
        session = self.auth.redeem(code) if code else None
        if session is None:
            return _page(http.HTTPStatus.FORBIDDEN, _message_page(
                "This login link is not valid: it was used already, it expired, or it is "
                "from another daemon. Run <code>corral kairos url</code> for a new one."))
        # a same-site refresh (not a redirect) takes the browser to the page, so the
        # SameSite=Strict cookie is sent even when the link was opened from elsewhere
        response = _page(http.HTTPStatus.OK, _message_page(
            'Signed in. <a href="/">Open the page</a>.', refresh=True))
        secure = "; Secure" if self.tls else ""
        response.headers["Set-Cookie"] = (
            f"{COOKIE}={session}; Max-Age={int(self.auth.session_ttl_s)}; Path=/; HttpOnly; "
            f"SameSite=Strict{secure}")
        return response

    def _policy(self, host: str) -> str:
        live = f"{'wss' if self.tls else 'ws'}://{host}"
        return ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                f"connect-src 'self' {live}; base-uri 'none'; form-action 'none'; "
                "frame-ancestors 'none'")


def _hostname(host: str) -> str:
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _asset(name: str) -> bytes:
    return (importlib.resources.files("corral_kairos") / "static" / name).read_bytes()


def _message_page(html: str, *, refresh: bool = False) -> bytes:
    meta = '<meta http-equiv="refresh" content="0;url=/">' if refresh else ""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>kairos</title>{meta}</head><body style=\"font-family:sans-serif;"
        f'max-width:36em;margin:2em auto;padding:0 1em\"><h1>kairos</h1><p>{html}</p>'
        "</body></html>"
    ).encode()


def _page(status: http.HTTPStatus, body: bytes) -> Response:
    return _response(status, body, "text/html; charset=utf-8")


def _text(status: http.HTTPStatus, text: str) -> Response:
    return _response(status, text.encode(), "text/plain; charset=utf-8")


def _response(status: http.HTTPStatus, body: bytes, content_type: str) -> Response:
    from websockets.datastructures import Headers
    from websockets.http11 import Response

    headers = Headers([
        ("Date", time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime())),
        ("Connection", "close"),
        ("Content-Length", str(len(body))),
        ("Content-Type", content_type),
        ("Cache-Control", "no-store"),
        ("Referrer-Policy", "no-referrer"),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
    ])
    return Response(status.value, status.phrase, headers, body)
