"""OAuth for remote (HTTP and SSE) servers, through the SDK's ``OAuthClientProvider``.

Every remote server's HTTP client carries the SDK's provider: it does nothing until the
server answers 401, then discovers the authorization server, registers corral as a client
and runs the authorization-code flow with PKCE. What it learns is kept per server in
``<user data dir>/mcp-oauth/<name>-<hash of the URL>.json`` (mode 0600, written atomically):
the tokens, the client registration and the loopback port the registration names.

Signing in needs a person. A session never starts that on its own: the server fails with a
message saying to run ``corral mcp login NAME`` (or ``/mcp login NAME`` in the REPL). Those
print the authorization URL, open it in the browser, and wait for the browser to come back
to ``http://127.0.0.1:<port>/callback`` (a one-shot loopback listener).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import socket
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from corral.api import CorralError, user_data_dir, write_atomic

#: Shows the user where to sign in (prints the URL, opens the browser).
Present = Callable[[str, str], Awaitable[None]]

_PAGE = ("<!doctype html><title>corral</title><p>{text}</p>"
         "<p>You can close this tab and go back to corral.</p>")


class SignInNeeded(CorralError):
    """A server wants OAuth and nobody can sign in from here."""


def token_path(name: str, url: str) -> Path:
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:12]
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in name)
    return user_data_dir() / "mcp-oauth" / f"{safe}-{digest}.json"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class FileTokenStorage:
    """The SDK's ``TokenStorage`` on one JSON file, mode 0600."""

    def __init__(self, path: Path) -> None:
        self.path = path
        data = self._read()
        stored = data.get("port")
        self.port = stored if isinstance(stored, int) and stored > 0 else _free_port()
        self.redirect_uri = f"http://127.0.0.1:{self.port}/callback"

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _update(self, **values: Any) -> None:
        data = self._read()
        data.update(values, port=self.port)
        write_atomic(self.path, json.dumps(data, indent=2) + "\n", mode=0o600)
        os.chmod(self.path, 0o600)

    async def get_tokens(self) -> Any:
        from mcp.shared.auth import OAuthToken

        raw = self._read().get("tokens")
        with contextlib.suppress(ValueError):
            return OAuthToken.model_validate(raw) if raw else None
        return None

    async def set_tokens(self, tokens: Any) -> None:
        self._update(tokens=tokens.model_dump(mode="json", exclude_none=True))

    async def get_client_info(self) -> Any:
        from mcp.shared.auth import OAuthClientInformationFull

        raw = self._read().get("client_info")
        if not raw:
            return None
        try:
            info = OAuthClientInformationFull.model_validate(raw)
        except ValueError:
            return None
        # a registration for another callback address would be refused: register again
        if self.redirect_uri not in [str(u) for u in info.redirect_uris or []]:
            return None
        return info

    async def set_client_info(self, client_info: Any) -> None:
        self._update(client_info=client_info.model_dump(mode="json", exclude_none=True))


class LoopbackCallback:
    """A one-shot HTTP listener on 127.0.0.1 for the browser's return with the code."""

    def __init__(self, port: int) -> None:
        self.port = port
        self._server: asyncio.Server | None = None
        self._result: asyncio.Future[Any] | None = None

    async def start(self) -> None:
        if self._server is not None:
            return
        self._result = asyncio.get_running_loop().create_future()
        try:
            self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)
        except OSError as exc:
            raise CorralError(f"cannot listen on 127.0.0.1:{self.port} for the sign-in "
                              f"callback: {exc}") from exc

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        from mcp.shared.auth import AuthorizationCodeResult

        try:
            async with asyncio.timeout(10):
                request = (await reader.readline()).decode("latin-1").split()
                while (await reader.readline()).strip():
                    pass
            target = urlsplit(request[1] if len(request) > 1 else "/")
            query = {k: v[0] for k, v in parse_qs(target.query).items()}
            status, text = "404 Not Found", "Not the sign-in callback."
            if target.path == "/callback" and self._result is not None \
                    and not self._result.done():
                if "code" in query:
                    self._result.set_result(AuthorizationCodeResult(
                        code=query["code"], state=query.get("state"), iss=query.get("iss")))
                    status, text = "200 OK", "Signed in."
                else:
                    reason = query.get("error_description") or query.get("error") or "no code"
                    self._result.set_exception(CorralError(f"sign-in refused: {reason}"))
                    status, text = "400 Bad Request", f"Sign-in failed: {reason}"
            body = _PAGE.format(text=text).encode()
            writer.write(f"HTTP/1.1 {status}\r\ncontent-type: text/html; charset=utf-8\r\n"
                         f"content-length: {len(body)}\r\nconnection: close\r\n\r\n".encode()
                         + body)
            await writer.drain()
        except (OSError, TimeoutError, IndexError):
            pass
        finally:
            writer.close()

    async def wait(self, timeout: float) -> Any:
        assert self._result is not None, "start() first"
        try:
            async with asyncio.timeout(timeout):
                return await self._result
        except TimeoutError:
            raise CorralError(f"no sign-in within {timeout:g} s ([plugins.mcp] "
                              "oauth_timeout_s)") from None
        finally:
            await self.close()

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None


def provider(name: str, url: str, *, present: Present | None, timeout: float) -> Any:
    """The SDK's OAuth provider for server ``name`` at ``url``; ``present`` shows the user
    the authorization URL (None: signing in is not possible here and fails clearly)."""
    from corral.api import __version__
    from mcp.client.auth import OAuthClientProvider
    from mcp.shared.auth import OAuthClientMetadata
    from pydantic import AnyUrl

    storage = FileTokenStorage(token_path(name, url))
    callback = LoopbackCallback(storage.port)

    async def redirect(authorization_url: str) -> None:
        if present is None:
            raise SignInNeeded(f"server {name!r} needs you to sign in (OAuth): run `corral mcp "
                               f"login {name}`, or `/mcp login {name}` in the REPL")
        await callback.start()
        await present(name, authorization_url)

    async def returned() -> Any:
        return await callback.wait(timeout)

    metadata = OAuthClientMetadata(
        client_name="corral", software_id="corral", software_version=__version__,
        redirect_uris=[AnyUrl(storage.redirect_uri)], grant_types=["authorization_code",
                                                                   "refresh_token"],
        response_types=["code"], token_endpoint_auth_method="none")
    return OAuthClientProvider(server_url=url, client_metadata=metadata, storage=storage,
                               redirect_handler=redirect, callback_handler=returned)


def forget(name: str, url: str) -> bool:
    """Remove what was stored for a server; whether there was anything."""
    path = token_path(name, url)
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True
