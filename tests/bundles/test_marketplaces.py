"""Marketplaces from a folder and from git, trust of project-proposed ones, manifests with
custom paths, problems with file:line, and how `corral plugins` shows both kinds."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from corral.bundles.manifest import load_bundle
from corral.commands import CommandDir
from corral.custom_commands import load_custom_commands

from tests.bundles._kit import git_repo, write_marketplace


def listing(run_cli) -> list[dict]:
    code, out, err = run_cli("plugin", "list", "--json")
    assert code == 0, err
    return json.loads(out)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_marketplace_is_cloned_installed_and_updated(run_cli, tmp_path: Path) -> None:
    market = write_marketplace(tmp_path / "src")
    bare = git_repo(market, tmp_path / "market.git")
    code, out, err = run_cli("plugin", "marketplace", "add", f"file://{bare}")
    assert code == 0, out + err
    code, out, err = run_cli("plugin", "marketplace", "list", "--json")
    [info] = json.loads(out)
    assert (info["name"], info["source"]["source"], info["plugins"]) == ("team", "git", ["tools"])
    assert Path(info["path"]).name == "team" and (Path(info["path"]) / ".git").exists()
    assert run_cli("plugin", "install", "tools")[0] == 0  # one marketplace lists it
    [first] = listing(run_cli)
    assert first["version"] == "1.2.0"
    # a new version pushed: update fetches it, install replaces the old copy
    work = tmp_path / "market.git-work"
    manifest = work / "plugins" / "tools" / ".claude-plugin" / "plugin.json"
    manifest.write_text(manifest.read_text().replace("1.2.0", "1.3.0"))
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "-C", str(work)]
    subprocess.run([*git, "commit", "-qam", "bump"], check=True)
    subprocess.run([*git, "push", "-q", str(tmp_path / "market.git"), "HEAD"], check=True)
    code, out, err = run_cli("plugin", "marketplace", "update")
    assert code == 0 and "updated marketplace team" in out, out + err
    assert run_cli("plugin", "install", "tools@team")[0] == 0
    [second] = listing(run_cli)
    assert second["version"] == "1.3.0" and not Path(first["path"]).exists()
    assert run_cli("plugin", "uninstall", "tools@team")[0] == 0
    assert listing(run_cli) == [] and not Path(second["path"]).exists()


def test_owner_repo_shorthand_is_github() -> None:
    from corral.bundles.marketplace import clone_url, parse_source

    source = parse_source("acme/claude-plugins", Path("/nonexistent"))
    assert (source.source, source.repo) == ("github", "acme/claude-plugins")
    assert clone_url(source) == "https://github.com/acme/claude-plugins.git"
    assert parse_source("https://example.invalid/x.git", Path("/")).source == "git"


def test_a_project_proposed_marketplace_needs_trust_before_its_first_install(
        run_cli, project: Path, tmp_path: Path) -> None:
    market = write_marketplace(tmp_path / "market")
    settings = {"extraKnownMarketplaces": {"team": {"source": {"source": "directory",
                                                               "path": str(market)}}},
                "enabledPlugins": {"tools@team": True}}
    (project / ".claude" / "settings.json").write_text(json.dumps(settings))
    code, out, err = run_cli("plugin", "marketplace", "list")
    assert "team: directory" in out and "not trusted yet" in out
    code, out, err = run_cli("plugin", "install", "tools@team")
    assert code == 1 and "not trusted yet" in err
    assert "corral plugin marketplace trust team" in err
    [state] = listing(run_cli)  # named by the settings, not installed
    assert state["installed"] is False and "corral plugin install tools@team" in \
        state["problems"][0]
    assert run_cli("plugin", "marketplace", "trust", "team")[0] == 0
    code, out, err = run_cli("plugin", "install", "tools@team")
    assert code == 0, out + err
    [state] = listing(run_cli)
    assert state["installed"] and state["enabled"]


def test_a_marketplace_the_users_own_settings_propose_is_trusted(
        run_cli, tmp_path: Path) -> None:
    import os

    market = write_marketplace(tmp_path / "market")
    user = Path(os.environ["CLAUDE_CONFIG_DIR"])
    user.mkdir(parents=True, exist_ok=True)
    (user / "settings.json").write_text(json.dumps({"extraKnownMarketplaces": {
        "team": {"source": {"source": "directory", "path": str(market)}}}}))
    code, out, err = run_cli("plugin", "install", "tools@team")
    assert code == 0, out + err


def test_manifest_custom_paths_add_to_the_defaults_and_problems_name_file_and_line(
        tmp_path: Path) -> None:
    root = tmp_path / "b"
    (root / ".claude-plugin").mkdir(parents=True)
    (root / "commands").mkdir()
    (root / "commands" / "a.md").write_text("A")
    (root / "extra").mkdir()
    (root / "extra" / "b.md").write_text("B")
    (root / "one.md").write_text("C")
    (root / ".claude-plugin" / "plugin.json").write_text(
        '{\n  "name": "b",\n  "commands": ["./extra", "./one.md"],\n'
        '  "agents": "./missing",\n  "mcpServers": {"s": {"command": "${CLAUDE_PLUGIN_ROOT}/s"}}\n}')
    bundle = load_bundle(root, "dir")
    assert bundle.commands == [str(root / "commands"), str(root / "extra"), str(root / "one.md")]
    assert bundle.mcp_servers[0][1] == {"s": {"command": f"{root}/s"}}
    [problem] = bundle.problems
    assert problem.startswith(f"{root / '.claude-plugin' / 'plugin.json'}:4: agents:")
    (root / ".claude-plugin" / "plugin.json").write_text('{\n  "name": "b",\n  oops\n}')
    [problem] = load_bundle(root, "dir").problems
    assert problem.startswith(f"{root / '.claude-plugin' / 'plugin.json'}:3: invalid JSON")


def test_short_names_only_when_unambiguous(tmp_path: Path, project: Path) -> None:
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "deploy.md").write_text(f"deploy from {name}")
    (tmp_path / "one" / "only.md").write_text("only one")
    dirs = [CommandDir(path=str(tmp_path / n), namespace=n, source=n) for n in ("one", "two")]
    found, _ = load_custom_commands(project, dirs)
    assert "deploy" not in found and found["two:deploy"].body == "deploy from two"
    assert found["only"] is found["one:only"]


def test_doctor_and_corral_plugins_show_bundles(run_cli, tmp_path: Path) -> None:
    market = write_marketplace(tmp_path / "market")
    manifest = market / "plugins" / "tools" / ".claude-plugin" / "plugin.json"
    manifest.write_text('{\n  "name": "tools",\n  "hooks": "./nowhere.json"\n}')
    assert run_cli("plugin", "marketplace", "add", str(market))[0] == 0
    code, out, err = run_cli("plugin", "install", "tools@team")
    assert code == 0 and "problem:" in out, out + err
    code, out, err = run_cli("doctor")
    assert code == 1
    assert "bundle tools@team" in out and "plugin.json:3: hooks:" in out.replace("\n", "")
    code, out, err = run_cli("plugins", "--json")
    rows = json.loads(out)
    bundles = [r for r in rows if r["kind"] == "bundle"]
    assert [b["name"] for b in bundles] == ["tools@team"] and "nowhere" in bundles[0]["error"]
    assert all(set(r) == set(rows[0]) for r in rows)  # one shape for both kinds
    assert {r["kind"] for r in rows if r["builtin"]} == {"python"}
    code, out, err = run_cli("plugins")
    assert "Python plugins" in out and "Plugin bundles" in out


def test_an_installed_copy_gone_missing_is_a_problem_under_its_own_name(
        run_cli, tmp_path: Path) -> None:
    market = write_marketplace(tmp_path / "market")
    assert run_cli("plugin", "marketplace", "add", str(market))[0] == 0
    assert run_cli("plugin", "install", "tools@team")[0] == 0
    [state] = listing(run_cli)
    shutil.rmtree(state["path"])
    [state] = listing(run_cli)
    assert state["key"] == "tools@team" and "folder is missing" in state["problems"][0]
