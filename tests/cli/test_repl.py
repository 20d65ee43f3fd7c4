"""The interactive session for real, in a terminal: under tmux (send-keys, capture-pane) when
it is installed, and always in a pseudo-terminal rendered by the pyte terminal emulator."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from corral.testing import MessagesServer, text, tool_use
from corral.testing.terminal import PseudoTerminal

from tests._distinfo import cli_env

KEYS = {"Enter": "\r", "BTab": "\x1b[Z", "C-c": "\x03", "C-d": "\x04"}


class Terminal:
    def wait_for(self, pattern: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if re.search(pattern, screen):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{pattern!r} never appeared; screen:\n{screen}")

    def screen(self) -> str:
        raise NotImplementedError

    def alive(self) -> bool:
        raise NotImplementedError


class Tmux(Terminal):
    def __init__(self, name: str) -> None:
        self.name = name

    def run(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.name, *args], capture_output=True, text=True, timeout=10,
                              check=True).stdout

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", self.name, *keys)

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", self.name, "-S", "-200")

    def alive(self) -> bool:
        found = subprocess.run(["tmux", "-L", self.name, "has-session", "-t", self.name],
                               capture_output=True)
        return found.returncode == 0

    def stop(self) -> None:
        subprocess.run(["tmux", "-L", self.name, "kill-server"], capture_output=True, timeout=10)


class Pty(PseudoTerminal, Terminal):
    """corral in a pseudo-terminal; pyte keeps the screen as a terminal would show it."""

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.write(KEYS.get(key, key))
            time.sleep(0.05)

    def screen(self) -> str:
        return self.text()

    def colours(self, word: str) -> set[str]:
        """Foreground colours of the first on-screen occurrence of ``word``."""
        with self.lock:
            for line in self.vt.display:
                at = line.find(word)
                if at >= 0:
                    row = self.vt.display.index(line)
                    chars = self.vt.buffer[row]
                    return {chars[x].fg for x in range(at, at + len(word))}
        return set()

    def stop(self) -> None:
        self.close()


@pytest.fixture(params=["tmux", "pty"])
def repl(
    request: pytest.FixtureRequest, anthropic_server: MessagesServer, project: Path
) -> Iterator[Callable[..., Terminal]]:
    if request.param == "tmux" and shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    started: list[Terminal] = []

    def start(plugins: str = "", args: tuple[str, ...] = ()) -> Terminal:
        # the kernel alone by default: plugins may call the model too
        env = cli_env(CORRAL_LOAD_PLUGINS=plugins)
        env.update({"TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"})
        env.pop("TMUX", None)
        terminal: Terminal
        if request.param == "tmux":
            name = f"corral-test-{uuid.uuid4().hex[:8]}"
            # a server of its own (-L): a shared one would hand the session the environment
            # it was started with, not this test's
            subprocess.run(["tmux", "-L", name, "new-session", "-d", "-s", name, "-x", "120", "-y", "40",
                            "-c", str(project), " ".join([sys.executable, "-m", "corral", *args])], env=env,
                           check=True, timeout=10)
            terminal = Tmux(name)
        else:
            terminal = Pty([sys.executable, "-m", "corral", *args], project, env)
        started.append(terminal)
        return terminal

    yield start
    for terminal in started:
        terminal.stop()


def test_repl_conversation_status_modes_and_exit(repl, anthropic_server: MessagesServer) -> None:
    anthropic_server.enqueue(text("Hi there, **friend**."))
    tmux = repl()
    tmux.wait_for(r"/help for commands")
    screen = tmux.wait_for(r"mode: default")
    assert "claude-" in screen  # the status line names the model
    tmux.keys("hello", "Enter")
    tmux.wait_for(r"Hi there, friend\.")
    tmux.keys("BTab")
    tmux.wait_for(r"mode: acceptEdits")
    tmux.keys("/cost", "Enter")
    tmux.wait_for(r"cost \$\d")
    assert anthropic_server.message_requests[0].body["messages"][0]["content"][-1]["text"] == "hello"
    tmux.keys("C-d")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and tmux.alive():
        time.sleep(0.1)
    assert not tmux.alive(), "corral did not exit on Ctrl-D"


@pytest.mark.usefixtures("corral_no_sandbox")
def test_repl_permission_prompt_allows_once(repl, anthropic_server: MessagesServer, project: Path) -> None:
    anthropic_server.enqueue(tool_use("Bash", {"command": "touch made-by-corral"}), text("Created."))
    tmux = repl()
    tmux.wait_for(r"/help for commands")
    tmux.keys("make a file", "Enter")
    tmux.wait_for(r"allow\? \[y\]es")
    assert not (project / "made-by-corral").exists()
    tmux.keys("y", "Enter")
    tmux.wait_for(r"Created\.")
    assert (project / "made-by-corral").exists()


def test_repl_ctrl_c_cancels_a_turn(repl, anthropic_server: MessagesServer, project: Path) -> None:
    anthropic_server.enqueue(tool_use("Bash", {"command": "sleep 31.5"}), text("after interrupt"))
    (project / ".claude" / "corral.local.toml").write_text(
        '[permissions]\nallow = ["Bash(sleep *)"]\n')
    tmux = repl()
    tmux.wait_for(r"/help for commands")
    tmux.keys("wait", "Enter")
    tmux.wait_for(r"Bash\(sleep 31.5\)")
    time.sleep(0.5)
    tmux.keys("C-c")
    tmux.wait_for(r"interrupted")
    tmux.keys("go on", "Enter")
    tmux.wait_for(r"after interrupt")
    second = anthropic_server.message_requests[1].body["messages"]
    assert "Interrupted" in str(second[2]["content"])
    assert os.system("pgrep -f 'slee[p] 31.5' >/dev/null") != 0  # the child was killed


def test_repl_hash_remembers_and_todos_show(repl, anthropic_server: MessagesServer, project: Path) -> None:
    anthropic_server.enqueue(
        tool_use("TodoWrite", {"todos": [
            {"content": "write the parser", "status": "in_progress", "activeForm": "Writing"},
            {"content": "test the parser", "status": "pending", "activeForm": "Testing"}]}),
        text("Planned."),
    )
    tmux = repl()
    tmux.wait_for(r"/help for commands")
    tmux.keys("# the tests run with tox", "Enter")
    tmux.wait_for(r"remember for \[p\]roject")
    tmux.keys("p", "Enter")
    tmux.wait_for(r"saved memory")
    index = (project / ".claude" / "memory" / "MEMORY.md").read_text()
    assert "the tests run with tox" in index
    tmux.keys("plan it", "Enter")
    tmux.wait_for(r"test the parser")
    tmux.wait_for(r"Planned\.")


def test_repl_status_area_stays_visible_during_a_turn(
    repl, anthropic_server: MessagesServer, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plugin's status renderable (the buddy pet) shows under a running turn, not only at
    the prompt, and is gone from the scrollback once the turn ends."""
    pytest.importorskip("corral_buddy")
    (project / ".claude" / "corral.toml").write_text(
        '[plugins.buddy]\nuser_id = "status-test"\nsoul_from_model = false\n')
    name = subprocess.run(
        [sys.executable, "-m", "corral", "buddy", "--json"], cwd=project,
        env=cli_env(CORRAL_LOAD_PLUGINS="buddy"), capture_output=True, text=True, timeout=60,
    )
    import json as _json

    pet = _json.loads(name.stdout)["name"]
    anthropic_server.enqueue(text("slow " * 40).slow(0.05))
    tmux = repl(plugins="buddy")
    tmux.wait_for(r"/help for commands")
    tmux.keys("hello", "Enter")
    screen = tmux.wait_for(r"slow slow")
    assert pet in screen  # the pet's card line is under the streaming reply
    final = tmux.wait_for(r"›\s*$|› ", timeout=30)
    assert final.count(pet) <= 2  # the toolbar's copy, not one per refresh


def _wait_exit(term: Terminal, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and term.alive():
        time.sleep(0.1)
    return not term.alive()


def test_repl_ctrl_c_at_the_prompt_clears_the_line_then_twice_exits(
    repl, anthropic_server: MessagesServer
) -> None:
    anthropic_server.enqueue(text("Answered the clean line."))
    term = repl()
    term.wait_for(r"/help for commands")
    term.wait_for(r"mode: default")  # the prompt is up (before it, Ctrl-C is a signal)
    term.keys("a draft I do not want")
    term.wait_for(r"a draft I do not want")
    term.keys("C-c")
    time.sleep(0.3)
    assert term.alive(), "Ctrl-C on a typed line ended corral"
    term.keys("hello", "Enter")
    term.wait_for(r"Answered the clean line\.")
    sent = anthropic_server.message_requests[0].body["messages"][0]["content"]
    assert sent[-1]["text"] == "hello"  # the draft was cleared, not sent
    term.keys("C-c")
    term.wait_for(r"Ctrl-C again to exit")
    assert term.alive()
    term.keys("C-c")
    assert _wait_exit(term), "a second Ctrl-C on an empty prompt did not exit"
    if isinstance(term, Pty):  # tmux drops the pane's screen with the process
        assert "Traceback" not in term.screen()
        assert "KeyboardInterrupt" not in term.screen()


def test_repl_shift_tab_into_bypass_asks_once_and_shows_a_warning(
    repl, anthropic_server: MessagesServer
) -> None:
    term = repl()
    term.wait_for(r"/help for commands")
    term.wait_for(r"mode: default")
    term.keys("BTab", "BTab", "BTab")
    term.wait_for(r"mode: dontAsk")
    term.keys("BTab")
    term.wait_for(r"bypassPermissions\?.*\[y/N\]")
    term.keys("n", "Enter")
    term.wait_for(r"mode: dontAsk")
    term.keys("BTab")
    term.wait_for(r"bypassPermissions\?.*\[y/N\]")
    term.keys("y", "Enter")
    term.wait_for(r"mode: bypassPermissions \(shift\+tab\)")
    if isinstance(term, Pty):
        colours = term.colours("bypassPermissions (shift+tab)")
        assert colours and "default" not in colours, colours
    term.keys("BTab")
    term.wait_for(r"mode: default")
    asked = term.screen().count("[y/N]")
    term.keys("BTab", "BTab", "BTab", "BTab")
    term.wait_for(r"mode: bypassPermissions")
    time.sleep(0.3)
    assert term.screen().count("[y/N]") == asked  # confirmed once for this session


def test_repl_counts_down_a_retry_wait(repl, anthropic_server: MessagesServer) -> None:
    from corral.testing import rate_limited

    anthropic_server.enqueue(rate_limited(retry_after=4), text("Answered after the wait."))
    term = repl()
    term.wait_for(r"mode: default")
    term.keys("hello", "Enter")
    term.wait_for(r"retry 1 in 4\.0s")
    term.wait_for(r"waiting [34]s before retry 1")
    term.wait_for(r"waiting [12]s before retry 1")
    term.wait_for(r"Answered after the wait\.")


def test_repl_without_credentials_says_so_at_start_and_once_per_prompt(
    repl, anthropic_server: MessagesServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.delenv("ANTHROPIC_AUTH_TOKEN", raising=False)
    term = repl()
    screen = term.wait_for(r"mode: default")
    assert "no model credentials" in screen  # before anything was typed
    term.keys("hello", "Enter")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and term.screen().count("no model credentials") < 2:
        time.sleep(0.1)
    time.sleep(0.5)
    assert term.screen().count("no model credentials") == 2  # once at start, once for the prompt


def test_repl_continue_shows_the_resumed_conversation(
    repl, anthropic_server: MessagesServer, project: Path
) -> None:
    anthropic_server.enqueue(text("The capital is Paris."))
    done = subprocess.run([sys.executable, "-m", "corral", "-p", "capital of France?"],
                          cwd=project, env=cli_env(CORRAL_LOAD_PLUGINS=""), capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    term = repl(args=("-c",))
    screen = term.wait_for(r"mode: default")
    assert "resumed session" in screen
    assert "capital of France?" in screen and "The capital is Paris." in screen
