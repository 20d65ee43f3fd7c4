"""``corral undercover scan|install-hooks|status`` through the same parser and run function the
kernel uses, with a small stand-in App (``config.plugin_settings`` and ``cwd``)."""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path

import pytest
from corral.api import UsageError
from corral.cli import main as corral_main
from corral_undercover.__main__ import StandaloneApp, main
from corral_undercover.cli import configure, run_cli
from corral_undercover.scan import scan_paths
from corral_undercover.settings import Settings

from .conftest import Configure, git


def _run(settings: Settings, cwd: Path, *argv: str, stdin: str = "") -> tuple[int, str]:
    parser = argparse.ArgumentParser()
    configure(parser)
    out = io.StringIO()
    code = run_cli(
        parser.parse_args(argv), StandaloneApp(settings, cwd), out=out, inp=io.StringIO(stdin)
    )
    return code, out.getvalue()


def test_scan_files_lists_findings_and_exits_1(settings: Settings, tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("ok\nthe Falcon build\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("nothing here\n", encoding="utf-8")
    code, out = _run(settings, tmp_path, "scan", str(tmp_path / "a.md"), str(tmp_path / "b.md"))
    assert code == 1
    assert f"{tmp_path / 'a.md'}:2:5: internal name or codename (terms[1])" in out
    assert "falcon" not in out.lower()
    code, out = _run(settings, tmp_path, "scan", str(tmp_path / "b.md"))
    assert (code, out) == (0, "")


def test_scan_json(settings: Settings, tmp_path: Path) -> None:
    code, out = _run(settings, tmp_path, "scan", "-", "--json", stdin="x\n  odin and go/plan\n")
    assert code == 1
    rows = json.loads(out)
    assert [(r["line"], r["column"], r["category"]) for r in rows] == [
        (2, 3, "term"),
        (2, 12, "short_link"),
    ]


def test_scan_redact_prints_clean_text(settings: Settings, tmp_path: Path) -> None:
    code, out = _run(settings, tmp_path, "scan", "-", "--redact", stdin="Ship C a p y b a r a.\n")
    assert (code, out) == (1, "Ship [redacted name].\n")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_scan_without_files_reads_piped_stdin(settings: Settings, tmp_path: Path) -> None:
    code, out = _run(settings, tmp_path, "scan", "--json", stdin="fine\nsee #team-capy\n")
    assert code == 1
    assert [(r["line"], r["column"], r["category"], r["path"]) for r in json.loads(out)] == [
        (2, 5, "channel", "-")
    ]
    assert _run(settings, tmp_path, "scan", "--json", stdin="all clear\n") == (0, "[]\n")


def test_scan_needs_a_source_at_a_terminal(settings: Settings, tmp_path: Path) -> None:
    parser = argparse.ArgumentParser()
    configure(parser)
    app = StandaloneApp(settings, tmp_path)
    with pytest.raises(UsageError, match="give FILE"):
        run_cli(parser.parse_args(["scan"]), app, out=io.StringIO(), inp=_Terminal())


def test_scan_redact_several_files(settings: Settings, tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("odin\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("clean\n", encoding="utf-8")
    code, out = _run(settings, tmp_path, "scan", "--redact", str(tmp_path / "a.md"),
                     str(tmp_path / "b.md"))  # fmt: skip
    assert code == 1
    a, b = tmp_path / "a.md", tmp_path / "b.md"
    assert out == f"==> {a} <==\n[redacted name]\n==> {b} <==\nclean\n"
    assert _run(settings, tmp_path, "scan", "--redact", str(tmp_path / "b.md")) == (0, "clean\n")


def test_scan_usage_errors(settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not with --json"):
        _run(settings, tmp_path, "scan", "--redact", "--json", "-")
    with pytest.raises(UsageError, match="is a directory"):
        _run(settings, tmp_path, "scan", "--redact", str(tmp_path))
    with pytest.raises(UsageError, match="nope.txt: no such file"):
        _run(settings, tmp_path, "scan", str(tmp_path / "nope.txt"))


def test_scan_staged_and_if_active(repo: Path) -> None:
    on = Settings(terms=["nimbus"], internal_remotes=["corp.example"])
    (repo / "n.txt").write_text("one\nNimbus two\n", encoding="utf-8")
    git(repo, "add", "n.txt")
    code, out = _run(on, repo, "scan", "--staged")
    assert code == 1 and "n.txt:2:1" in out
    git(repo, "remote", "add", "origin", "https://git.corp.example/x.git")
    assert _run(on, repo, "scan", "--staged", "--if-active") == (0, "")


def test_status_names_categories_not_terms(settings: Settings, tmp_path: Path) -> None:
    code, out = _run(settings, tmp_path, "status")
    assert code == 0 and out.startswith("undercover is active: mode is on")
    assert "internal hostnames" in out and "corp.example" not in out
    assert "corral's own commit/PR trailer: left off here (strip_attribution)" in out


def test_scan_paths_walks_directories_and_file_names(settings: Settings, tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "falcon_api.py").write_text("x = 1\n", encoding="utf-8")
    (tmp_path / "src" / "data.bin").write_bytes(b"\0odin")
    findings = scan_paths(settings, [tmp_path / "src"])
    assert [(f.line, f.category) for f in findings] == [(0, "term")]


def test_standalone_main_reports_bad_settings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "u.toml"
    bad.write_text("[plugins.undercover]\nterms = 3\n", encoding="utf-8")
    assert main(["--settings", str(bad), "status"]) == 2
    assert "Expected `array`" in capsys.readouterr().err


def test_scan_through_the_corral_command_line(
    corral_home: Configure,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    corral_home(terms=["Capybara"], channels=["#team-capy"])
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "stdin", io.StringIO("ok\nC\u0430pybara in #team-capy\n"))
    assert corral_main(["undercover", "scan", "-", "--json"]) == 1
    rows = json.loads(capsys.readouterr().out)
    assert [(r["line"], r["column"], r["category"]) for r in rows] == [
        (2, 1, "term"),
        (2, 13, "channel"),
    ]
    monkeypatch.setattr(sys, "stdin", io.StringIO("Ship C-a-p-y-b-a-r-a now\n"))
    assert corral_main(["undercover", "scan", "--redact", "-"]) == 1
    assert capsys.readouterr().out == "Ship [redacted name] now\n"
    (tmp_path / "clean.txt").write_text("nothing to see\n", encoding="utf-8")
    assert corral_main(["undercover", "scan", "clean.txt"]) == 0
    assert capsys.readouterr().out == ""
