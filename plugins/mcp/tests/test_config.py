"""Reading server configuration: scopes, precedence, ${VAR} expansion, malformed entries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from corral_mcp.approval import read_approvals, record_answer
from corral_mcp.config import claude_json_path, load_servers
from corral_mcp.settings import Settings

from .conftest import write_mcp_json


def _load(cwd: Path, environ: dict[str, str] | None = None, **kw: object):  # type: ignore[no-untyped-def]
    args: dict[str, object] = {"corral_servers": {}, "cli_configs": [], "strict": False}
    args.update(kw)
    return load_servers(cwd, environ=environ or {}, **args)  # type: ignore[arg-type]


def test_expansion_in_every_field_with_defaults(project: Path) -> None:
    write_mcp_json(project, {
        "s": {"command": "${BIN}", "args": ["--root", "${ROOT:-/srv}", "x${EMPTY:-y}"],
              "env": {"TOKEN": "${TOKEN}"}},
        "h": {"type": "http", "url": "https://${HOST}/mcp",
              "headers": {"Authorization": "Bearer ${KEY:-anon}"}},
    })
    servers = _load(project, {"BIN": "/usr/bin/srv", "TOKEN": "t0k", "HOST": "h.example",
                              "EMPTY": ""}).servers
    assert servers["s"].command == "/usr/bin/srv"
    assert servers["s"].args == ["--root", "/srv", "xy"]
    assert servers["s"].env == {"TOKEN": "t0k"}
    assert servers["h"].url == "https://h.example/mcp"
    assert servers["h"].headers == {"Authorization": "Bearer anon"}
    assert servers["s"].raw["command"] == "${BIN}"  # shown as written, never expanded


def test_a_bad_entry_names_file_and_key_and_the_others_still_load(project: Path) -> None:
    path = write_mcp_json(project, {
        "good": {"command": "srv"},
        "noenv": {"command": "srv", "env": {"K": "${MISSING_VAR}"}},
        "badargs": {"command": "srv", "args": "not-a-list"},
        "badtype": {"type": "pigeon", "url": "x"},
        "nourl": {"type": "http"},
        "bad name!": {"command": "x"},
    })
    loaded = _load(project)
    assert list(loaded.servers) == ["good"]
    problems = {p.key: str(p) for p in loaded.problems}
    assert problems["mcpServers.noenv.env.K"].startswith(f"{path}: mcpServers.noenv.env.K: ")
    assert "MISSING_VAR is not set" in problems["mcpServers.noenv.env.K"]
    assert "list of strings" in problems["mcpServers.badargs.args"]
    assert "unknown transport 'pigeon'" in problems["mcpServers.badtype.type"]
    assert "needs a url" in problems["mcpServers.nourl.url"]
    assert "mcpServers.bad name!" in problems


def test_broken_json_is_reported_and_other_scopes_still_load(project: Path, home: Path) -> None:
    (project / ".mcp.json").write_text("{not json", encoding="utf-8")
    claude = claude_json_path()
    claude.parent.mkdir(parents=True, exist_ok=True)
    claude.write_text(json.dumps({"mcpServers": {"u": {"command": "user-srv"}}}), "utf-8")
    loaded = _load(project)
    assert list(loaded.servers) == ["u"]
    assert [p.source for p in loaded.problems] == [str(project / ".mcp.json")]
    assert "invalid JSON" in loaded.problems[0].message


def test_scopes_narrowest_wins_and_strict_keeps_only_cli(project: Path, tmp_path: Path) -> None:
    write_mcp_json(project, {"s": {"command": "from-project"}, "p": {"command": "p"}})
    claude = claude_json_path()
    claude.parent.mkdir(parents=True, exist_ok=True)
    claude.write_text(json.dumps({
        "mcpServers": {"s": {"command": "from-user"}, "u": {"command": "u"}},
        "projects": {str(project): {"mcpServers": {"s": {"command": "from-local"}}},
                     "/elsewhere": {"mcpServers": {"other": {"command": "o"}}}},
    }), "utf-8")
    loaded = _load(project, corral_servers={"c": {"command": "from-corral"}})
    assert {n: s.command for n, s in loaded.servers.items()} == {
        "s": "from-local", "p": "p", "u": "u", "c": "from-corral"}
    assert loaded.servers["s"].scope == "local" and loaded.servers["p"].scope == "project"
    cli = tmp_path / "cli.json"
    cli.write_text(json.dumps({"mcpServers": {"s": {"command": "from-cli"}}}), "utf-8")
    assert _load(project, cli_configs=[str(cli)]).servers["s"].command == "from-cli"
    strict = _load(project, cli_configs=[str(cli)], strict=True)
    assert list(strict.servers) == ["s"]
    missing = _load(project, cli_configs=[str(tmp_path / "nope.json")])
    assert "not found" in missing.problems[0].message


@pytest.mark.parametrize("where", ["user", "project", "local", "claude-json", "corral"])
def test_approval_keys_from_every_settings_file(project: Path, where: str) -> None:
    write_mcp_json(project, {"a": {"command": "a"}, "b": {"command": "b"}})
    doc = {"enabledMcpjsonServers": ["a"], "disabledMcpjsonServers": ["b"]}
    settings = Settings()
    if where == "user":
        path = claude_json_path().parent / "settings.json"
    elif where == "project":
        path = project / ".claude" / "settings.json"
    elif where == "local":
        path = project / ".claude" / "settings.local.json"
    elif where == "claude-json":
        path = claude_json_path()
        doc = {"projects": {str(project): doc}}
    if where == "corral":
        settings = Settings(enabled_project_servers=["a"], disabled_project_servers=["b"])
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(doc), "utf-8")
    approvals = read_approvals(project, settings)
    assert (approvals.verdict("a"), approvals.verdict("b"), approvals.verdict("c")) == (
        "approved", "disabled", "needs-approval")


def test_enable_all_but_a_refusal_wins(project: Path) -> None:
    path = project / ".claude" / "settings.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"enableAllProjectMcpServers": True,
                                "disabledMcpjsonServers": ["no"]}), "utf-8")
    approvals = read_approvals(project, Settings())
    assert approvals.verdict("anything") == "approved" and approvals.verdict("no") == "disabled"


def test_recording_an_answer_keeps_the_rest_of_settings_local(project: Path) -> None:
    path = project / ".claude" / "settings.local.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"permissions": {"allow": ["Read"]},
                                "disabledMcpjsonServers": ["x"]}), "utf-8")
    record_answer(project, "x", approve=True)
    doc = json.loads(path.read_text())
    assert doc == {"permissions": {"allow": ["Read"]}, "disabledMcpjsonServers": [],
                   "enabledMcpjsonServers": ["x"]}
    record_answer(project, "x", approve=False)
    doc = json.loads(path.read_text())
    assert doc["enabledMcpjsonServers"] == [] and doc["disabledMcpjsonServers"] == ["x"]
