"""``corral dream [--dry-run] [--json] [--undo] [--no-model]`` and ``/dream``."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TYPE_CHECKING, Any

import msgspec

if TYPE_CHECKING:
    from corral.api import App, Session

    from corral_dream.report import Report
    from corral_dream.settings import Settings


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dry-run", action="store_true",
                        help="show what would change, write nothing")
    parser.add_argument("--json", action="store_true",
                        help="print the report as one JSON object (progress goes to stderr)")
    parser.add_argument("--undo", nargs="?", const="project", choices=("project", "user"),
                        help="put the memory back as it was before the last dream (the "
                        "project's, or with `--undo user` the user store)")
    parser.add_argument("--no-model", action="store_true",
                        help="only the model-free passes; judgments wait for a later dream")


def _settings(app: App) -> Settings:
    from corral_dream.settings import Settings

    found = app.config.plugin_settings("dream")
    return found if isinstance(found, Settings) else Settings()


def run(args: argparse.Namespace, app: App) -> int:
    from corral_dream.runner import dream, undo

    if args.undo:
        sys.stdout.write(undo(app.cwd, args.undo) + "\n")
        return 0

    def progress(message: str) -> None:
        sys.stderr.write(f"dream: {message}\n")
        sys.stderr.flush()

    report = asyncio.run(dream(app.cwd, app.config, _settings(app), dry_run=args.dry_run,
                               progress=progress, use_model=not args.no_model, app=app))
    if args.json:
        sys.stdout.write(msgspec.json.encode(report.to_json()).decode() + "\n")
    else:
        sys.stdout.write(plain(report))
    return 0


def plain(report: Report) -> str:
    """The report as text; a dry run shows each change's before and after."""
    lines = [report.summary()]
    for change in report.changes:
        lines.append(f"  {change.phase:<10} {change.action:<6} {change.id}  {change.reason}")
        if report.dry_run:
            if change.before is not None:
                lines.append(f"    - {' '.join(change.before.split())}")
            if change.after is not None:
                lines.append(f"    + {' '.join(change.after.split())}")
    if report.claude_md != "unchanged":
        lines.append(f"  CLAUDE.md section {'would be ' if report.dry_run else ''}"
                     f"{report.claude_md}")
    if report.deferred:
        lines.append(f"  {report.deferred} judgments deferred to a later dream")
    lines.extend(f"  note: {n}" for n in report.notes)
    lines.extend(f"  refused: {r}" for r in report.refused)
    text = "\n".join(lines) + "\n"
    return text + plain(report.user) if report.user is not None else text


async def slash(session: Session, text: str) -> Any:
    """``/dream [--dry-run] [--undo [user]]``: dream now, in this session's project."""
    from corral_dream.runner import dream, undo

    words = text.split()
    if "--undo" in words:
        return undo(session.cwd, "user" if "user" in words else "project")
    return await dream(session.cwd, session.config, _settings(session.app),
                       dry_run="--dry-run" in words, app=session.app)
