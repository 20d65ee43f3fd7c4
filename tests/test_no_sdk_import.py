"""`corral -p` reaches the first-party API without importing the anthropic SDK, httpx (and
the stack under it), nor the implementation of any subcommand (their parsers are filled in
only when one runs)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from corral.testing import MessagesServer, text, tool_use

#: Subcommand implementations (kernel and bundled plugins) that `corral -p` must not import.
SUBCOMMAND_MODULES = (
    "corral.cli.sessions_cmd", "corral.cli.plugins_cmd", "corral.cli.config_cmd",
    "corral.cli.doctor", "corral.cli.permissions_cmd", "corral.memory.cli",
    "corral_undercover.cli", "corral_mcp.cli", "corral_coordinator.listing", "corral_dream.cli",
    "corral_kairos.cli",
)


def test_headless_run_imports_no_anthropic_module(anthropic_server: MessagesServer,
                                                  project: Path) -> None:
    (project / "a.txt").write_text("content\n")
    anthropic_server.enqueue(tool_use("Read", {"file_path": "a.txt"}), text("all read"))
    env = {k: v for k, v in os.environ.items() if k != "CORRAL_LOAD_PLUGINS"}
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "corral", "-p", "read a.txt"],
        cwd=project, env=env, capture_output=True, text=True, timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "all read"
    assert len(anthropic_server.message_requests) == 2
    imported = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()
                if line.startswith("import time:")]
    assert "corral.transport.client" in imported  # the importtime log is what we think it is
    sdk = [name for name in imported if re.match(r"anthropic(\.|$)", name)]
    assert sdk == [], f"the anthropic SDK was imported: {sdk[:5]}"
    assert "h11" in imported  # the default wire carried the requests
    http_stack = [name for name in imported if re.match(r"(httpx|httpcore|anyio)(\.|$)", name)]
    assert http_stack == [], f"httpx or the stack under it was imported: {http_stack[:5]}"
    subcommands = sorted(set(SUBCOMMAND_MODULES) & set(imported))
    assert subcommands == [], f"`corral -p` imported subcommand implementations: {subcommands}"
