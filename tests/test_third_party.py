"""The authoring path: a third-party distribution found through its entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests._distinfo import cli_env, make_dist

EXAMPLE_SRC = Path(__file__).parent / "example_plugin" / "src"


def run(site: Path, cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "corral", *args], cwd=cwd,
                          env=cli_env(site, EXAMPLE_SRC, **env),
                          capture_output=True, text=True, timeout=60)


def test_example_plugin_is_found_configured_and_runs(tmp_path: Path, project: Path) -> None:
    site = tmp_path / "site"
    make_dist(site, "corral-example", "1.2.3", {"corral": {"example": "corral_example.plugin"}})
    (project / ".claude/corral.toml").write_text('[plugins.example]\ngreeting = "ahoy"\ntimes = 2\n')
    out = run(site, project, "hello", "crew")
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["ahoy, crew", "ahoy, crew"]
    listing = {r["name"]: r for r in json.loads(run(site, project, "plugins", "--json").stdout)}
    assert listing["example"]["distribution"] == "corral-example"
    assert listing["example"]["version"] == "1.2.3"
    assert "corral_register_cli" in listing["example"]["hooks"]


def test_example_plugin_bad_setting_is_a_config_error(tmp_path: Path, project: Path) -> None:
    site = tmp_path / "site"
    make_dist(site, "corral-example", "1.2.3", {"corral": {"example": "corral_example.plugin"}})
    path = project / ".claude/corral.toml"
    path.write_text("[plugins.example]\ntimes = 'twice'\n")
    out = run(site, project, "plugins")
    assert out.returncode == 2
    assert f"{path}: plugins.example.times: expected `int`, got `str`" in out.stderr


def test_broken_plugin_warns_and_the_rest_runs(tmp_path: Path, project: Path) -> None:
    site = tmp_path / "site"
    (site / "corral_broken").mkdir(parents=True)
    (site / "corral_broken" / "__init__.py").write_text("raise ImportError('missing thing')\n")
    make_dist(site, "corral-broken", "0.0.1", {"corral": {"broken": "corral_broken"}})
    out = run(site, project, "plugins", "--json")
    assert out.returncode == 0
    assert out.stderr.count("plugin 'broken' (distribution corral-broken)") == 1
    assert "missing thing" in out.stderr and "Traceback" not in out.stderr
    rows = {r["name"]: r for r in json.loads(out.stdout)}
    assert rows["broken"]["enabled"] is False and "missing thing" in rows["broken"]["error"]
    debug = run(site, project, "--debug", "plugins", "--json")
    assert "Traceback" in debug.stderr
    doctor = run(site, project, "doctor")
    assert doctor.returncode == 1 and "missing thing" in doctor.stdout
    strict = run(site, project, "--strict-plugins", "plugins")
    assert strict.returncode == 3 and "plugin 'broken'" in strict.stderr


def test_default_off_plugin_is_not_imported(tmp_path: Path, project: Path) -> None:
    site = tmp_path / "site"
    (site / "corral_noisy").mkdir(parents=True)
    (site / "corral_noisy" / "__init__.py").write_text("raise SystemExit('imported!')\n")
    make_dist(site, "corral-noisy", "0.1", {"corral": {"noisy": "corral_noisy"},
                                            "corral.default_off": {"noisy": "corral_noisy"}})
    out = run(site, project, "plugins", "--json")
    assert out.returncode == 0, out.stderr
    rows = {r["name"]: r for r in json.loads(out.stdout)}
    assert rows["noisy"]["enabled"] is False and rows["noisy"]["decided_by"] == "default"
