"""``corral plugins``: what is installed, what is on, and who decided.

Two kinds, never mixed up: Python plugins (pip distributions in the ``corral`` entry-point
group, switched by feature flags) and plugin bundles (Claude Code plugins: folders installed
from marketplaces with ``corral plugin``, switched by ``enabledPlugins``). The text output
shows them in two named sections; ``--json`` is one list whose entries all have the same
keys, ``kind`` (``python`` or ``bundle``) telling them apart (docs/bundles.md).
"""

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
    #: ``python`` (a pip distribution) or ``bundle`` (a plugin bundle, named
    #: ``name@marketplace``).
    kind: str = "python"


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


def bundle_infos(app: App) -> list[PluginInfo]:
    """Plugin bundles as rows of the same shape (nothing is imported when none is
    installed or named by the settings)."""
    from corral.internal_plugins.bundles import in_use

    if not in_use(app) and not app.config.enabled_plugins:
        return []
    from corral.bundles.active import states

    return [PluginInfo(s.key, None, s.version, s.enabled, s.decided_by, [],
                       "; ".join(s.problems) or None, False, kind="bundle")
            for s in states(app)]


def run_plugins(app: App, *, as_json: bool) -> int:
    infos = plugin_infos(app)
    bundles = bundle_infos(app)
    if as_json:
        sys.stdout.write(msgspec.json.encode([*infos, *bundles]).decode() + "\n")
        return 0
    from rich.table import Table

    from corral.ui.console import get_console

    table = Table(title="Python plugins (pip distributions; --enable/--disable, [features])",
                  title_justify="left")
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
    console.print()
    bundle_table = Table(title="Plugin bundles (Claude Code plugins; `corral plugin`)",
                         title_justify="left")
    for column in ("name@marketplace", "version", "enabled", "decided by"):
        bundle_table.add_column(column)
    for info in bundles:
        state = "[red]error[/]" if info.error else ("yes" if info.enabled else "no")
        bundle_table.add_row(info.name, info.version or "-", state, info.decided_by)
    if bundles:
        console.print(bundle_table)
    else:
        console.print("[bold]Plugin bundles[/]: none installed (`corral plugin marketplace add "
                      "SOURCE`, then `corral plugin install NAME@MARKETPLACE`)")
    for info in bundles:
        if info.error:
            console.print(f"[red]{info.name}[/]: {info.error}", highlight=False)
    return 0


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON")


def run(args: argparse.Namespace, app: App) -> int:
    return run_plugins(app, as_json=args.json)
