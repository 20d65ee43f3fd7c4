"""Done when: a marketplace folder added from disk installs a bundle whose commands (with
``!`` lines and ``allowed-tools``), agents, skills and hooks work headless and in the REPL."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from corral.testing import MessagesServer, text, tool_use

from tests.bundles._kit import write_marketplace


def first_user_text(server: MessagesServer, index: int = 0) -> str:
    content = server.message_requests[index].body["messages"][0]["content"]
    return content if isinstance(content, str) else json.dumps(content)


def installed(run_cli, tmp_path: Path) -> Path:
    market = write_marketplace(tmp_path / "market")
    code, out, err = run_cli("plugin", "marketplace", "add", str(market))
    assert code == 0, out + err
    assert "added marketplace team" in out
    code, out, err = run_cli("plugin", "install", "tools@team")
    assert code == 0, out + err
    assert "installed tools@team 1.2.0" in out
    return market


@pytest.mark.usefixtures("corral_no_sandbox")  # about allowed-tools, which the sandbox would lift
def test_headless_bundle_command_runs_bang_lines_allowed_tools_and_hooks(
        anthropic_server: MessagesServer, run_cli, project: Path, tmp_path: Path) -> None:
    installed(run_cli, tmp_path)
    anthropic_server.enqueue(tool_use("Bash", {"command": "touch made.txt"}), text("made"))
    code, out, err = run_cli("-p", "/greet world", "--output-format", "corral-events")
    assert code == 0, out + err
    sent = first_user_text(anthropic_server)
    assert "Greet world warmly." in sent and "BANG-world" in sent and "!`echo" not in sent
    assert (project / "made.txt").exists()  # pre-approved by the command's allowed-tools
    decided = [e for e in map(json.loads, out.splitlines())
               if e.get("type") == "permission_decided" and e.get("name") == "Bash"]
    assert decided[-1]["decision"] == "allow" and "allowed-tools" in decided[-1]["source"]
    copy = Path(json.loads(run_cli("plugin", "list", "--json")[1])[0]["path"])
    # installed as a copy in corral's user data dir, under its version
    assert copy.is_relative_to(Path(os.environ["CORRAL_HOME"]) / "data" / "bundles")
    assert copy.name == "1.2.0" and (copy / "commands" / "greet.md").is_file()
    # the bundle's UserPromptSubmit hook ran with CLAUDE_PLUGIN_ROOT set to the installed copy
    assert (project / "hook-ran.txt").read_text().split() == [str(copy)]
    # the namespaced name reaches the same command
    anthropic_server.enqueue(text("hi"))
    code, out, err = run_cli("-p", "/tools:greet Ada")
    assert code == 0, out + err
    assert "Greet Ada warmly." in first_user_text(anthropic_server, -1)


def test_a_disabled_bundle_contributes_nothing(
        anthropic_server: MessagesServer, run_cli, project: Path, tmp_path: Path) -> None:
    installed(run_cli, tmp_path)
    assert run_cli("plugin", "disable", "tools@team")[0] == 0
    anthropic_server.enqueue(text("?"))
    code, out, err = run_cli("-p", "/greet world")
    assert code == 0, out + err
    assert "/greet world" in first_user_text(anthropic_server) and "BANG" not in \
        first_user_text(anthropic_server)
    assert not (project / "hook-ran.txt").exists()
    # the project's settings switch it back on, and say so
    (project / ".claude" / "settings.json").write_text(
        json.dumps({"enabledPlugins": {"tools@team": True}}))
    [state] = json.loads(run_cli("plugin", "list", "--json")[1])
    assert state["enabled"] is True and state["decided_by"].endswith("settings.json")


def test_bundle_agents_join_the_catalogue(run_cli, project: Path, tmp_path: Path) -> None:
    pytest.importorskip("corral_coordinator", reason="the agent catalogue is corral-coordinator's")
    from corral.app import App
    from corral_coordinator.catalogue import build_catalogue

    installed(run_cli, tmp_path)
    app = App.create(cwd=project)
    catalogue = build_catalogue(app, project)
    agent = catalogue.get("tools:reviewer")
    assert agent is not None and agent.tools == ["Read", "Grep"]
    assert agent.prompt.strip() == "You review changes carefully."


def test_bundle_mcp_servers_reach_the_mcp_plugin_with_the_root_expanded(
        run_cli, project: Path, tmp_path: Path) -> None:
    pytest.importorskip("corral_mcp", reason="MCP servers are corral-mcp's")
    from corral.app import App
    from corral_mcp.runtime import configured

    installed(run_cli, tmp_path)
    app = App.create(cwd=project)
    servers = configured(app, environ=dict(os.environ))
    server = servers.servers["plugin_tools_db"]
    root = json.loads(run_cli("plugin", "list", "--json")[1])[0]["path"]
    assert server.scope == "plugin" and server.command == f"{root}/bin/db"
    assert server.args == ["--root", root] and server.env["CLAUDE_PLUGIN_ROOT"] == root


def test_a_headless_run_without_bundles_imports_no_bundle_code(
        anthropic_server: MessagesServer, project: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    probe = ("import sys; from corral.cli import main; code = main(sys.argv[1:]); "
             "sys.stderr.write('MODULES=' + ' '.join(sorted(sys.modules)) + '\\n')")

    def imported_modules(prompt: str) -> list[str]:
        done = subprocess.run(
            [sys.executable, "-c", probe, "-p", prompt], cwd=project, env=dict(os.environ),
            capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
        assert done.returncode == 0, done.stderr[-2000:]
        [line] = [ln for ln in done.stderr.splitlines() if ln.startswith("MODULES=")]
        return line.removeprefix("MODULES=").split()

    anthropic_server.enqueue(text("plain"), text("plain again"))
    found = imported_modules("/greet world")
    assert "corral.internal_plugins.bundles" in found  # the log is what we think it is
    assert [m for m in found if m.startswith("corral.bundles")] == []
    # with a bundle installed, the same run reads it
    market = write_marketplace(tmp_path / "market")
    env_run = [sys.executable, "-m", "corral", "plugin"]
    for args in (["marketplace", "add", str(market)], ["install", "tools@team"]):
        subprocess.run([*env_run, *args], cwd=project, check=True, capture_output=True,
                       timeout=120, stdin=subprocess.DEVNULL)
    assert "corral.bundles.active" in imported_modules("/greet world")
    assert "BANG-world" in first_user_text(anthropic_server, -1)


def test_bundle_skills_reach_the_skill_catalogue(run_cli, project: Path, tmp_path: Path) -> None:
    from corral.app import App
    from corral.internal_plugins.skills import catalogue
    from corral.session import Session

    installed(run_cli, tmp_path)
    found = catalogue(Session(App.create(cwd=project)))
    assert found is not None
    skill = found.find("release-notes")  # its short name, while no other skill has it
    assert skill is not None and skill.name == "tools:release-notes"
    assert skill.description == "Write release notes from the git log."
    assert Path(skill.folder).parent.parent.name == "1.2.0"  # read from the installed copy
