"""``corral sessions``: earlier sessions in this directory."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys

import msgspec

from corral.app import App
from corral.engine.resume import restore
from corral.engine.transcript import iter_transcripts
from corral.ui.render import shorten


class SessionInfo(msgspec.Struct):
    id: str
    modified: str
    first_prompt: str
    turns: int
    cost_usd: float | None


def run_sessions(app: App, *, as_json: bool) -> int:
    infos: list[SessionInfo] = []
    for path in iter_transcripts(app.cwd):
        restored = restore(path)
        when = dt.datetime.fromtimestamp(os.path.getmtime(path)).strftime("%Y-%m-%d %H:%M")
        infos.append(SessionInfo(path.stem, when, shorten(restored.first_prompt, 80),
                                 restored.num_turns, restored.cost_usd))
    if as_json:
        sys.stdout.write(msgspec.json.encode(infos).decode() + "\n")
        return 0
    from rich.table import Table

    from corral.ui.console import get_console

    if not infos:
        get_console().print("No sessions in this directory yet.")
        return 0
    table = Table(title="sessions (newest first)", title_justify="left")
    for column in ("id", "modified", "first prompt", "turns", "cost"):
        table.add_column(column)
    for info in infos:
        cost = "-" if info.cost_usd is None else f"${info.cost_usd:.4f}"
        table.add_row(info.id[:12], info.modified, info.first_prompt, str(info.turns), cost)
    get_console().print(table)
    return 0


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON")


def run(args: argparse.Namespace, app: App) -> int:
    return run_sessions(app, as_json=args.json)
