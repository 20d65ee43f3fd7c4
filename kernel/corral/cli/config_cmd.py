"""``corral config show``: the effective configuration, optionally with origins."""

from __future__ import annotations

import argparse
import sys
from typing import Any

import msgspec

from corral.app import App


def _flatten(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        rows: list[tuple[str, Any]] = []
        for key, item in value.items():
            rows.extend(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return rows
    return [(prefix, value)]


def run_config_show(app: App, *, origin: bool, as_json: bool) -> int:
    data = msgspec.to_builtins(app.config)
    loaded = app.loaded
    if as_json:
        if origin:
            out: Any = {
                key: {"value": value, "origin": _origin_of(loaded, key, value)}
                for key, value in _flatten(data)
            }
        else:
            out = data
        sys.stdout.write(msgspec.json.encode(out).decode() + "\n")
        return 0
    from corral.ui.console import get_console

    console = get_console()
    for key, value in _flatten(data):
        text = msgspec.json.encode(value).decode()
        if origin:
            console.print(f"{key} = {text}  [dim]# {_origin_of(loaded, key, value)}[/]")
        else:
            console.print(f"{key} = {text}")
    return 0


def _origin_of(loaded: Any, key: str, value: Any) -> str | list[str]:
    if isinstance(value, list) and key in loaded.item_origins:
        return list(loaded.item_origins[key])
    return str(loaded.origin(key))


def configure(parser: argparse.ArgumentParser) -> None:
    from corral.cli._options import add_subcommand_globals

    actions = parser.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    show = actions.add_parser("show", help="print the effective configuration")
    show.add_argument("--origin", action="store_true", help="say where each value came from")
    show.add_argument("--json", action="store_true", help="print JSON")
    add_subcommand_globals(show)


def run(args: argparse.Namespace, app: App) -> int:
    return run_config_show(app, origin=args.origin, as_json=args.json)
