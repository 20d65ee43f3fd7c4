from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import run_cli  # noqa: F401  (the fixture, for these tests)

#: A hook command: appends the JSON it read on stdin (plus its environment's project dir and
#: its working directory) to LOG, then acts as SPEC says: print `stdout`, write `stderr`,
#: `wait_for` another file to appear (bounded), spawn a `child` that sleeps, `sleep`, `exit`.
RECORDER = r'''
import json, os, subprocess, sys, time
log, spec = sys.argv[1], json.loads(sys.argv[2])
data = json.load(sys.stdin)
data["env_project_dir"] = os.environ.get("CLAUDE_PROJECT_DIR")
data["proc_cwd"] = os.getcwd()
if spec.get("mark"):
    open(spec["mark"], "w").close()
if spec.get("wait_for"):
    deadline = time.monotonic() + 10
    while not os.path.exists(spec["wait_for"]) and time.monotonic() < deadline:
        time.sleep(0.02)
    data["saw_other"] = os.path.exists(spec["wait_for"])
with open(log, "a", encoding="utf-8") as f:
    f.write(json.dumps(data) + "\n")
if spec.get("child"):
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    with open(spec["child"], "w") as f:
        f.write(str(child.pid))
if spec.get("sleep"):
    time.sleep(spec["sleep"])
out = spec.get("stdout")
if out is not None:
    sys.stdout.write(out if isinstance(out, str) else json.dumps(out))
if spec.get("stderr"):
    sys.stderr.write(spec["stderr"])
sys.exit(spec.get("exit", 0))
'''


class Hooks:
    """Hook commands that record what they read, and the settings that configure them."""

    def __init__(self, root: Path, project: Path) -> None:
        self.root = root
        self.project = project
        self.script = root / "recorder.py"
        self.script.write_text(RECORDER)

    def log(self, name: str) -> Path:
        return self.root / f"{name}.jsonl"

    def command(self, name: str, **spec: Any) -> str:
        """A command that records into ``name``'s log and then behaves as ``spec`` says."""
        args = [sys.executable, str(self.script), str(self.log(name)), json.dumps(spec)]
        return " ".join(shlex.quote(a) for a in args)

    def records(self, name: str) -> list[dict[str, Any]]:
        path = self.log(name)
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines()]

    def write_settings(self, hooks: dict[str, list[dict[str, Any]]], **extra: Any) -> Path:
        """Configure ``hooks`` in the project's Claude Code ``settings.json``."""
        path = self.project / ".claude" / "settings.json"
        path.write_text(json.dumps({"hooks": hooks, **extra}))
        return path


def group(command: str, matcher: str | None = None, timeout: float | None = None,
          *more: str) -> dict[str, Any]:
    """One ``{matcher, hooks}`` group running ``command`` (and ``more`` commands)."""
    hooks: list[dict[str, Any]] = []
    for cmd in (command, *more):
        entry: dict[str, Any] = {"type": "command", "command": cmd}
        if timeout is not None:
            entry["timeout"] = timeout
        hooks.append(entry)
    out: dict[str, Any] = {"hooks": hooks}
    if matcher is not None:
        out["matcher"] = matcher
    return out


def events_of(out: str) -> list[dict[str, Any]]:
    """The corral-events lines of a headless run."""
    return [json.loads(line) for line in out.strip().splitlines()]


def notices(out: str) -> list[dict[str, Any]]:
    return [e for e in events_of(out) if e.get("type") == "notice"]


@pytest.fixture
def hooks(tmp_path: Path, project: Path) -> Hooks:
    root = tmp_path / "hooks"
    root.mkdir()
    return Hooks(root, project)
