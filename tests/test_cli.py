from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests._distinfo import cli_env


def corral(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "corral", *args],
        cwd=cwd, env=env or cli_env(), capture_output=True, text=True, timeout=60,
    )


def test_version(project: Path) -> None:
    from corral import __version__

    out = corral("--version", cwd=project)
    assert out.returncode == 0 and out.stdout.strip() == f"corral {__version__}"


def test_help_lists_kernel_subcommands(project: Path) -> None:
    out = corral("--help", cwd=project)
    assert out.returncode == 0
    for word in ("plugins", "config", "doctor", "--enable", "--strict-plugins", "-p [PROMPT]"):
        assert word in out.stdout


def test_version_help_and_plugins_import_nothing_heavy(project: Path) -> None:
    code = (
        "import sys; from corral.cli import main;"
        "sys.argv=['corral', sys.argv[1]];\n"
        "try: main()\nexcept SystemExit: pass\n"
        "bad=[m for m in sys.modules if m == 'anthropic' or m.startswith('rich.live')"
        " or m == 'corral_kairos' or m == 'asyncio'];"  # no event loop runs: no asyncio
        "print('HEAVY', bad, file=sys.stderr)"
    )
    for flag in ("--version", "--help", "plugins"):
        out = subprocess.run([sys.executable, "-c", code, flag], cwd=project, env=cli_env(),
                             capture_output=True, text=True, timeout=60)
        assert "HEAVY []" in out.stderr, out.stderr


def test_misspelled_key_exits_2_naming_file_and_key(project: Path) -> None:
    path = project / ".claude/corral.toml"
    path.write_text("[features]\nbuddy = true\n[permisions]\nallow = []\n")
    out = corral("plugins", cwd=project)
    assert out.returncode == 2
    assert str(path) in out.stderr and "permisions" in out.stderr
    assert "Traceback" not in out.stderr


def test_config_show_origin(project: Path) -> None:
    path = project / ".claude/corral.toml"
    path.write_text('model = "opus"\n[permissions]\nallow = ["Read"]\n')
    out = corral("config", "show", "--origin", "--json", "--model", "haiku", cwd=project)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["model"] == {"value": "haiku", "origin": "cli"}
    assert data["permissions.allow"] == {"value": ["Read"], "origin": [str(path)]}
    assert data["permissions.default_mode"]["origin"] == "default"


def test_doctor_never_prints_a_secret(project: Path) -> None:
    secret = "sk-ant-test-very-secret-value"
    out = corral("doctor", cwd=project, env=cli_env(ANTHROPIC_API_KEY=secret))
    assert "ANTHROPIC_API_KEY set (value not shown)" in out.stdout
    assert secret not in out.stdout + out.stderr


def test_buddy_flag_off_in_project_file(project: Path) -> None:
    pytest.importorskip("corral_buddy")
    path = project / ".claude/corral.toml"
    path.write_text("[features]\nbuddy = false\n")
    out = corral("plugins", "--json", cwd=project)
    assert out.returncode == 0, out.stderr
    rows = {row["name"]: row for row in json.loads(out.stdout)}
    for key in ("name", "distribution", "version", "enabled", "decided_by", "hooks", "error"):
        assert key in rows["buddy"]
    assert rows["buddy"]["enabled"] is False
    assert rows["buddy"]["decided_by"] == str(path)
    code = "import sys; from corral.app import App; App.create(); print('corral_buddy' in sys.modules)"
    check = subprocess.run([sys.executable, "-c", code], cwd=project, env=cli_env(),
                           capture_output=True, text=True, timeout=60)
    assert check.stdout.strip() == "False", check.stderr


def test_five_plugins_listed_with_their_defaults(project: Path) -> None:
    names = ("buddy", "coordinator", "dream", "kairos", "undercover")
    for name in names:
        pytest.importorskip(f"corral_{name}")
    out = corral("plugins", "--json", cwd=project)
    rows = {row["name"]: row for row in json.loads(out.stdout)}
    assert set(names) <= set(rows)
    assert rows["kairos"]["enabled"] is False and rows["kairos"]["decided_by"] == "default"
    assert all(rows[n]["enabled"] for n in names if n != "kairos")
    assert all(rows[n]["distribution"] == f"corral-{n}" for n in names)


def test_enable_and_disable_flags_and_env(project: Path) -> None:
    pytest.importorskip("corral_kairos")
    out = corral("plugins", "--json", "--enable", "kairos", cwd=project)
    rows = {row["name"]: row for row in json.loads(out.stdout)}
    assert rows["kairos"]["enabled"] is True and rows["kairos"]["decided_by"] == "cli"
    out = corral("plugins", "--json", cwd=project, env=cli_env(CORRAL_FEATURES="-buddy"))
    rows = {row["name"]: row for row in json.loads(out.stdout)}
    assert rows["buddy"]["enabled"] is False and rows["buddy"]["decided_by"] == "env"


def test_kernel_alone_runs_with_no_plugin(project: Path) -> None:
    out = corral("plugins", cwd=project, env=cli_env(CORRAL_LOAD_PLUGINS=""))
    assert out.returncode == 0
    assert "core-prompt" in out.stdout
    out = corral("--help", cwd=project, env=cli_env(CORRAL_LOAD_PLUGINS=""))
    assert out.returncode == 0 and "doctor" in out.stdout


def test_set_overrides_any_key_for_one_run(project: Path) -> None:
    out = corral("config", "show", "--json", "--set", "engine.max_turns=7",
                 "--set", "plugins.demo.name=plain text", "--set", "features.buddy=false",
                 cwd=project)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["engine"]["max_turns"] == 7
    assert data["plugins"]["demo"] == {"name": "plain text"}
    assert data["features"]["buddy"] is False
    bad = corral("config", "show", "--set", "engine.max_turns", cwd=project)
    assert bad.returncode == 2 and "--set: engine.max_turns: expected KEY=VALUE" in bad.stderr
    wrong = corral("config", "show", "--set", "engine.max_turns=lots", cwd=project)
    assert wrong.returncode == 2 and "cli: engine.max_turns" in wrong.stderr


def test_coordinator_flag_turns_the_mode_on(project: Path) -> None:
    out = corral("config", "show", "--json", "--coordinator", cwd=project)
    data = json.loads(out.stdout)
    assert data["features"]["coordinator"] is True
    assert data["plugins"]["coordinator"]["mode"] is True
