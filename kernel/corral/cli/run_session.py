"""``corral`` and ``corral -p``: the interactive and headless sessions."""

from __future__ import annotations

import argparse
import sys

from corral.app import App
from corral.errors import UsageError


def run_session(args: argparse.Namespace, app: App) -> int:
    import asyncio  # here: the parser imports this module for its options alone

    if getattr(args, "init_only", False):
        from corral.cli import startup_gc
        from corral.cli.headless import setup_only

        startup_gc.resume()

        return asyncio.run(setup_only(app))
    if args.prompt is None and args.input_format != "stream-json":
        if not sys.stdin.isatty() or not sys.stdout.isatty():
            raise UsageError(
                "the interactive session needs a terminal; use `corral -p \"PROMPT\"` "
                "for a headless answer"
            )
        from corral.cli import startup_gc
        from corral.cli.repl import run_repl

        startup_gc.resume()
        return run_repl(args, app)
    from corral.cli.headless import run_headless

    return asyncio.run(run_headless(args, app))


def add_session_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("session options")
    group.add_argument("--init", action="store_true",
                       help="run the Setup hooks (trigger init) before the session")
    group.add_argument("--init-only", action="store_true",
                       help="run the Setup hooks (trigger init) and exit")
    group.add_argument("--maintenance", action="store_true",
                       help="run the Setup hooks (trigger maintenance) before the session")
    group.add_argument("-c", "--continue", dest="continue_", action="store_true",
                       help="continue the newest session in this directory")
    group.add_argument("-r", "--resume", nargs="?", const="", default=None, metavar="ID",
                       help="resume session ID (newest when no ID is given)")
    group.add_argument("--fallback-model", default=None, metavar="MODEL",
                       help="when the model stays overloaded, continue the session with "
                       "MODEL (id or alias)")
    group.add_argument("--session-id", default=None, metavar="UUID",
                       help="give the new session this id (a UUID no earlier session has)")
    group.add_argument("--no-session-persistence", dest="session_persistence",
                       action="store_false",
                       help="keep no transcript of this session: it cannot be resumed")
    group.add_argument("--output-format", choices=["text", "json", "stream-json", "corral-events"],
                       default="text",
                       help="headless output (default: text): stream-json is Claude Code's "
                       "message lines, corral-events corral's own event stream")
    group.add_argument("--include-partial-messages", action="store_true",
                       help="with stream-json output: also a stream_event line for each raw "
                       "event of the model's streamed replies, as it arrives")
    group.add_argument("--input-format", choices=["text", "stream-json"], default="text",
                       help="headless input: the prompt, or user messages as JSON lines on stdin")
    group.add_argument("--append-system-prompt", default="", metavar="TEXT",
                       help="add TEXT to the end of the system prompt")
    group.add_argument("--append-system-prompt-file", default=None, metavar="FILE",
                       help="add the text of FILE to the end of the system prompt")
    group.add_argument("--system-prompt", default=None, metavar="TEXT",
                       help="use TEXT instead of corral's own instructions (CLAUDE.md memory "
                       "and plugins' sections stay; docs/configuration.md)")
    group.add_argument("--system-prompt-file", default=None, metavar="FILE",
                       help="as --system-prompt, with the text of FILE")
    group.add_argument("--max-turns", type=int, default=0, metavar="N",
                       help="stop after N model requests in a turn")
    group.add_argument("--max-budget-usd", type=float, default=0.0, metavar="USD",
                       help="stop once the session has cost this much")
