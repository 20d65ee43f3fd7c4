"""``corral buddy``: print the pet's card, its JSON, or rename it."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

import msgspec
from corral.api import UsageError

from corral_buddy.settings import Settings, settings_from

if TYPE_CHECKING:
    from corral.api import App


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--user-id", metavar="ID", default=None,
        help="show the pet of this id instead of yours (nothing is written)",
    )  # fmt: skip
    parser.add_argument(
        "--json", action="store_true",
        help="print species, rarity, shiny, eye, hat, stats and name as one JSON object",
    )  # fmt: skip
    actions = parser.add_subparsers(dest="buddy_action", metavar="ACTION")
    rename = actions.add_parser("rename", help="give your pet a new name")
    rename.add_argument("name", help="1 to 24 printable characters")


def run(args: argparse.Namespace, app: App) -> int:
    """Run ``corral buddy`` for parsed ``args`` with the application ``app``."""
    from corral_buddy.profile import card_json, load_profile

    settings = settings_from(app.config)
    user_id: str | None = args.user_id
    if user_id is not None and not user_id:
        raise UsageError("corral buddy: --user-id is empty; give a non-empty id or leave it out.")
    if getattr(args, "buddy_action", None) == "rename":
        if user_id is not None:
            raise UsageError("corral buddy rename: renames your own pet; leave out --user-id.")
        return _rename(settings, args.name)
    profile = load_profile(settings, user_id=user_id, config=app.config)
    if args.json:
        sys.stdout.write(msgspec.json.encode(card_json(profile)).decode("utf-8") + "\n")
        sys.stdout.flush()
        return 0
    from rich.console import Console

    from corral_buddy.view import Card

    Console().print(Card(profile))
    return 0


def _rename(settings: Settings, name: str) -> int:
    from rich.console import Console

    from corral_buddy.identity import buddy_dir
    from corral_buddy.profile import load_profile
    from corral_buddy.soul import SoulStore

    profile = load_profile(settings)
    soul = SoulStore(buddy_dir()).rename(profile.bones, name)
    Console().print(f"{profile.soul.name} is now called {soul.name}.", markup=False)
    return 0
