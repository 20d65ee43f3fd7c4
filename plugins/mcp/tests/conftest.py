"""Fixtures: an isolated home with only this plugin loaded, a project, real MCP servers."""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

SERVER = Path(__file__).parent / "servers" / "demo_server.py"


@pytest.fixture(autouse=True)
def home(corral_isolated: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CORRAL_LOAD_PLUGINS", "mcp")
    # A loaded test machine may start a server slowly: let the first request wait for it.
    config = Path(os.environ["CORRAL_HOME"]) / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("[plugins.mcp]\nfirst_request_wait_s = 60\n", encoding="utf-8")
    return corral_isolated


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "project"
    (root / ".git").mkdir(parents=True)
    monkeypatch.chdir(root)
    return root


def stdio_entry(name: str = "demo", **env: str) -> dict[str, Any]:
    return {"command": sys.executable, "args": [str(SERVER), "stdio"],
            "env": {"DEMO_NAME": name, **env}}


def write_mcp_json(root: Path, servers: dict[str, Any]) -> Path:
    path = root / ".mcp.json"
    path.write_text(json.dumps({"mcpServers": servers}), encoding="utf-8")
    return path


def approve(root: Path, *names: str) -> None:
    path = root / ".claude" / "settings.local.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"enabledMcpjsonServers": list(names)}), encoding="utf-8")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_for_port(proc: subprocess.Popen[bytes], port: int) -> None:
    """Until a server process listens on ``port`` (at most 30 s)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"the test server exited with {proc.returncode}") from None
            time.sleep(0.05)
    raise RuntimeError(f"the test server did not listen on port {port} within 30 s")


def _start_server(mode: str, name: str) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, str(SERVER), mode, str(port)],
        env={**os.environ, "DEMO_NAME": name}, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    _wait_for_port(proc, port)
    path = "/mcp" if mode == "http" else "/sse"
    return proc, f"http://127.0.0.1:{port}{path}"


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


@pytest.fixture
def http_server() -> Iterator[str]:
    """A streamable-HTTP MCP server on 127.0.0.1 named ``web``; yields its URL."""
    proc, url = _start_server("http", "web")
    yield url
    _stop(proc)


@pytest.fixture
def sse_server() -> Iterator[str]:
    """A legacy-SSE MCP server on 127.0.0.1 named ``old``; yields its URL."""
    proc, url = _start_server("sse", "old")
    yield url
    _stop(proc)


RunCorral = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run_corral(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> RunCorral:
    """``corral ARGS`` in this process; returns the exit status, stdout and stderr."""
    from corral.cli import main

    def run(*args: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run
