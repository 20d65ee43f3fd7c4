from __future__ import annotations

import os
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


def test_tilde_user_resolves_the_same_for_the_check_and_the_tools(tmp_path: Path) -> None:
    """The Read tool and the permission check see one file for ``~user/…``."""
    import pwd

    from corral.permissions.paths import expand_tilde, lexical

    root = pwd.getpwuid(0)
    home = str(tmp_path / "home")
    assert expand_tilde(f"~{root.pw_name}/x", home) == root.pw_dir.rstrip("/") + "/x"
    assert expand_tilde("~/x", home) == home + "/x"
    assert expand_tilde("~no-such-user-xyz/x", home) == "~no-such-user-xyz/x"
    assert lexical(f"~{root.pw_name}/.ssh/k", str(tmp_path), home) == \
        os.path.normpath(root.pw_dir + "/.ssh/k")


def test_read_of_another_users_home_asks(tmp_path: Path) -> None:
    import pwd

    from corral.permissions.chain import decide
    from corral.permissions.context import PermissionContext
    from corral.tools.base import ToolCall

    root = pwd.getpwuid(0)
    project = tmp_path / "p"
    project.mkdir()
    ctx, _ = PermissionContext.build(str(project), home=str(tmp_path / "h"))
    call = ToolCall(id="r", name="Read", input={"file_path": f"~{root.pw_name}/.profile"})
    decision = decide(call, ctx)
    assert decision.decision == "ask", decision.reason
    assert root.pw_dir.rstrip("/") in decision.reason
