"""``corral mcp``: list, get, add, add-json, remove, login, logout, serve."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TYPE_CHECKING, Any

import msgspec
from corral.api import UsageError

from corral_mcp import runtime, status

if TYPE_CHECKING:
    from corral.api import App

    from corral_mcp.manager import Manager


def _configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="mcp_command", metavar="ACTION", required=True)
    listing = sub.add_parser("list", help="every configured server and its status")
    listing.add_argument("--json", action="store_true", help="print JSON")
    get = sub.add_parser("get", help="one server: its config, status and tools")
    get.add_argument("name")
    add = sub.add_parser("add", help="add a server: NAME -- COMMAND ARGS..., or NAME URL")
    add.add_argument("--scope", "-s", choices=["local", "project", "user"], default="local")
    add.add_argument("--transport", "-t", choices=["stdio", "http", "sse"], default=None)
    add.add_argument("--env", "-e", action="append", default=[], metavar="KEY=VALUE")
    add.add_argument("--header", "-H", action="append", default=[], metavar="'Name: value'")
    add.add_argument("name")
    add.add_argument("target", nargs=argparse.REMAINDER, help="COMMAND ARGS... or URL")
    add_json = sub.add_parser("add-json", help="add a server from its JSON entry")
    add_json.add_argument("--scope", "-s", choices=["local", "project", "user"], default="local")
    add_json.add_argument("name")
    add_json.add_argument("json")
    remove = sub.add_parser("remove", help="remove a server")
    remove.add_argument("--scope", "-s", choices=["local", "project", "user"], default=None)
    remove.add_argument("name")
    login = sub.add_parser("login", help="sign in to a remote server that wants OAuth "
                           "(opens the browser)")
    login.add_argument("name")
    logout = sub.add_parser("logout", help="forget a remote server's OAuth tokens")
    logout.add_argument("name")
    sub.add_parser("serve", help="offer corral's own tools to an MCP client over stdio "
                   "(permission rules apply; what would ask is denied)")


def run(args: argparse.Namespace, app: App) -> int:
    action = args.mcp_command
    if action in ("list", "get"):
        return asyncio.run(_inspect(args, app))
    if action == "login":
        from corral_mcp.login import login

        code, message = asyncio.run(login(app, args.name))
        print(message)
        return code
    if action == "logout":
        from corral_mcp.login import logout

        print(logout(app, args.name))
        return 0
    if action == "serve":
        from corral_mcp.serve import serve

        return asyncio.run(serve(app))
    from corral_mcp import edit

    if action == "add":
        entry = edit.entry_from_args(args.name, args.target, args.transport, args.env,
                                     args.header)
        path = edit.add(app.cwd, args.scope, args.name, entry)
    elif action == "add-json":
        try:
            entry = msgspec.json.decode(args.json.encode())
        except msgspec.DecodeError as exc:
            raise UsageError(f"corral mcp add-json {args.name}: invalid JSON: {exc}") from exc
        path = edit.add(app.cwd, args.scope, args.name, entry)
    else:
        path = edit.remove(app.cwd, args.scope, args.name)
        print(f"removed MCP server {args.name!r} from {path}")
        return 0
    print(f"added MCP server {args.name!r} to {path} ({args.scope} scope)")
    return 0


async def _connected(app: App) -> Manager:
    servers = runtime.configured(app)
    for problem in servers.problems:
        sys.stderr.write(f"corral: mcp: {problem}\n")
    manager = runtime.make_manager(app, servers)
    manager.start()
    await manager.wait_started(manager.startup_timeout_s + 1)
    return manager


async def _inspect(args: argparse.Namespace, app: App) -> int:
    manager = await _connected(app)
    try:
        if args.mcp_command == "list":
            rows = status.rows(manager)
            if args.json:
                print(msgspec.json.encode(rows).decode())
            elif not rows:
                print("no MCP servers configured (.mcp.json, ~/.claude.json, [plugins.mcp.servers])")
            else:
                print("\n".join(status.lines(manager)))
            return 1 if any(r.status == "failed" for r in rows) else 0
        state = manager.servers.get(args.name)
        if state is None:
            known = ", ".join(sorted(manager.servers)) or "none"
            raise UsageError(f"no MCP server named {args.name!r} (configured: {known})")
        data: dict[str, Any] = status.detail(state)
        print(msgspec.json.format(msgspec.json.encode(data), indent=2).decode())
        return 1 if state.status == "failed" else 0
    finally:
        await manager.close()
