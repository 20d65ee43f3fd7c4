"""``corral mcp list/get/add/add-json/remove`` against real servers and real files."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import RunCorral, approve, stdio_entry, write_mcp_json


def test_list_json_shows_stdio_and_http_servers_connected(
    project: Path, run_corral: RunCorral, http_server: str
) -> None:
    write_mcp_json(project, {"demo": stdio_entry(), "web": {"type": "http", "url": http_server},
                             "later": stdio_entry("later")})
    approve(project, "demo", "web")
    code, out, err = run_corral("mcp", "list", "--json")
    assert code == 0, out + err
    rows = {r["name"]: r for r in json.loads(out)}
    assert rows["demo"]["status"] == "connected" and rows["demo"]["transport"] == "stdio"
    assert rows["web"]["status"] == "connected" and rows["web"]["transport"] == "http"
    assert rows["demo"]["tools"] == 9 and rows["web"]["scope"] == "project"
    assert rows["later"]["status"] == "needs-approval" and rows["later"]["tools"] == 0


def test_list_reports_a_failed_server_with_its_stderr(project: Path, run_corral: RunCorral) -> None:
    write_mcp_json(project, {"bad": stdio_entry("bad", DEMO_FAIL_START="1")})
    approve(project, "bad")
    code, out, err = run_corral("mcp", "list")
    assert code == 1
    assert "bad  failed  stdio  project" in out
    assert "refusing to start (DEMO_FAIL_START)" in out


def test_get_names_tools_prompts_and_the_config_as_written(
    project: Path, run_corral: RunCorral, monkeypatch: object
) -> None:
    entry = stdio_entry()
    entry["env"]["SECRET"] = "${NOT_SET_ANYWHERE:-fallback}"
    write_mcp_json(project, {"demo": entry})
    approve(project, "demo")
    code, out, err = run_corral("mcp", "get", "demo")
    assert code == 0, err
    data = json.loads(out)
    assert data["status"] == "connected"
    assert "add" in data["tool_names"] and data["prompts"] == ["review"]
    assert data["config"]["env"]["SECRET"] == "${NOT_SET_ANYWHERE:-fallback}"
    code, out, err = run_corral("mcp", "get", "nope")
    assert code == 2 and "no MCP server named 'nope'" in err


def test_add_and_remove_in_each_scope_keep_other_keys(
    project: Path, run_corral: RunCorral, home: Path
) -> None:
    claude_json = home / ".claude" / ".claude.json"
    claude_json.parent.mkdir(parents=True, exist_ok=True)
    claude_json.write_text(json.dumps({"numStartups": 3}), encoding="utf-8")
    assert run_corral("mcp", "add", "loc", "--", "python", "-m", "srv", "--flag")[0] == 0
    assert run_corral("mcp", "add", "--scope", "user", "--transport", "http", "-H",
                      "X-Key: 1", "remote", "http://127.0.0.1:9/mcp")[0] == 0
    assert run_corral("mcp", "add-json", "--scope", "project", "shared",
                      '{"type": "sse", "url": "http://127.0.0.1:9/sse"}')[0] == 0
    doc = json.loads(claude_json.read_text())
    assert doc["numStartups"] == 3
    assert doc["projects"][str(project)]["mcpServers"]["loc"] == {
        "type": "stdio", "command": "python", "args": ["-m", "srv", "--flag"]}
    assert doc["mcpServers"]["remote"] == {"type": "http", "url": "http://127.0.0.1:9/mcp",
                                           "headers": {"X-Key": "1"}}
    assert json.loads((project / ".mcp.json").read_text())["mcpServers"]["shared"]["type"] == "sse"
    code, out, err = run_corral("mcp", "add", "loc", "--", "other")
    assert code == 2 and "already in" in err
    code, out, err = run_corral("mcp", "add-json", "x", '{"type": "carrier-pigeon"}')
    assert code == 2 and "mcpServers.x.type" in err
    assert run_corral("mcp", "remove", "loc")[0] == 0
    doc = json.loads(claude_json.read_text())
    assert "loc" not in doc["projects"][str(project)]["mcpServers"]
    assert doc["numStartups"] == 3 and "remote" in doc["mcpServers"]


def test_doctor_reports_a_failing_server_and_a_malformed_entry(
    project: Path, run_corral: RunCorral
) -> None:
    write_mcp_json(project, {"demo": stdio_entry(), "bad": stdio_entry("bad", DEMO_FAIL_START="1"),
                             "broken": {"type": "http"}})
    approve(project, "demo", "bad")
    code, out, err = run_corral("doctor")
    assert code == 1
    assert "ok: server demo (project, stdio): connected, 9 tools" in out
    assert "problem: server bad (project, stdio): failed" in out
    assert "problem: config:" in out and "mcpServers.broken.url" in out
