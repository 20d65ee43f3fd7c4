"""``corral plugins``: what is installed, what is on, and who decided."""

from __future__ import annotations

import argparse
import sys

import msgspec

from corral.app import App
from corral.plugins.records import PluginRecord


class PluginInfo(msgspec.Struct):
    name: str
    distribution: str | None
    version: str | None
    enabled: bool
    decided_by: str
    hooks: list[str]
    error: str | None
    builtin: bool


def plugin_infos(app: App) -> list[PluginInfo]:
    records: list[PluginRecord] = sorted(
        app.host.records.values(), key=lambda r: (r.builtin, r.name)
    )
    return [
        PluginInfo(
            r.name, r.distribution, r.version, r.enabled and r.error is None, r.decided_by,
            r.hooks, r.error, r.builtin,
        )
        for r in records
    ]


def run_plugins(app: App, *, as_json: bool) -> int:
    infos = plugin_infos(app)
    if as_json:
        sys.stdout.write(msgspec.json.encode(infos).decode() + "\n")
        return 0
    from rich.table import Table

    from corral.ui.console import get_console

    table = Table(title="corral plugins", title_justify="left")
    for column in ("name", "distribution", "enabled", "decided by"):
        table.add_column(column)
    table.add_column("hooks", ratio=1)
    for info in infos:
        state = "[red]error[/]" if info.error else ("yes" if info.enabled else "no")
        table.add_row(
            info.name + (" (built-in)" if info.builtin else ""),
            " ".join(x for x in (info.distribution, info.version) if x) or "-",
            state,
            info.decided_by,
            " ".join(h.removeprefix("corral_") for h in info.hooks) or "-",
        )
    console = get_console()
    console.print(table)
    for info in infos:
        if info.error:
            console.print(f"[red]{info.name}[/]: {info.error}")
    if not any(not i.builtin for i in infos):
        console.print("No plugins installed. Install one with `pip install -e plugins/<name>`.")
    return 0


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON")


def run(args: argparse.Namespace, app: App) -> int:
    return run_plugins(app, as_json=args.json)
