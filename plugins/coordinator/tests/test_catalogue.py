"""Where agents come from, which one wins a name clash, and how the catalogue is shown."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path

from corral import hookimpl, paths
from corral.api import AgentDefinition, App, Session
from corral_coordinator.catalogue import build_catalogue
from corral_coordinator.listing import Listing, ListingView, run_slash
from rich.console import Console

from .conftest import RunCli, write_agent

BUILTINS = {"general-purpose", "explore", "plan", "frontend", "backend", "test-runner",
            "code-reviewer", "verifier"}


class _PluginAgents:
    @hookimpl
    def corral_register_agents(self, register):  # noqa: ANN001, ANN201
        register(AgentDefinition(name="shared", description="from a plugin", prompt="P"))
        register(AgentDefinition(name="plugin-only", description="only here", prompt="Q"))


def _app(project: Path) -> App:
    return App.create(cwd=project, environ={}, extra_plugins={"pagents": _PluginAgents()})


def test_builtins_are_present_with_our_prompts(project: Path) -> None:
    catalogue = build_catalogue(App.create(cwd=project, environ={}), project)
    assert BUILTINS <= set(catalogue.agents)
    verifier = catalogue.agents["verifier"]
    assert "VERDICT: PASS" in verifier.prompt and "VERDICT: PARTIAL" in verifier.prompt
    explore = catalogue.agents["explore"]
    assert explore.model == "haiku" and explore.permission_mode == "plan"
    assert "Edit" not in (explore.tools or []) and "Write" not in (explore.tools or [])
    assert catalogue.agents["plan"].permission_mode == "plan"
    assert all(a.source == "builtin" for n, a in catalogue.agents.items() if n in BUILTINS)


def test_project_beats_user_beats_plugin_beats_builtin(project: Path) -> None:
    user_dir = paths.claude_user_dir() / "agents"
    project_dir = project / ".claude" / "agents"
    write_agent(user_dir, "shared", "USER")
    user_verifier = write_agent(user_dir, "verifier", "MY VERIFIER")
    project_shared = write_agent(project_dir, "shared", "PROJECT")
    write_agent(user_dir, "user-only", "U")
    catalogue = build_catalogue(_app(project), project)
    agents = catalogue.agents
    assert agents["shared"].prompt == "PROJECT"
    assert agents["shared"].source == f"project:{project_shared}"
    assert agents["verifier"].prompt == "MY VERIFIER"
    assert agents["verifier"].source == f"user:{user_verifier}"
    assert agents["plugin-only"].source == "plugin:pagents"
    assert agents["user-only"].prompt == "U"
    clashes = {(s.name, s.winner.split(":")[0], s.loser.split(":")[0]) for s in catalogue.shadowed}
    assert clashes == {
        ("shared", "user", "plugin"),
        ("shared", "project", "user"),
        ("verifier", "user", "builtin"),
    }


def test_project_agents_are_found_from_a_subdirectory(project: Path) -> None:
    write_agent(project / ".claude" / "agents", "local", "L")
    sub = project / "src" / "pkg"
    sub.mkdir(parents=True)
    assert "local" in build_catalogue(App.create(cwd=sub, environ={}), sub).agents


def test_corral_agents_json(project: Path, run_cli: RunCli) -> None:
    path = write_agent(project / ".claude" / "agents", "verifier", "mine", tools="Read, Bash")
    (project / ".claude" / "agents" / "broken.md").write_text("---\nname: b\n---\nx\n")
    code, out, _ = run_cli("agents", "--json")
    assert code == 1  # a broken file makes the listing fail, for CI
    data = json.loads(out)
    by_name = {a["name"]: a for a in data["agents"]}
    assert BUILTINS <= set(by_name)
    assert by_name["verifier"]["source"] == f"project:{path}"
    assert by_name["verifier"]["tools"] == ["Read", "Bash"]
    assert by_name["general-purpose"]["tools"] is None
    assert data["overridden"] == [
        f"agent 'verifier' from project:{path} overrides the one from builtin"]
    [problem] = data["problems"]
    assert problem.startswith(f"{project / '.claude' / 'agents' / 'broken.md'}:1: description")


def test_corral_agents_table(project: Path, run_cli: RunCli) -> None:
    code, out, _ = run_cli("agents")
    assert code == 0
    assert "corral agents" in out and "code-reviewer" in out and "builtin" in out


def test_slash_agents_renders_the_catalogue(project: Path) -> None:
    write_agent(project / ".claude" / "agents", "helper", "H", description="helps out")
    session = Session(_app(project), cwd=project)
    view = run_slash(session, "")
    console = Console(file=io.StringIO(), width=200)
    console.print(view)
    rendered = console.file.getvalue()  # type: ignore[attr-defined]
    assert "helper" in rendered and "helps out" in rendered and "plugin-only" in rendered


def test_broken_file_is_a_session_notice(project: Path) -> None:
    bad = project / ".claude" / "agents" / "bad.md"
    bad.write_text("---\nname: bad\ndescription: d\nmaxTurns: -3\n---\nx\n")
    session = Session(_app(project), cwd=project)
    seen: list[object] = []
    session.listeners.append(seen.append)
    asyncio.run(session.start())
    notices = [e for e in seen if getattr(e, "level", "") == "warning"]
    [notice] = notices
    assert f"{bad}:4: maxTurns" in notice.text  # type: ignore[attr-defined]


def test_corral_agents_reports_tools_corral_lacks(project: Path, run_cli: RunCli) -> None:
    write_agent(project / ".claude" / "agents", "researcher", "R",
                tools="Read, NotebookEdit, Bash(git log:*), mcp__docs__search")
    code, out, _ = run_cli("agents", "--json")
    assert code == 0
    data = json.loads(out)
    [agent] = [a for a in data["agents"] if a["name"] == "researcher"]
    assert agent["unknown_tools"] == ["NotebookEdit"]
    assert agent["tools"] == ["Read", "NotebookEdit", "Bash(git log:*)", "mcp__docs__search"]
    [line] = data["missing_tools"]
    assert "'researcher'" in line and "NotebookEdit" in line
    console = Console(file=io.StringIO(), width=300)
    console.print(ListingView(Listing(**{**data, "agents": []})))
    assert "warning: agent 'researcher'" in console.file.getvalue()  # type: ignore[attr-defined]
