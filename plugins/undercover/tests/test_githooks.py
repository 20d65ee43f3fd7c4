"""The installed git hooks reject a manual commit with a codename and let a clean one through.

Each test runs twice: through ``python -m corral undercover`` (the kernel's CLI, settings from
``$CORRAL_HOME/config/config.toml``; skipped if this kernel cannot run it) and through
``python -m corral_undercover --settings FILE`` (the plugin's own entry point).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from corral_undercover.githooks import BEGIN, HookInstallError, install_hooks

from .conftest import git

CONFIG = '[plugins.undercover]\nterms = ["Capybara"]\ninternal_hosts = ["corp.example"]\n'


def _kernel_runs_undercover(env_home: Path) -> bool:
    proc = subprocess.run(
        [sys.executable, "-m", "corral", "undercover", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        env={"CORRAL_HOME": str(env_home), "PATH": "/usr/bin:/bin"},
    )
    return proc.returncode == 0 and "install-hooks" in proc.stdout


@pytest.fixture(params=["kernel", "standalone"])
def hook_command(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> list[str]:
    home = tmp_path / "corral-home"
    (home / "config").mkdir(parents=True)
    (home / "config" / "config.toml").write_text(CONFIG, encoding="utf-8")
    monkeypatch.setenv("CORRAL_HOME", str(home))
    if request.param == "kernel":
        if not _kernel_runs_undercover(home):
            pytest.skip("this kernel cannot run `python -m corral undercover`")
        return [sys.executable, "-m", "corral", "undercover"]
    settings = tmp_path / "undercover.toml"
    settings.write_text(CONFIG, encoding="utf-8")
    return [sys.executable, "-m", "corral_undercover", "--settings", str(settings)]


def _commit(repo: Path, message: str, name: str = "a.txt", body: str = "x\n") -> int:
    (repo / name).write_text(body, encoding="utf-8")
    git(repo, "add", name)
    return git(repo, "commit", "-q", "-m", message, check=False).returncode


def test_commit_msg_hook_blocks_a_codename_and_allows_a_clean_commit(
    repo: Path, hook_command: list[str]
) -> None:
    install_hooks(repo, hook_command)
    proc_rc = _commit(repo, "Wire up the Cap-y bara importer")
    assert proc_rc != 0
    assert git(repo, "rev-list", "--all").stdout == ""  # nothing was committed
    assert _commit(repo, "Wire up the importer") == 0
    assert git(repo, "log", "--format=%s").stdout.strip() == "Wire up the importer"


def test_pre_commit_hook_blocks_staged_lines(repo: Path, hook_command: list[str]) -> None:
    install_hooks(repo, hook_command)
    assert _commit(repo, "Add notes", body="see wiki.corp.example\n") != 0
    assert _commit(repo, "Add notes", body="see the wiki\n") == 0


def test_pre_push_hook_blocks_commits_made_before_the_hooks(
    repo: Path, tmp_path: Path, hook_command: list[str]
) -> None:
    remote = tmp_path / "public.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(repo, "remote", "add", "origin", str(remote))
    assert _commit(repo, "Capybara groundwork") == 0  # no hooks yet
    install_hooks(repo, hook_command)
    push = git(repo, "push", "-q", "origin", "main", check=False)
    assert push.returncode != 0
    assert "commit" in push.stderr and "capybara" not in push.stderr.lower()
    assert git(remote, "rev-list", "--all").stdout == ""


def test_install_is_idempotent_and_keeps_an_existing_hook(repo: Path) -> None:
    hooks = repo / ".git" / "hooks"
    existing = "#!/bin/bash\necho 'team check'\nexit 0\n"
    (hooks / "commit-msg").write_text(existing, encoding="utf-8")
    first = install_hooks(repo, ["corral", "undercover"])
    text = (hooks / "commit-msg").read_text(encoding="utf-8")
    assert text.startswith("#!/bin/bash\n" + BEGIN)
    assert text.endswith("echo 'team check'\nexit 0\n")
    again = install_hooks(repo, ["corral", "undercover"])
    assert [what for _, what in again] == ["unchanged"] * 3
    assert (hooks / "commit-msg").read_text(encoding="utf-8") == text
    assert dict(first)[str(hooks / "commit-msg")] == "updated"
    updated = install_hooks(repo, ["other", "undercover"])
    new_text = (hooks / "commit-msg").read_text(encoding="utf-8")
    assert new_text.count(BEGIN) == 1 and "other undercover scan" in new_text
    assert all(what == "updated" for _, what in updated)
    assert (hooks / "pre-push").stat().st_mode & 0o111


def test_non_shell_hook_is_left_alone(repo: Path) -> None:
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/usr/bin/env python3\nprint('hi')\n", encoding="utf-8")
    with pytest.raises(HookInstallError, match="not a shell script"):
        install_hooks(repo, ["corral", "undercover"])
    assert hook.read_text(encoding="utf-8") == "#!/usr/bin/env python3\nprint('hi')\n"


def test_pre_push_keeps_stdin_for_an_existing_hook_and_checks_tag_messages(
    repo: Path, tmp_path: Path, hook_command: list[str]
) -> None:
    remote = tmp_path / "public.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(repo, "remote", "add", "origin", str(remote))
    seen = tmp_path / "seen.txt"
    hook = repo / ".git" / "hooks" / "pre-push"
    hook.write_text(f'#!/bin/sh\ncat > "{seen}"\n', encoding="utf-8")
    install_hooks(repo, hook_command)
    assert _commit(repo, "Plain start") == 0
    assert git(repo, "push", "-q", "origin", "main", check=False).returncode == 0
    assert "refs/heads/main" in seen.read_text(encoding="utf-8")  # the old hook still reads
    git(repo, "tag", "-a", "v1", "-m", "Cut for the capy-bara demo")
    push = git(repo, "push", "-q", "origin", "v1", check=False)
    assert push.returncode != 0 and "tag refs/tags/v1" in push.stderr
