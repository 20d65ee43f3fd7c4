from __future__ import annotations

from pathlib import Path

import pytest
from corral.permissions.paths import critical_deletion, protected_reason, resolve, within_any


def test_resolve_handles_tilde_dotdot_and_symlinks(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "w").mkdir()
    (tmp_path / "w" / "ln").symlink_to(tmp_path / "real")
    base = str(tmp_path / "w")
    assert resolve("ln/x", base, "/h") == str(tmp_path / "real" / "x")
    assert resolve("a/../../real", base, "/h") == str(tmp_path / "real")
    assert resolve("~/x", base, str(tmp_path)) == str(tmp_path / "x")
    assert within_any(resolve("a/b", base, "/h"), [base])
    assert not within_any(resolve("../wx", base, "/h"), [base])


@pytest.mark.parametrize(
    "path",
    ["/p/.git/config", "/p/a/.git/hooks/x", "/p/.claude/settings.json", "/p/.vscode/x",
     "/p/.idea/x", "/h/.bashrc", "/h/.zshrc", "/h/.profile", "/h/.ssh/config", "/h/.ssh",
     "/p/.gitconfig", "/p/.npmrc", "/p/.pypirc", "/p/.env", "/p/.env.production",
     "/p/.GIT/config", "/h/.config/fish/config.fish"],
)
def test_protected_paths(path: str) -> None:
    assert protected_reason(path, "/h") is not None


@pytest.mark.parametrize(
    "path", ["/p/src/a.py", "/p/.claude/memory/notes.md", "/p/git/config", "/p/environment.py",
             "/p/.github/workflows/ci.yml"],
)
def test_unprotected_paths(path: str) -> None:
    assert protected_reason(path, "/h") is None


def crit(cmd: list[str], dynamic: list[bool] | None = None) -> tuple[str, bool] | None:
    return critical_deletion(cmd, dynamic or [False] * len(cmd), ["/h/w"], "/h", ["/h/w"])


@pytest.mark.parametrize(
    "argv",
    [["rm", "-rf", "/"], ["rm", "-r", "/h"], ["rm", "-fR", "/h/w"], ["rm", "--recursive", "."],
     ["rm", "-r", "--", ".."], ["/usr/bin/rm", "-rf", "/h/w/../.."], ["rm", "-rf", "*"],
     ["rm", "-rf", "/h/*"], ["find", "/h", "-delete"], ["rm", "-rf", "/h/w/"]],
)
def test_critical_deletions(argv: list[str]) -> None:
    found = crit(argv)
    assert found is not None and found[1] is True


@pytest.mark.parametrize(
    "argv",
    [["rm", "-rf", "build"], ["rm", "/h/w"], ["rm", "-f", "/"], ["rm", "-rf", "src/*"],
     ["ls", "-r", "/"], ["find", ".", "-name", "x"]],
)
def test_not_critical(argv: list[str]) -> None:
    assert crit(argv) is None


def test_unknown_recursive_target_asks() -> None:
    found = crit(["rm", "-rf", "$X"], [False, False, True])
    assert found is not None and found[1] is False
