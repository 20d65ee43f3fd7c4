"""Skills cost nothing when there are none: a headless run imports no skill module."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from corral.testing import MessagesServer, text

from tests.skills._kit import NOTES, write_skill

#: Runs the real command line, then names every module the process holds (``-X importtime``
#: misses modules loaded through importlib, as plugins are).
PROBE = (
    "import sys; from corral.cli import main\n"
    "try: main(sys.argv[1:])\n"
    "except SystemExit: pass\n"
    "sys.stderr.write('MODULES=' + ','.join(sorted(sys.modules)) + '\\n')"
)


def imported_modules(project: Path, prompt: str) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k != "CORRAL_LOAD_PLUGINS"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "-p", prompt],
        cwd=project, env=env, capture_output=True, text=True, timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    [line] = [ln for ln in done.stderr.splitlines() if ln.startswith("MODULES=")]
    return line.removeprefix("MODULES=").split(",")


def test_a_headless_run_without_skills_imports_nothing_of_them(
        anthropic_server: MessagesServer, project: Path) -> None:
    anthropic_server.enqueue(text("hi"))
    imported = imported_modules(project, "hello")
    assert "corral.internal_plugins.skills" in imported  # the log is what we think it is
    assert [m for m in imported if m.startswith("corral.skills")] == []
    assert "Skill" not in [t["name"] for t in
                           anthropic_server.message_requests[0].body.get("tools", [])]
    # with a skill folder, the same run loads them
    write_skill(project / ".claude" / "skills", "release-notes", NOTES)
    anthropic_server.enqueue(text("hi"))
    assert "corral.skills.discover" in imported_modules(project, "hello")
