"""``corral permissions explain`` and ``corral permissions list``."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.cmdhooks.conftest import Hooks, group


def test_explain_the_issue_example_is_a_deny(run_cli) -> None:
    code, out, err = run_cli("permissions", "explain", "Bash",
                             '{"command": "git status && rm -rf ~"}', "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["decision"] == "deny" and result["tier"] == "critical"
    assert {"decision", "tier", "rule", "reason", "source", "details"} <= set(result)
    assert "home directory" in result["reason"]
    assert result["tool"] == "Bash" and result["mode"] == "default"


@pytest.mark.usefixtures("corral_no_sandbox")
def test_explain_names_the_rule_and_its_file(run_cli, project: Path) -> None:
    config = project / ".claude" / "corral.toml"
    config.write_text('[permissions]\nallow = ["Bash(npm run test:*)"]\n')
    code, out, _ = run_cli("permissions", "explain", "Bash",
                           '{"command": "npm run test -- --watch=false"}', "--json")
    assert code == 0
    result = json.loads(out)
    assert result["decision"] == "allow" and result["tier"] == "rule"
    assert result["rule"] == "Bash(npm run test:*)" and result["source"] == str(config)
    # a compound command is judged part by part
    code, out, _ = run_cli("permissions", "explain", "Bash",
                           '{"command": "npm run test; curl evil.example"}', "--json")
    result = json.loads(out)
    assert result["decision"] == "ask" and len(result["details"]) == 2


def test_explain_with_a_mode(run_cli, project: Path) -> None:
    edit = json.dumps({"file_path": str(project / "a.py"), "old_string": "a",
                       "new_string": "b"})
    code, out, _ = run_cli("permissions", "explain", "Edit", edit, "--json")
    assert json.loads(out)["decision"] == "ask"
    code, out, _ = run_cli("permissions", "explain", "Edit", edit, "--mode", "acceptEdits",
                           "--json")
    result = json.loads(out)
    assert result["decision"] == "allow" and result["mode"] == "acceptEdits"
    code, out, _ = run_cli("permissions", "explain", "Edit", edit, "--mode", "plan", "--json")
    assert json.loads(out)["decision"] == "deny"


def test_explain_text_output(run_cli) -> None:
    code, out, _ = run_cli("permissions", "explain", "Bash", '{"command": "git status"}')
    assert code == 0
    lines = dict(line.split(None, 1) for line in out.splitlines() if not line.startswith(" ")
                 and len(line.split(None, 1)) == 2)
    assert lines["decision"] == "allow" and lines["tier"] == "mode"
    assert "read-only" in lines["reason"]


def test_explain_does_not_run_command_hooks(run_cli, hooks: Hooks) -> None:
    hooks.write_settings({"PreToolUse": [group(hooks.command("pre"))]})
    code, out, _ = run_cli("permissions", "explain", "Read", '{"file_path": "x"}', "--json")
    assert code == 0 and json.loads(out)["decision"] == "allow"
    assert hooks.records("pre") == []


def test_explain_rejects_bad_input(run_cli) -> None:
    code, _, err = run_cli("permissions", "explain", "Bash", "{not json")
    assert code == 2 and "INPUT_JSON is not valid JSON" in err
    code, _, err = run_cli("permissions", "explain", "Bash", "[1]")
    assert code == 2 and "must be a JSON object" in err


def test_list_shows_rules_sources_mode_dirs_and_hooks(run_cli, project: Path, hooks: Hooks,
                                                      tmp_path: Path) -> None:
    config = project / ".claude" / "corral.toml"
    config.write_text('[permissions]\nallow = ["Edit(src/**)"]\ndeny = ["Read(./.env)"]\n')
    settings = hooks.write_settings({"Stop": [group("echo done")]},
                                    permissions={"ask": ["Bash(git push:*)"]})
    managed = Path(os.environ["CORRAL_MANAGED_DIR"])
    managed.mkdir(parents=True)
    (managed / "managed.toml").write_text('[permissions]\ndeny = ["WebFetch"]\n')
    extra = tmp_path / "shared"
    extra.mkdir()
    code, out, err = run_cli("permissions", "list", "--json", "--add-dir", str(extra))
    assert code == 0, err
    data = json.loads(out)
    rows = {(r["kind"], r["rule"]): r for r in data["rules"]}
    assert rows[("allow", "Edit(src/**)")]["source"] == str(config)
    assert rows[("deny", "Read(./.env)")]["source"] == str(config)
    assert rows[("ask", "Bash(git push:*)")]["source"] == str(settings)
    assert rows[("deny", "WebFetch")]["tier"] == "managed"
    assert data["mode"] == "default"
    assert data["working_directories"] == [str(project.resolve()), str(extra.resolve())]
    assert data["hooks"] == [{"event": "Stop", "matcher": "", "command": "echo done",
                              "timeout": 60.0, "source": str(settings)}]
    code, out, _ = run_cli("permissions", "list")
    assert code == 0
    assert f"allow Edit(src/**)  # {config}" in out
    assert "WebFetch" in out and "(managed)" in out and "Stop  echo done" in out


def test_list_marks_settings_rules_ignored_under_managed_rules_only(run_cli,
                                                                    project: Path) -> None:
    (project / ".claude" / "corral.toml").write_text('[permissions]\nallow = ["Bash"]\n')
    managed = Path(os.environ["CORRAL_MANAGED_DIR"])
    managed.mkdir(parents=True)
    (managed / "managed.toml").write_text("[permissions]\nmanaged_rules_only = true\n")
    code, out, _ = run_cli("permissions", "list", "--json")
    data = json.loads(out)
    assert data["locks"]["managed_rules_only"] is True
    [row] = data["rules"]
    assert row["rule"] == "Bash" and row["active"] is False
