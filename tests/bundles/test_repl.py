"""The bundle in the interactive session: its command with ``!`` lines and allowed-tools, its
hook, ``/plugin`` listing and disabling, and the trust question for a project's marketplace."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from corral.testing import MessagesServer, text, tool_use

from tests.bundles._kit import write_marketplace
from tests.cli.test_repl import repl  # noqa: F401  (the fixture)


@pytest.mark.usefixtures("corral_no_sandbox")  # about allowed-tools, which the sandbox would lift
def test_repl_runs_bundle_commands_and_plugin_actions(
        repl, anthropic_server: MessagesServer, project: Path, tmp_path: Path) -> None:  # noqa: F811
    market = write_marketplace(tmp_path / "market")
    (project / ".claude" / "settings.json").write_text(json.dumps({"extraKnownMarketplaces": {
        "team": {"source": {"source": "directory", "path": str(market)}}}}))
    anthropic_server.enqueue(tool_use("Bash", {"command": "touch made.txt"}), text("Greeted."))
    term = repl()
    term.wait_for(r"/help for commands")
    # a project's marketplace: the REPL asks before the first install
    term.keys("/plugin install tools@team", "Enter")
    term.wait_for(r"trust it and install from it\? \[y/N\]")
    term.keys("y", "Enter")
    term.wait_for(r"installed tools@team 1\.2\.0")
    term.keys("/greet world", "Enter")
    term.wait_for(r"Greeted\.")
    assert (project / "made.txt").exists()  # allowed-tools: no permission prompt
    sent = json.dumps(anthropic_server.message_requests[0].body["messages"][0]["content"])
    assert "Greet world warmly." in sent and "BANG-world" in sent
    assert (project / "hook-ran.txt").read_text().strip().endswith("/1.2.0")
    term.keys("/plugin list", "Enter")
    term.wait_for(r"tools@team 1\.2\.0: enabled")
    term.keys("/plugin disable tools@team", "Enter")
    term.wait_for(r"disabled tools@team")
    term.keys("/help", "Enter")
    screen = term.wait_for(r"/plugin ")
    assert "/tools:greet" not in screen.split("disabled tools@team")[-1]
