"""Where the sandbox is reported: explain, doctor, /sandbox's text, the one-time notice."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from corral.app import App
from corral.cli.permissions_cmd import explain_call
from corral.sandbox import detect
from corral.sandbox.runtime import describe, status, unavailable_notice
from corral.session import Session
from corral.testing import MessagesServer, text

from tests._distinfo import cli_env


@pytest.mark.usefixtures("bwrap_works")
def test_explain_says_whether_the_call_runs_sandboxed(project: Path) -> None:
    out = explain_call(App.create(cwd=project), "Bash", {"command": "npm install"})
    assert (out["decision"], out["tier"], out["sandbox"]) == ("allow", "sandbox", "yes (bwrap)")
    out = explain_call(App.create(cwd=project), "Bash",
                       {"command": "npm install", "dangerouslyDisableSandbox": True})
    assert out["decision"] == "ask" and out["sandbox"].startswith("no: dangerouslyDisable")
    assert explain_call(App.create(cwd=project), "Read", {"file_path": "x"})["sandbox"] is None


def test_explain_with_no_sandbox_shows_the_analyzer_alone(project: Path) -> None:
    app = App.create(cwd=project, cli={"sandbox": {"enabled": False}})
    out = explain_call(app, "Bash", {"command": "npm install"})
    assert (out["decision"], out["tier"]) == ("ask", "mode")
    assert out["sandbox"] == "no: turned off by configuration or --no-sandbox"


def test_explain_cli_prints_the_sandbox_row(project: Path) -> None:
    def run(*extra: str) -> str:
        done = subprocess.run([sys.executable, "-m", "corral", "permissions", "explain", "Bash",
                               '{"command": "make"}', *extra], cwd=project, env=cli_env(),
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert "sandbox  no: turned off" in run("--no-sandbox")
    if detect.detect().backend == "bwrap":
        assert "sandbox  yes (bwrap)" in run()


@pytest.mark.usefixtures("bwrap_works")
def test_doctor_and_slash_text_show_the_policy(project: Path) -> None:
    home = Path(os.environ["HOME"])
    (home / ".ssh").mkdir()
    (project / ".claude" / "corral.toml").write_text(
        '[sandbox.network]\nallowed_domains = ["pypi.org"]\n')
    lines = describe(Session(App.create(cwd=project), headless=True))
    text = "\n".join(lines)
    assert lines[0].startswith("sandbox: on (bwrap at ")
    assert f"writable:\n    {project}\n" in text
    assert str(home / ".ssh") in text and f"{project}/.claude" in text
    assert "network: only to pypi.org" in text
    done = subprocess.run([sys.executable, "-m", "corral", "doctor"], cwd=project,
                          env=cli_env(), capture_output=True, text=True, timeout=60)
    assert "sandbox: on (bwrap at" in done.stdout and "network: only to pypi.org" in done.stdout


def test_no_backend_is_said_once(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(project))
    detect._bwrap.cache_clear()
    try:
        app = App.create(cwd=project)
        if sys.platform.startswith("linux"):
            first = unavailable_notice(Session(app, headless=True))
            assert first is not None and "without a sandbox" in first and "bubblewrap" in first
            assert unavailable_notice(Session(app, headless=True)) is None
            assert describe(Session(app, headless=True))[0].startswith("sandbox: off")
        off = App.create(cwd=project, cli={"sandbox": {"enabled": False}})
        assert unavailable_notice(Session(off, headless=True)) is None
        assert not status(off.config).on
    finally:
        detect._bwrap.cache_clear()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the bubblewrap probe is Linux's")
def test_a_headless_run_says_why_its_commands_are_unsandboxed(
    anthropic_server: MessagesServer, project: Path, tmp_path: Path
) -> None:
    # a bubblewrap that cannot work here: the probe, started in the background while
    # corral starts, still decides the notice printed before the session runs
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "bwrap").write_text("#!/bin/sh\necho 'bwrap: no namespaces for you' >&2\nexit 1\n")
    (fake / "bwrap").chmod(0o755)
    anthropic_server.enqueue(text("the answer"))
    env = cli_env(PATH=f"{fake}{os.pathsep}{os.environ.get('PATH', '')}", CORRAL_LOAD_PLUGINS="")
    done = subprocess.run([sys.executable, "-m", "corral", "-p", "hello"], cwd=project, env=env,
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "the answer\n"
    assert done.stderr.count("corral: shell commands run without a sandbox") == 1
    assert "no namespaces for you" in done.stderr


def test_a_probe_started_early_is_the_one_detect_answers_with(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import threading

    calls: list[str] = []
    release = threading.Event()

    def slow_probe(path: str, weaker_nested: bool = False) -> str | None:
        calls.append(path)
        release.wait(10)
        return "refused by the test"

    monkeypatch.setattr(detect.bwrap, "bwrap_path", lambda: "/opt/test/bwrap")
    monkeypatch.setattr(detect.bwrap, "probe", slow_probe)
    monkeypatch.setattr(detect.sys, "platform", "linux")
    detect._bwrap.cache_clear()
    try:
        detect.detect_soon(True)
        threading.Timer(0.05, release.set).start()
        found = detect.detect(True)  # waits for the probe under way instead of a second one
        assert found.problem == "refused by the test"
        assert calls == ["/opt/test/bwrap"]
        assert detect.detect(True) is found
    finally:
        release.set()
        detect._bwrap.cache_clear()
