"""What `corral -p` leaves unimported when no tool is called: the permission chain and the
shell analyzer load with the first tool call, not before the first request."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from corral.testing import MessagesServer, text

#: Loaded on first use only; none is needed to send the first request.
DEFERRED = (
    "corral.permissions.chain", "corral.permissions.shell", "corral.permissions._bash",
    "corral.permissions._lexer", "corral.permissions._constructs", "corral.permissions.explanation",
    "corral.permissions.persist", "corral.permissions.suggest", "html.parser",
    "corral.cli.permissions_cmd", "corral.memory.cli",
    # plugin discovery reads the metadata folders itself
    "importlib.metadata",
    # no TOML file exists; no key is misspelt; temp names come from os.urandom
    "tomllib", "difflib", "secrets",
    # no tool call to decode, no prompt hook's answer
    "json",
    # no hooks configured: the command-hook machinery stays unloaded
    "corral.cmdhooks.config", "corral.cmdhooks.firing", "corral.cmdhooks.turn_events",
    "corral.cmdhooks.lifecycle", "corral.cmdhooks.model_hooks", "corral.cmdhooks.tool_events",
    # the Bash tool's module needs the sandbox tier only when a command runs
    "corral.permissions.sandboxed", "corral.permissions._parts",
    # a prompt that is no /command; text output, not stream-json
    "corral.engine.command_turn", "corral.cli.stream_json",
)


#: Per plugin: a module its session start loads (so the plugin ran), and modules a headless
#: run with no configuration for the plugin does not need.
PLUGINS_DEFERRED = {
    # only an interactive session names the pet
    "buddy": ("corral_buddy.keys", ("corral_buddy.soul_model",)),
    # no server configured
    "mcp": ("corral_mcp.runtime", ("corral_mcp.manager", "corral_mcp.approval", "json")),
}


def imported_by(argv: list[str], project: Path, plugins: str = "") -> list[str]:
    env = dict(os.environ, CORRAL_LOAD_PLUGINS=plugins)
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "corral", *argv],
                          cwd=project, env=env, capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr[-2000:]
    return [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()
            if line.startswith("import time:")]


def test_a_reply_without_tools_loads_no_chain_or_analyzer(anthropic_server: MessagesServer,
                                                          project: Path) -> None:
    anthropic_server.enqueue(text("just words"))
    imported = imported_by(["-p", "hello"], project)
    assert "corral.permissions.context" in imported  # the deny rules shaped the tool list
    assert len(anthropic_server.message_requests) == 1
    early = sorted(set(DEFERRED) & set(imported))
    assert early == [], f"loaded before any tool call needed them: {early}"


def test_plugins_leave_what_a_headless_run_does_not_use_unimported(
    anthropic_server: MessagesServer, project: Path
) -> None:
    import importlib.util

    present = [name for name in PLUGINS_DEFERRED if importlib.util.find_spec(f"corral_{name}")]
    if not present:
        pytest.skip("none of these plugins is installed here")
    anthropic_server.enqueue(text("just words"))
    imported = imported_by(["-p", "hello"], project, plugins=",".join(present))
    assert len(anthropic_server.message_requests) == 1
    assert [name for name in present if PLUGINS_DEFERRED[name][0] not in imported] == []
    early = sorted({m for name in present for m in PLUGINS_DEFERRED[name][1]} & set(imported))
    assert early == [], f"loaded though the run never used them: {early}"


def test_the_permissions_package_still_offers_every_name() -> None:
    code = ("import types, corral.permissions as p\n"
            "from corral.permissions import decision_dict, explain\n"
            "assert not isinstance(explain, types.ModuleType), explain\n"
            "missing = [n for n in p.__all__ if getattr(p, n, None) is None]\n"
            "assert not missing, missing\n"
            "from corral.permissions import explain as again\n"
            "assert again is explain\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
