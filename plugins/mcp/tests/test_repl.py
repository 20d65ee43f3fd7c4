"""The REPL with real MCP servers (stdio and streamable HTTP), in a pseudo-terminal rendered
by the pyte emulator: /mcp shows both connected, the model's calls to their tools run under
allow rules, and a server prompt typed as a slash command is sent to the model."""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from corral.testing import MessagesServer, text, tool_use
from corral.testing.terminal import PseudoTerminal

from .conftest import approve, stdio_entry, write_mcp_json

pyte = pytest.importorskip("pyte", reason="pyte (a test dependency) renders the terminal")


class Screen(PseudoTerminal):
    """corral in a pseudo-terminal; pyte keeps what a 120x40 terminal would show."""

    def wait_for(self, pattern: str, timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = self.text()
            if re.search(pattern, shown):
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{pattern!r} never appeared; screen:\n{self.text()}")

    def type(self, line: str) -> None:
        self.write(line)
        time.sleep(0.1)
        self.write("\r")

    def exited(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while self.alive() and time.monotonic() <= deadline:
            time.sleep(0.1)
        return not self.alive()

    def stop(self) -> None:
        self.close()


@pytest.fixture
def terminal(project: Path) -> Iterator[list[Screen]]:
    started: list[Screen] = []
    yield started
    for screen in started:
        screen.stop()


def test_repl_lists_the_servers_runs_their_tools_and_sends_a_prompt(
    anthropic_server: MessagesServer, project: Path, terminal: list[Screen], http_server: str
) -> None:
    write_mcp_json(project, {"demo": stdio_entry(), "web": {"type": "http", "url": http_server}})
    approve(project, "demo", "web")
    anthropic_server.enqueue(tool_use("mcp__demo__add", {"a": 2, "b": 3}),
                             tool_use("mcp__web__shout", {"text": "loud"}), text("Sum done."),
                             text("Reviewed it."))
    env = dict(os.environ, TERM="xterm-256color", COLUMNS="120", LINES="40")
    env.pop("TMUX", None)
    screen = Screen([sys.executable, "-m", "corral", "--allowedTools",
                     "mcp__demo__add,mcp__web__shout"], project, env, history=500)
    terminal.append(screen)
    screen.wait_for(r"/help for commands")

    # /mcp shows the state at that moment: ask again until the server is up (bounded)
    deadline = time.monotonic() + 60
    while True:
        screen.type("/mcp")
        try:
            shown = screen.wait_for(r"demo  connected  stdio  project  9 tools", timeout=3)
            if re.search(r"web  connected  http  project  9 tools", shown):
                break
            raise AssertionError("web is not connected yet")
        except AssertionError:
            if time.monotonic() > deadline:
                raise

    screen.type("add two and three")
    screen.wait_for(r"Sum done\.")
    result = anthropic_server.message_requests[1].body["messages"][-1]["content"][0]
    assert result["type"] == "tool_result" and result["content"] == "2 + 3 = 5 (from demo)"
    result = anthropic_server.message_requests[2].body["messages"][-1]["content"][0]
    assert result["content"] == "LOUD"

    screen.type("/mcp__demo__review the parser")
    screen.wait_for(r"Reviewed it\.")
    last = anthropic_server.message_requests[3].body["messages"][-1]["content"]
    assert "Please review the parser carefully." in str(last)

    os.write(screen.fd, b"\x04")  # Ctrl-D on an empty prompt ends the session
    assert screen.exited(20), "corral did not exit on Ctrl-D"
