"""``corral kairos start|stop|status|logs|attach|send TEXT|url|open``."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from datetime import datetime
from typing import TYPE_CHECKING, Any

import msgspec

from corral_kairos.errors import DaemonError

if TYPE_CHECKING:
    from corral.api import App


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="kairos_command", metavar="COMMAND", required=True)
    sub.add_parser("start", help="start the background daemon for this project")
    sub.add_parser("stop", help="stop it (SIGTERM: the running turn is cancelled cleanly)")
    status = sub.add_parser("status", help="uptime, ticks, sleeps, calls, tokens, cost, budget")
    status.add_argument("--json", action="store_true", help="print the state as JSON")
    logs = sub.add_parser("logs", help="print today's daily log (or --day YYYY-MM-DD)")
    logs.add_argument("--day", default=None)
    sub.add_parser("attach", help="stream the daemon's session events and send it the lines "
                   "you type (Ctrl-D or Ctrl-C to leave)")
    send = sub.add_parser("send", help="queue TEXT for the daemon through the bridge")
    send.add_argument("text", nargs="+")
    sub.add_parser("url", help="print a one-time login link to the daemon's web page")
    sub.add_parser("open", help="open a one-time login link to the web page in the browser")


def run(args: argparse.Namespace, app: App) -> int:
    from corral.api import project_root

    from corral_kairos import process
    from corral_kairos.bridge import call
    from corral_kairos.daemon import read_state
    from corral_kairos.dailylog import open_log, project_state_dir

    root = project_root(app.cwd)
    state_dir = project_state_dir(root)
    command = args.kairos_command
    out = sys.stdout
    if command == "start":
        started = process.spawn(app.cwd)
        out.write(f"kairos daemon started (pid {started}); state in {state_dir}\n")
        return 0
    if command == "stop":
        stopped = process.terminate(state_dir)
        out.write("no kairos daemon is running\n" if stopped is None
                  else stopped.describe() + "\n")
        return 0
    if command == "status":
        live = process.is_running(state_dir)
        state = read_state(state_dir)
        if args.json:
            data = msgspec.to_builtins(state) if state is not None else {}
            out.write(msgspec.json.encode({"running": live is not None, **data}).decode() + "\n")
            return 0
        out.write(_status_text(live, state))
        return 0 if live is not None else 1
    if command == "logs":
        log = open_log(root)
        when = time.time() if args.day is None else datetime.strptime(args.day, "%Y-%m-%d").timestamp()
        path = log.path_for(when)
        if not path.exists():
            out.write(f"no kairos log for that day ({path})\n")
            return 1
        out.write(path.read_text())
        return 0
    if command == "send":
        reply = asyncio.run(call(state_dir, {"op": "send", "text": " ".join(args.text)}))
        if not reply.get("ok"):
            raise DaemonError(f"the daemon refused the command: {reply.get('error')}")
        out.write(f"queued (#{reply.get('queued')})\n")
        return 0
    if command in ("url", "open"):
        reply = asyncio.run(call(state_dir, {"op": "login"}))
        if not reply.get("ok"):
            raise DaemonError(f"the daemon gave no login link: {reply.get('error')}")
        url = str(reply["url"])
        if command == "open":
            import webbrowser

            if not webbrowser.open(url):
                out.write("no browser could be started; open this link (once, within "
                          f"{reply.get('expires_in_s', 0):g}s):\n{url}\n")
                return 1
            out.write("opened the kairos page in the browser\n")
            return 0
        out.write(f"{url}\n")
        sys.stderr.write(f"(works once, within {reply.get('expires_in_s', 0):g}s)\n")
        return 0
    if command == "attach":
        from corral_kairos.attach import Attach
        from corral_kairos.settings import Settings

        settings = app.config.plugin_settings("kairos")
        rate = (settings if isinstance(settings, Settings) else Settings()).bridge_rate_per_s
        try:
            return asyncio.run(Attach(state_dir, sys.stdin, out, rate_per_s=rate).run())
        except KeyboardInterrupt:
            return 0
    raise DaemonError(f"unknown kairos command {command!r}")


def _status_text(pid: int | None, state: Any) -> str:
    if state is None:
        return "kairos daemon: not running (no state yet)\n"
    running = f"running (pid {pid})" if pid is not None else "not running"
    if pid is not None:
        now = f"uptime: {time.time() - state.started_at:.0f}s; now: {state.current or 'idle'}"
    else:
        now = f"last stopped: {datetime.fromtimestamp(state.updated_at):%Y-%m-%d %H:%M:%S}"
    t = state.ticker
    budget = t.get("budget", {})
    cost = "?" if state.cost_usd is None else f"${state.cost_usd:.4f}"
    lines = [
        f"kairos daemon: {running}; session {state.session_id}",
        f"{now}; queued: {state.queued}",
        f"ticks: {t.get('ticks_run', 0)} run, {t.get('ticks_skipped', 0)} skipped, "
        f"{t.get('heartbeats', 0)} heartbeats; scheduled prompts: {t.get('schedules_run', 0)};"
        f" sleeps: {t.get('sleeps', 0)}"
        + (f" (sleeping: {t.get('sleep_reason')})" if t.get("sleeping_until") else ""),
        f"model calls: {state.calls}; tokens in {state.input_tokens} out {state.output_tokens};"
        f" cost {cost}",
        f"budget left: calls this hour {_left(budget.get('calls_left'))}, tokens today "
        f"{_left(budget.get('tokens_left'))}, dollars today {_left(budget.get('cost_left_usd'))}",
    ]
    if t.get("blocked"):
        lines.append(f"paused: {t['blocked']}")
    if state.bridge and pid is not None:
        lines.append(f"bridge: ws://{state.bridge.get('host')}:{state.bridge.get('port')}")
    return "\n".join(lines) + "\n"


def _left(value: Any) -> str:
    if value is None:
        return "unlimited"
    return f"{value:.2f}" if isinstance(value, float) else str(value)
