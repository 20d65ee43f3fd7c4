"""The arguments of ``corral plugin`` (and ``/plugin``), apart from the code behind them so
that building the command line imports nothing of :mod:`corral.bundles`."""

from __future__ import annotations

import argparse


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
