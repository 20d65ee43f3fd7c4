"""OAuth end to end: an MCP server on 127.0.0.1 that wants OAuth (the SDK's server auth), signed
in to with ``corral mcp login`` through a stand-in browser, then used by headless runs."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from corral.testing import MessagesServer, text, tool_use

from .conftest import RunCorral, _free_port, _stop, _wait_for_port, approve, write_mcp_json

SERVERS = Path(__file__).parent / "servers"


@pytest.fixture
def guarded(tmp_path: Path) -> Iterator[str]:
    """The OAuth-protected server; yields its MCP URL."""
    port = _free_port()
    log = open(tmp_path / "oauth_server.log", "wb")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen([sys.executable, str(SERVERS / "oauth_server.py"), str(port)],
                            stdout=subprocess.DEVNULL, stderr=log)
    try:
        _wait_for_port(proc, port)
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        _stop(proc)
        log.close()


def _login(project: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, BROWSER=f"{sys.executable} {SERVERS / 'browser.py'} %s",
               BROWSER_LOG=str(tmp_path / "browser.log"))
    env.pop("CORRAL_NO_BROWSER", None)
    return subprocess.run([sys.executable, "-m", "corral", "mcp", "login", "guarded"],
                          cwd=project, env=env, capture_output=True, text=True, timeout=180)


def test_sign_in_through_the_browser_stores_tokens_that_later_runs_use(
    project: Path, tmp_path: Path, guarded: str, run_corral: RunCorral,
    anthropic_server: MessagesServer,
) -> None:
    write_mcp_json(project, {"guarded": {"type": "http", "url": guarded}})
    approve(project, "guarded")

    # before signing in: the server fails, saying how to sign in
    code, out, _err = run_corral("mcp", "list", "--json")
    row = json.loads(out)[0]
    assert code == 1 and row["status"] == "failed"
    assert "needs you to sign in (OAuth): run `corral mcp login guarded`" in row["error"]

    done = _login(project, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "signed in to 'guarded': connected, 1 tools" in done.stdout
    visited = (tmp_path / "browser.log").read_text().split()
    assert len(visited) == 1 and visited[0].startswith(guarded.removesuffix("/mcp") + "/authorize?")
    assert visited[0] in done.stderr  # the URL is printed too, for a machine with no browser

    stored = list((Path(os.environ["CORRAL_HOME"])).rglob("mcp-oauth/guarded-*.json"))
    assert len(stored) == 1
    assert stat.S_IMODE(stored[0].stat().st_mode) == 0o600
    data = json.loads(stored[0].read_text())
    assert data["tokens"]["access_token"] and data["client_info"]["client_id"]
    assert data["client_info"]["redirect_uris"] == [f"http://127.0.0.1:{data['port']}/callback"]

    # a headless run connects with the stored token and the tool runs
    anthropic_server.enqueue(tool_use("mcp__guarded__whoami", {}))
    anthropic_server.enqueue(text("done"))
    code, out, err = run_corral("-p", "who am I?", "--allowedTools", "mcp__guarded",
                                "--output-format", "json")
    assert code == 0, err
    result = anthropic_server.message_requests[-1].body["messages"][-1]["content"][0]
    assert result["type"] == "tool_result" and not result.get("is_error")
    assert "signed in as tester" in json.dumps(result["content"])

    code, out, _ = run_corral("mcp", "logout", "guarded")
    assert "signed out of 'guarded'" in out and not stored[0].exists()
