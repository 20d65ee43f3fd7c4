"""statusLine (a command's output in the status area) and cleanupPeriodDays."""

from __future__ import annotations

import asyncio
import json
import os
import shlex
import sys
import time
from pathlib import Path
from typing import Any

from corral import paths
from corral.app import App
from corral.session import Session
from corral.testing import text

#: Saves its stdin to argv[1], counts runs in argv[2], prints a coloured line.
SCRIPT = r'''
import json, sys
data = json.load(sys.stdin)
open(sys.argv[1], "w").write(json.dumps(data))
open(sys.argv[2], "a").write("x")
print("\x1b[32m" + data["model"]["id"] + "\x1b[0m | " + str(len(data["session_id"])))
'''


def _line(app: App, session: Session) -> Any:
    return next((r for name, r in app.host.status(session) if name == "status-line"), None)


async def _until(app: App, session: Session, want: str) -> Any:
    for _ in range(500):  # bounded: at most about 10 s
        line = _line(app, session)
        if line is not None and want in line.plain:
            return line
        await asyncio.sleep(0.02)
    raise AssertionError(f"the status line never showed {want!r}: {line!r}")


def test_the_status_command_reads_the_session_json_and_is_throttled(
        project: Path, tmp_path: Path) -> None:
    script = tmp_path / "status.py"
    script.write_text(SCRIPT)
    seen, runs = tmp_path / "seen.json", tmp_path / "runs.txt"
    command = " ".join(shlex.quote(a) for a in (sys.executable, str(script), str(seen), str(runs)))
    (project / ".claude" / "settings.json").write_text(json.dumps(
        {"model": "haiku", "statusLine": {"type": "command", "command": command, "padding": 2}}))
    app = App.create(cwd=project)
    session = Session(app, headless=True)

    async def go() -> tuple[Any, int, Any]:
        line = await _until(app, session, "claude-haiku")
        for _ in range(50):  # nothing changed: no new run
            _line(app, session)
            await asyncio.sleep(0.005)
        quiet = len(runs.read_text())
        session.cost_usd = 0.25  # something the command reads changed
        for _ in range(500):
            _line(app, session)
            if len(runs.read_text()) > quiet and json.loads(seen.read_text())["cost"][
                    "total_cost_usd"] == 0.25:
                break
            await asyncio.sleep(0.02)
        return line, quiet, json.loads(seen.read_text())

    line, quiet, data = asyncio.run(go())
    assert line.plain == f"  claude-haiku-4-5 | {len(session.id)}"
    assert [(s.start, s.end, str(s.style)) for s in line.spans] == [(2, 18, "color(2)")]
    assert quiet == 1
    assert data["cost"]["total_cost_usd"] == 0.25
    assert data["session_id"] == session.id and data["hook_event_name"] == "Status"
    assert data["workspace"]["current_dir"] == str(project)
    assert data["model"]["id"] == "claude-haiku-4-5"


def test_a_failing_status_command_says_so(project: Path) -> None:
    (project / ".claude" / "settings.json").write_text(json.dumps(
        {"statusLine": {"type": "command", "command": "exit 4"}}))
    app = App.create(cwd=project)
    session = Session(app, headless=True)
    line = asyncio.run(_until(app, session, "statusLine"))
    assert "exit status 4" in line.plain


def test_old_transcripts_are_removed_at_start(anthropic_server, run_cli, project: Path) -> None:
    root = paths.user_data_dir() / "projects"
    old = root / "elsewhere" / "old-session.jsonl"
    recent = root / "elsewhere" / "recent-session.jsonl"
    for path in (old, recent):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text('{"type": "session_started"}\n')
    ten_days_ago = time.time() - 10 * 86400
    os.utime(old, (ten_days_ago, ten_days_ago))
    (project / ".claude" / "settings.json").write_text(json.dumps({"cleanupPeriodDays": 7}))
    anthropic_server.enqueue(text("ok"))
    code, out, err = run_cli("-p", "hi")
    assert code == 0, out + err
    for _ in range(250):  # the sweep runs in the background: wait for it, bounded
        if not old.exists():
            break
        time.sleep(0.02)
    assert not old.exists() and recent.exists()
    assert list(root.glob("*/*.jsonl"))  # this run's own transcript is there
