"""The servers of one run: started concurrently in the background, watched, shut down.

Each server lives in its own asyncio task, which enters the SDK's client, lists what the
server offers, then waits for the stop signal and leaves the client in that same task (the
SDK's task groups must be left where they were entered). A server that fails to start, or
crashes later, is marked ``failed`` with the last lines of its stderr; the full stderr is in
a log file under corral's log directory. The SDK is imported only here, and only when a
server is started.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, Literal

from corral.api import user_log_dir

from corral_mcp.config import ServerConfig
from corral_mcp.oauth import Present, SignInNeeded

Status = Literal["pending", "connected", "failed", "needs-approval", "disabled"]

#: How many stderr lines a failure message quotes.
STDERR_LINES = 5
#: How long closing waits for one server before giving up on it.
CLOSE_TIMEOUT_S = 10.0


class ServerState:
    """One configured server and what is known about it now."""

    def __init__(self, config: ServerConfig, status: Status = "pending") -> None:
        self.config = config
        self.status: Status = status
        self.error = ""
        self.tools: list[Any] = []
        self.prompts: list[Any] = []
        self.has_resources = False
        self.client: Any = None
        self.task: asyncio.Task[None] | None = None
        self.ready = asyncio.Event()
        self.stop = asyncio.Event()
        self.log_path: Path | None = None
        self.started_at = 0.0
        self.connect_ms = 0.0
        #: It failed because it wants an OAuth sign-in (``corral mcp login``).
        self.needs_sign_in = False

    @property
    def name(self) -> str:
        return self.config.name

    def stderr_tail(self) -> str:
        if self.log_path is None:
            return ""
        try:
            lines = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join(lines[-STDERR_LINES:])

    def fail(self, message: str) -> None:
        self.status = "failed"
        tail = self.stderr_tail()
        self.error = message + (f"\nlast stderr lines:\n{tail}" if tail else "")
        if self.log_path is not None and self.config.transport == "stdio":
            self.error += f"\nfull stderr: {self.log_path}"
        self.client = None
        self.ready.set()


def _innermost(exc: BaseException) -> BaseException:
    """The first exception inside (nested) exception groups."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return exc


def describe(exc: BaseException) -> str:
    """A one-line reason from an exception, looking inside exception groups."""
    exc = _innermost(exc)
    text = str(exc).strip() or type(exc).__name__
    return f"{type(exc).__name__}: {text}" if text != type(exc).__name__ else text


#: The SDK module each transport needs.
_TRANSPORT_MODULES = {"stdio": "mcp.client.stdio", "http": "mcp.client.streamable_http",
                      "sse": "mcp.client.sse"}


#: One import of the SDK at a time: two threads importing different SDK modules that import
#: each other would trip the import system's deadlock detection.
_IMPORT_LOCK = threading.Lock()


def _import(module: str) -> None:
    with _IMPORT_LOCK:
        importlib.import_module(module)


async def load_sdk(transport: str = "stdio") -> None:
    """Import the SDK's client for ``transport`` in a worker thread, so the event loop (the
    first model request) does not stall behind it."""
    module = _TRANSPORT_MODULES.get(transport, "mcp.client.stdio")
    if module not in sys.modules:
        await asyncio.to_thread(_import, module)


def _log_path(name: str) -> Path:
    directory = user_log_dir() / "mcp"
    directory.mkdir(parents=True, exist_ok=True)
    return directory / f"{name}.log"


class Manager:
    """The MCP servers of one run."""

    def __init__(self, servers: list[ServerState], *, cwd: Path, startup_timeout_s: float,
                 call_timeout_s: float, sign_in: Present | None = None,
                 oauth_timeout_s: float = 300.0, env: dict[str, str] | None = None) -> None:
        self.servers = {s.name: s for s in servers}
        #: The settings' ``env`` (corral's ``[env]``, Claude Code's ``env`` key): set for every
        #: stdio server, under the server's own ``env``.
        self.env = dict(env or {})
        #: Shows the user an OAuth authorization URL; None: a server that wants one fails,
        #: saying how to sign in (:mod:`corral_mcp.oauth`).
        self.sign_in = sign_in
        self.oauth_timeout_s = oauth_timeout_s
        self.cwd = cwd
        self.startup_timeout_s = startup_timeout_s
        self.call_timeout_s = call_timeout_s
        #: Bumped whenever the set of tools offered changes (a server joined, failed, or
        #: said its tool list changed), so sessions know to rebuild their tool set.
        self.generation = 0
        self.on_change: list[Callable[[], None]] = []
        self._logs: list[IO[str]] = []
        #: When :meth:`start` last started a server (monotonic), for waits counted from it.
        self.started_at = time.monotonic()

    def _changed(self) -> None:
        self.generation += 1
        for callback in list(self.on_change):
            callback()

    # -- starting -----------------------------------------------------------------------------

    def start(self, names: list[str] | None = None) -> None:
        """Start every pending server (or those named) in a background task each."""
        for state in self.servers.values():
            if names is not None and state.name not in names:
                continue
            if state.status != "pending" or state.task is not None:
                continue
            state.ready.clear()
            state.stop.clear()
            state.started_at = self.started_at = time.monotonic()
            state.task = asyncio.get_running_loop().create_task(
                self._serve(state), name=f"mcp-server-{state.name}")

    def starting(self) -> list[ServerState]:
        return [s for s in self.servers.values() if s.status == "pending" and s.task is not None]

    async def wait_started(self, timeout: float) -> None:
        """Wait until every started server is up or failed, at most ``timeout`` seconds."""
        waiting = [s.ready.wait() for s in self.starting()]
        if not waiting:
            return
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await asyncio.gather(*waiting)

    async def wait_for(self, state: ServerState, timeout: float) -> None:
        """Wait until ``state`` is up or failed, at most ``timeout`` seconds."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await state.ready.wait()

    async def wait_since_start(self, budget: float) -> list[ServerState]:
        """Wait for servers still starting until ``budget`` seconds after they were started
        (no wait when that moment has passed); returns those still starting then."""
        remaining = self.started_at + budget - time.monotonic()
        if remaining > 0:
            await self.wait_started(remaining)
        return self.starting()

    async def _serve(self, state: ServerState) -> None:
        config = state.config
        try:
            async with contextlib.AsyncExitStack() as stack:
                async with asyncio.timeout(self.startup_timeout_s):
                    await load_sdk(config.transport)
                    client = await self._connect(state, stack)
                    await self._list(state, client)
                state.client = client
                state.status = "connected"
                state.error = ""
                state.connect_ms = (time.monotonic() - state.started_at) * 1000
                state.ready.set()
                self._changed()
                watcher = asyncio.get_running_loop().create_task(self._watch(state, client))
                try:
                    await state.stop.wait()
                finally:
                    watcher.cancel()
                    await asyncio.gather(watcher, return_exceptions=True)
        except TimeoutError:
            state.fail(f"did not start within {self.startup_timeout_s:g} s "
                       "([plugins.mcp] startup_timeout_s)")
        except asyncio.CancelledError:
            state.fail("stopped while starting")
            raise
        except BaseException as exc:  # the SDK raises exception groups from its task groups
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
            where = config.command if config.transport == "stdio" else config.url
            state.fail(f"{config.transport} server {where!r}: {describe(exc)}")
            state.needs_sign_in = isinstance(_innermost(exc), SignInNeeded)
        finally:
            was_connected = state.status == "connected"
            if state.status == "connected" and not state.stop.is_set():
                state.fail("the connection ended")
            elif state.status == "connected":
                state.status = "pending"
                state.client = None
            state.task = None
            if was_connected or state.status == "failed":
                self._changed()

    async def _connect(self, state: ServerState, stack: contextlib.AsyncExitStack) -> Any:
        from mcp import Client
        from mcp.types import Implementation

        from corral_mcp import __version__

        config = state.config
        transport: Any
        if config.transport == "stdio":
            from mcp.client.stdio import StdioServerParameters, stdio_client

            state.log_path = _log_path(config.name)
            log = open(state.log_path, "a", encoding="utf-8")  # noqa: SIM115 (closed by stack)
            stack.callback(log.close)
            log.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} starting {config.command}\n")
            log.flush()
            cwd = config.cwd or str(self.cwd)
            params = StdioServerParameters(
                command=config.command, args=config.args,
                env={**os.environ, **self.env, **config.env}, cwd=cwd)
            transport = stdio_client(params, errlog=log)
        elif config.transport == "http":
            from mcp.client.streamable_http import streamable_http_client
            from mcp.shared._httpx_utils import create_mcp_http_client

            http = await stack.enter_async_context(
                create_mcp_http_client(headers=dict(config.headers), auth=self._auth(config)))
            transport = streamable_http_client(config.url, http_client=http)
        else:
            from mcp.client.sse import sse_client

            transport = sse_client(config.url, headers=dict(config.headers),
                                   auth=self._auth(config))

        async def on_message(message: Any) -> None:
            from mcp.types import ToolListChangedNotification

            if isinstance(message, ToolListChangedNotification) or getattr(
                    getattr(message, "root", None), "method", "") == "notifications/tools/list_changed":
                asyncio.get_running_loop().create_task(self._relist(state))

        client = Client(transport, message_handler=on_message, cache=None,
                        client_info=Implementation(name="corral", version=__version__))
        return await stack.enter_async_context(client)

    def _auth(self, config: ServerConfig) -> Any:
        from corral_mcp import oauth

        return oauth.provider(config.name, config.url, present=self.sign_in,
                              timeout=self.oauth_timeout_s)

    async def _list(self, state: ServerState, client: Any) -> None:
        caps = client.server_capabilities
        tools: list[Any] = []
        if caps is None or caps.tools is not None:
            cursor = None
            while True:
                page = await client.list_tools(cursor=cursor)
                tools.extend(page.tools)
                cursor = page.next_cursor
                if not cursor:
                    break
        state.tools = tools
        state.has_resources = caps is not None and caps.resources is not None
        prompts: list[Any] = []
        if caps is not None and caps.prompts is not None:
            with contextlib.suppress(Exception):
                prompts = list((await client.list_prompts()).prompts)
        state.prompts = prompts

    async def _watch(self, state: ServerState, client: Any) -> None:
        """Follow the server's tool-list changes (servers of the newer protocol send them
        on a listen stream; older ones as notifications, see ``on_message``)."""
        caps = client.server_capabilities
        if caps is None or caps.tools is None or not caps.tools.list_changed:
            return
        with contextlib.suppress(Exception):
            async with client.listen(tools_list_changed=True) as events:
                async for _event in events:
                    await self._relist(state)

    async def _relist(self, state: ServerState) -> None:
        client = state.client
        if client is None:
            return
        try:
            await self._list(state, client)
        except Exception as exc:  # a failed refresh keeps the old list
            state.error = f"refreshing the tool list failed: {describe(exc)}"
            return
        self._changed()

    # -- using ---------------------------------------------------------------------------------

    def connected(self) -> list[ServerState]:
        return [s for s in self.servers.values() if s.status == "connected"]

    def lost(self, state: ServerState, reason: str) -> None:
        """A call found the server gone: mark it failed and let its task clean up."""
        if state.status != "connected":
            return
        state.fail(f"the server went away ({reason})")
        state.stop.set()
        self._changed()

    async def reconnect(self, name: str) -> ServerState:
        state = self.servers[name]
        await self._stop(state)
        state.status = "pending"
        state.error = ""
        self.start([name])
        await self.wait_started(self.startup_timeout_s + 1)
        return state

    async def sign_in_to(self, name: str, present: Present) -> ServerState:
        """Connect to ``name`` again, this time letting its OAuth flow show ``present`` the
        authorization URL and wait (``oauth_timeout_s``) for the browser's return."""
        saved = self.sign_in, self.startup_timeout_s
        self.sign_in, self.startup_timeout_s = present, saved[1] + self.oauth_timeout_s
        try:
            return await self.reconnect(name)
        finally:
            self.sign_in, self.startup_timeout_s = saved

    # -- stopping -----------------------------------------------------------------------------

    async def _stop(self, state: ServerState) -> None:
        task = state.task
        if task is None:
            return
        state.stop.set()
        if state.status == "pending":
            task.cancel()
        try:
            async with asyncio.timeout(CLOSE_TIMEOUT_S):
                await asyncio.gather(task, return_exceptions=True)
        except TimeoutError:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def stop_server(self, name: str, status: Status) -> None:
        """Stop one server and leave it in ``status`` (``disabled`` after a refusal)."""
        state = self.servers[name]
        await self._stop(state)
        state.status = status
        state.client = None
        self._changed()

    async def close(self) -> None:
        """Stop every server: clients closed, child processes ended."""
        await asyncio.gather(*(self._stop(s) for s in self.servers.values()))
