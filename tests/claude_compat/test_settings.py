"""Claude Code settings files read as Claude Code reads them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from corral.config import load_config
from corral.errors import ConfigError
from corral.testing import text, tool_use

from tests._distinfo import cli_env

#: A locked-down project settings file in the shape Claude Code documents.
STRICT = {
    "$schema": "https://json.schemastore.org/claude-code-settings.json",
    "permissions": {
        "disableBypassPermissionsMode": "disable",
        "ask": ["Bash"],
        "deny": ["WebSearch", "WebFetch"],
    },
    "allowManagedPermissionRulesOnly": True,
    "allowManagedHooksOnly": True,
    "strictKnownMarketplaces": [],
    "sandbox": {"enabled": True, "autoAllowBashIfSandboxed": False,
                "network": {"allowedDomains": [], "httpProxyPort": None}},
}


def settings(project: Path, doc: object, name: str = "settings.json") -> Path:
    path = project / ".claude" / name
    path.write_text(json.dumps(doc, indent=2))
    return path


def test_a_strict_settings_file_starts_and_locks_bypass_mode(
        anthropic_server, run_cli, project: Path) -> None:
    settings(project, STRICT)
    anthropic_server.enqueue(tool_use("Write", {"file_path": "x.txt", "content": "hi"}),
                             text("done"))
    code, out, err = run_cli("-p", "write it", "--output-format", "corral-events",
                             "--permission-mode", "bypassPermissions")
    assert code == 0, out + err
    assert not (project / "x.txt").exists()
    lines = [json.loads(line) for line in out.splitlines()]
    [decided] = [e for e in lines if e.get("type") == "permission_decided"]
    assert decided["decision"] == "deny" and "bypassPermissions is disabled" in decided["reason"]


def test_the_lock_reads_the_documented_value_and_a_boolean(project: Path) -> None:
    settings(project, {"permissions": {"disableBypassPermissionsMode": "disable"}})
    loaded = load_config(project, environ={})
    assert loaded.config.permissions.disable_bypass_mode is True
    settings(project, {"permissions": {"disableBypassPermissionsMode": True}},
             "settings.local.json")
    assert load_config(project, environ={}).config.permissions.disable_bypass_mode is True


def test_a_bad_value_is_named_as_written_with_line_and_column(project: Path) -> None:
    path = settings(project, {"model": "sonnet",
                              "permissions": {"disableBypassPermissionsMode": "yes"}})
    with pytest.raises(ConfigError) as info:
        load_config(project, environ={})
    message = str(info.value)
    assert f"{path}: permissions.disableBypassPermissionsMode" in message
    assert "disable_bypass_mode" not in message and "(line 4, column 5)" in message
    settings(project, {"permissions": {"allow": "Bash(ls *)"}})
    with pytest.raises(ConfigError, match=r"permissions\.allow: expected a list of strings "
                       r"\(line 3, column 5\)"):
        load_config(project, environ={})


def test_unknown_permission_keys_warn_and_other_keys_are_listed_as_not_used(
        project: Path) -> None:
    settings(project, {"permissions": {"allow": ["Read"], "deney": ["Bash(rm *)"],
                                       "futureKey": 1},
                       "spinnerTipsEnabled": False,
                       "forceLoginMethod": "claudeai"})
    loaded = load_config(project, environ={})
    assert loaded.config.permissions.allow == ["Read"]
    [layer] = [lyr for lyr in loaded.layers if lyr.name == "claude-project"]
    deney, future = layer.warnings
    assert "permissions.deney" in deney and "did you mean 'deny'" in deney
    assert "permissions.futureKey" in future and "(line 9, column 5)" in future
    assert [n.split(": ")[1] for n in layer.unused] == ["spinnerTipsEnabled", "forceLoginMethod"]
    out = subprocess.run([sys.executable, "-m", "corral", "doctor"], cwd=project,
                         env=cli_env(COLUMNS="400"), capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "permissions.deney" in out.stdout and "spinnerTipsEnabled: not used" in out.stdout
    assert "permissions.deney" in out.stderr  # warned at start, too


def test_corral_toml_stays_strict(project: Path) -> None:
    (project / ".claude" / "corral.toml").write_text("[permissions]\nfutureKey = 1\n")
    with pytest.raises(ConfigError, match="permissions.futureKey: unknown key"):
        load_config(project, environ={})


def test_include_co_authored_by_false_drops_the_trailer(anthropic_server, run_cli,
                                                        project: Path) -> None:
    settings(project, {"includeCoAuthoredBy": False})
    anthropic_server.enqueue(text("ok"))
    code, _, err = run_cli("-p", "hi")
    assert code == 0, err
    assert "Co-Authored-By" not in json.dumps(anthropic_server.message_requests[0].body["system"])


def test_attribution_commit_replaces_the_trailer(anthropic_server, run_cli,
                                                 project: Path) -> None:
    settings(project, {"attribution": {"commit": "Assisted-by: our team's agent", "pr": ""}})
    anthropic_server.enqueue(text("ok"))
    code, _, err = run_cli("-p", "hi")
    assert code == 0, err
    system = json.dumps(anthropic_server.message_requests[0].body["system"])
    assert "Assisted-by: our team's agent" in system and "Co-Authored-By" not in system


def test_env_values_of_other_json_types_become_strings(project: Path) -> None:
    settings(project, {"env": {"DEBUG": True, "RETRIES": 3, "NAME": "x"}})
    assert load_config(project, environ={}).config.env == {
        "DEBUG": "true", "RETRIES": "3", "NAME": "x"}


def test_settings_env_reaches_shell_commands(anthropic_server, run_cli, project: Path) -> None:
    settings(project, {"env": {"TEAM_GREETING": "hello-from-settings"},
                       "permissions": {"allow": ["Bash(echo *)"]}})
    anthropic_server.enqueue(tool_use("Bash", {"command": "echo \"$TEAM_GREETING\""}),
                             text("done"))
    code, out, err = run_cli("-p", "greet")
    assert code == 0, out + err
    [block] = anthropic_server.message_requests[1].body["messages"][-1]["content"]
    assert "hello-from-settings" in json.dumps(block["content"])
