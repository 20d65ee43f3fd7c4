"""``corral plugin …`` and ``/plugin …``: marketplaces and bundles, as Claude Code users type them.

::

    corral plugin marketplace add SOURCE      # a folder, a git URL, or owner/repo
    corral plugin marketplace list [--json]
    corral plugin marketplace remove NAME
    corral plugin marketplace update [NAME]
    corral plugin marketplace trust NAME      # one a project's settings propose
    corral plugin install NAME[@MARKETPLACE]
    corral plugin uninstall|enable|disable NAME[@MARKETPLACE]
    corral plugin list [--json]

Each action writes its lines through ``out``, so the REPL's ``/plugin`` shares them.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

from corral.bundles import install as installer
from corral.bundles import marketplace, store
from corral.bundles.active import BundleState, states
from corral.errors import UsageError

if TYPE_CHECKING:
    from corral.app import App

Out = Callable[[str], None]


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.description = ("Plugin bundles (Claude Code plugins: commands, agents, skills, "
                          "hooks, MCP servers) and the marketplaces they come from. "
                          "docs/bundles.md explains them; `corral plugins` lists pip "
                          "plugins and bundles side by side.")
    actions = parser.add_subparsers(dest="plugin_action", metavar="ACTION", required=True)
    mkt = actions.add_parser("marketplace", help="add, list, remove, update or trust "
                             "marketplaces")
    mkt_actions = mkt.add_subparsers(dest="marketplace_action", metavar="ACTION", required=True)
    add = mkt_actions.add_parser("add", help="add a marketplace: a folder, a git URL or "
                                 "owner/repo")
    add.add_argument("source")
    listing = mkt_actions.add_parser("list", help="list the known marketplaces")
    listing.add_argument("--json", action="store_true", help="print JSON")
    mkt_actions.add_parser("remove", help="forget a marketplace").add_argument("name")
    mkt_actions.add_parser("update", help="fetch git marketplaces again").add_argument(
        "name", nargs="?")
    mkt_actions.add_parser("trust", help="trust a marketplace a project's settings propose "
                           "(extraKnownMarketplaces)").add_argument("name")
    actions.add_parser("install", help="install a bundle: NAME@MARKETPLACE").add_argument("spec")
    for action, text in (("uninstall", "remove an installed bundle"),
                         ("enable", "turn an installed bundle on"),
                         ("disable", "turn an installed bundle off")):
        actions.add_parser(action, help=text).add_argument("spec")
    bundles = actions.add_parser("list", help="list installed bundles")
    bundles.add_argument("--json", action="store_true", help="print JSON")


def run_plugin_command(args: argparse.Namespace, app: App) -> int:
    try:
        return dispatch(args, app, _print)
    except marketplace.TrustNeeded as need:
        if not sys.stdin.isatty():
            raise
        if input(f"{trust_question(need)} [y/N] ").strip().lower() not in ("y", "yes"):
            raise
        return install(args.spec, app, _print, trust=True)


def _print(line: str) -> None:
    sys.stdout.write(line + "\n")


def trust_question(need: marketplace.TrustNeeded) -> str:
    return (f"marketplace {need.name!r} ({need.source.describe()}) is proposed by "
            f"{need.proposer}; trust it and install from it?")


def dispatch(args: argparse.Namespace, app: App, out: Out) -> int:
    """Run one action; a marketplace that needs the user's trust raises
    :class:`~corral.bundles.marketplace.TrustNeeded` (the caller may ask, then call
    :func:`install` with ``trust``)."""
    action = args.plugin_action
    if action == "marketplace":
        return _marketplace(args, app, out)
    if action == "install":
        return install(args.spec, app, out)
    if action == "uninstall":
        record = installer.uninstall(args.spec)
        out(f"uninstalled {record.key} {record.version}")
        return 0
    if action in ("enable", "disable"):
        return set_enabled(args.spec, action == "enable", app, out)
    if action == "list":
        return list_bundles(app, out, as_json=args.json)
    raise UsageError(f"unknown action {action!r}")


def install(spec: str, app: App, out: Out, *, trust: bool = False) -> int:
    record, bundle = installer.install(spec, app.loaded, app.cwd, trust=trust)
    out(f"installed {record.key} {record.version} (enabled) in {record.path}")
    for problem in bundle.problems:
        out(f"  problem: {problem}")
    return 0


def set_enabled(spec: str, on: bool, app: App, out: Out) -> int:
    record = installer.set_enabled(spec, on)
    out(f"{'enabled' if on else 'disabled'} {record.key}")
    setting = app.config.enabled_plugins.get(record.key)
    if setting is not None and setting != on:
        where = app.loaded.origins.get(f"enabled_plugins.{record.key}", "the settings")
        out(f"  note: {where} sets enabledPlugins.{record.key} to {str(setting).lower()}, "
            "which wins over this")
    return 0


def _marketplace(args: argparse.Namespace, app: App, out: Out) -> int:
    action = args.marketplace_action
    if action == "add":
        source = marketplace.parse_source(args.source, app.cwd)
        catalog = marketplace.add(source, app.cwd)
        out(f"added marketplace {catalog.name} ({source.source} {source.describe()}) with "
            f"{len(catalog.plugins)} bundle(s)")
        return 0
    if action == "trust":
        offer = marketplace.proposed(app.loaded).get(args.name)
        if offer is None:
            raise UsageError(f"no settings file proposes a marketplace named {args.name!r}")
        catalog = marketplace.add(offer.source, app.cwd)
        out(f"trusted marketplace {catalog.name} ({offer.source.describe()}), proposed by "
            f"{offer.proposer}")
        return 0
    if action == "remove":
        known = marketplace.remove(args.name)
        out(f"removed marketplace {args.name} ({known.source.describe()}); installed bundles "
            "stay until uninstalled")
        return 0
    if action == "update":
        names = [args.name] if args.name else sorted(store.load_marketplaces().marketplaces)
        for name in names:
            catalog = marketplace.update(name)
            out(f"updated marketplace {name}: {len(catalog.plugins)} bundle(s)")
        return 0
    return list_marketplaces(app, out, as_json=args.json)


class MarketplaceInfo(msgspec.Struct, kw_only=True):
    name: str
    source: store.Source
    path: str | None
    #: ``added`` (by the user), or the settings file proposing it.
    origin: str
    trusted: bool
    plugins: list[str]
    problem: str | None = None


def marketplace_infos(app: App) -> list[MarketplaceInfo]:
    infos: list[MarketplaceInfo] = []
    known = store.load_marketplaces().marketplaces
    for name, entry in sorted(known.items()):
        infos.append(_info(name, entry.source, entry.path, "added", True))
    for name, offer in sorted(marketplace.proposed(app.loaded).items()):
        if name not in known:
            infos.append(_info(name, offer.source, offer.source.path, offer.proposer,
                               offer.trusted))
    return infos


def _info(name: str, source: store.Source, path: str | None, origin: str,
          trusted: bool) -> MarketplaceInfo:
    plugins: list[str] = []
    problem = None
    if path is not None and (origin == "added" or source.source == "directory"):
        try:
            plugins = [str(p.get("name")) for p in marketplace.read_catalog(Path(path)).plugins]
        except marketplace.MarketplaceError as exc:
            problem = str(exc)
    return MarketplaceInfo(name=name, source=source, path=path, origin=origin,
                           trusted=trusted, plugins=plugins, problem=problem)


def list_marketplaces(app: App, out: Out, *, as_json: bool) -> int:
    infos = marketplace_infos(app)
    if as_json:
        out(msgspec.json.encode(infos).decode())
        return 0
    if not infos:
        out("no marketplaces; add one with `corral plugin marketplace add SOURCE`")
    for info in infos:
        trust = "" if info.trusted else " [not trusted yet]"
        out(f"{info.name}: {info.source.source} {info.source.describe()} ({info.origin})"
            f"{trust}")
        if info.plugins:
            out(f"  bundles: {', '.join(info.plugins)}")
        if info.problem:
            out(f"  problem: {info.problem}")
    return 0


def describe_state(state: BundleState) -> list[str]:
    on = "enabled" if state.enabled else "disabled"
    where = "" if state.installed else ", not installed"
    lines = [f"{state.key} {state.version or ''}".rstrip()
             + f": {on} ({state.decided_by}{where})"]
    if state.description:
        lines.append(f"  {state.description}")
    for label, items in (("commands", [f"/{c}" for c in state.commands]),
                         ("agents", state.agents), ("skills", state.skills),
                         ("MCP servers", state.mcp_servers)):
        if items:
            lines.append(f"  {label}: {', '.join(items)}")
    if state.hooks:
        lines.append(f"  hooks: {state.hooks}")
    lines += [f"  problem: {p}" for p in state.problems]
    return lines


def list_bundles(app: App, out: Out, *, as_json: bool) -> int:
    found = states(app)
    if as_json:
        out(msgspec.json.encode(found).decode())
        return 0
    if not found:
        out("no plugin bundles installed; `corral plugin marketplace add SOURCE`, then "
            "`corral plugin install NAME@MARKETPLACE`")
    for state in found:
        for line in describe_state(state):
            out(line)
    return 0


def slash_args(text: str) -> argparse.Namespace:
    """Parse the text after ``/plugin`` like ``corral plugin``'s arguments."""
    parser = argparse.ArgumentParser(prog="/plugin", add_help=False, exit_on_error=False)
    configure_parser(parser)
    words = shlex.split(text) or ["list"]
    try:
        args, extra = parser.parse_known_args(words)
    except (argparse.ArgumentError, SystemExit) as exc:
        raise UsageError(f"/plugin {text}: {exc}; try /plugin list, /plugin install "
                         "NAME@MARKETPLACE, /plugin enable|disable NAME") from None
    if extra:
        raise UsageError(f"/plugin: unexpected {' '.join(extra)}")
    return args
