"""Tool calls that would publish a finding are refused; redact mode rewrites file writes."""

from __future__ import annotations

from pathlib import Path

import pytest
from corral_undercover._shell import publishing
from corral_undercover.guard import Place, check, inside, leaves_alone, rewrite
from corral_undercover.matcher import Scanner

from .conftest import git


@pytest.fixture
def place(repo: Path) -> Place:
    return Place(cwd=repo, root=repo)


def test_write_into_the_repo_with_a_term_is_denied(scanner: Scanner, place: Place) -> None:
    verdict = check(scanner, place, "Write", {"file_path": "notes.md", "content": "Hi\nCapybara"})
    assert verdict is not None
    assert "internal name or codename at content:2:1" in verdict.reason
    assert "capybara" not in verdict.reason.lower()


def test_clean_write_and_write_outside_the_repo_pass(
    scanner: Scanner, place: Place, tmp_path: Path
) -> None:
    assert check(scanner, place, "Write", {"file_path": "a.md", "content": "plain"}) is None
    outside = tmp_path / "elsewhere.md"
    assert check(scanner, place, "Write", {"file_path": str(outside), "content": "Falcon"}) is None


def test_home_relative_path_is_expanded_like_the_kernel_does(
    scanner: Scanner, place: Place, repo: Path, git_env: Path
) -> None:
    # git_env is $HOME, outside the repository: the kernel writes ~/x.md there.
    assert check(scanner, place, "Write", {"file_path": "~/x.md", "content": "Falcon"}) is None
    assert leaves_alone(place, "~/x.md") and not inside(place, "~/x.md")
    assert inside(place, "x.md") and not leaves_alone(place, str(repo / "x.md"))


def test_write_to_an_ignored_file_passes(scanner: Scanner, place: Place, repo: Path) -> None:
    (repo / ".gitignore").write_text("*.local.toml\n", encoding="utf-8")
    data = {"file_path": "x.local.toml", "content": "terms = ['Falcon']"}
    assert check(scanner, place, "Write", data) is None
    assert leaves_alone(place, str(repo / "x.local.toml"))


def test_file_name_and_edit_and_multiedit(scanner: Scanner, place: Place) -> None:
    assert check(scanner, place, "Write", {"file_path": "falcon_api.py", "content": "x"})
    assert check(
        scanner, place, "Edit", {"file_path": "a.py", "old_string": "a", "new_string": "odin"}
    )
    edits = {"file_path": "a.py", "edits": [{"old_string": "a", "new_string": "fine"},
                                            {"old_string": "b", "new_string": "F-a-l-c-o-n"}]}  # fmt: skip
    verdict = check(scanner, place, "MultiEdit", edits)
    assert verdict is not None and "edits[1].new_string" in verdict.reason


@pytest.mark.parametrize(
    "command",
    [
        'git commit -m "Add capybara support"',
        "git add -A && git commit -m 'wire up O.D.I.N'",
        "gh pr create --title 'Parser' --body 'see go/parser-plan'",
        "git tag -a v1 -m 'for #team-capy'",
        "cat > /tmp/m <<'EOF'\nShip Falcon\nEOF\ngit commit -F /tmp/m",
    ],
)
def test_publishing_commands_with_findings_are_denied(
    scanner: Scanner, place: Place, command: str
) -> None:
    verdict = check(scanner, place, "Bash", {"command": command})
    assert verdict is not None and "command" in verdict.reason


def test_message_file_is_read(scanner: Scanner, place: Place, repo: Path) -> None:
    (repo / "msg.txt").write_text("Ship nimbus\n", encoding="utf-8")
    verdict = check(scanner, place, "Bash", {"command": "git commit -F msg.txt"})
    assert verdict is not None and "msg.txt:1:6" in verdict.reason


def test_non_publishing_commands_pass_even_with_a_term(scanner: Scanner, place: Place) -> None:
    assert check(scanner, place, "Bash", {"command": "grep -ri capybara src/"}) is None
    assert check(scanner, place, "Bash", {"command": "gh pr view 12"}) is None
    assert check(scanner, place, "Bash", {"command": "git commit -m 'fix parser'"}) is None


def test_push_scans_unpushed_commits(scanner: Scanner, repo: Path) -> None:
    (repo / "a.txt").write_text("hello\n", encoding="utf-8")
    git(repo, "add", "a.txt")
    git(repo, "commit", "-q", "-m", "Prepare the falcon rollout")
    verdict = check(
        scanner, Place(cwd=repo, root=repo), "Bash", {"command": "git push origin main"}
    )
    assert verdict is not None and "message" in verdict.reason


def test_shell_parsing() -> None:
    pub = publishing("FOO=1 git -C sub commit --file=m.txt && gh issue create -F body.md")
    assert pub is not None
    assert pub.tools == ("git commit", "gh issue create")
    assert pub.message_files == ("m.txt", "body.md")
    assert publishing("git log --oneline | head") is None


def test_rewrite_redacts_write_content_only_in_redact_mode(scanner: Scanner, repo: Path) -> None:
    data = {"file_path": "n.md", "content": "Falcon lands on wiki.corp.example"}
    assert rewrite(scanner, Place(cwd=repo, root=repo), "Write", data) is None
    new = rewrite(scanner, Place(cwd=repo, root=repo, action="redact"), "Write", data)
    assert new == {"file_path": "n.md", "content": "[redacted name] lands on [redacted host]"}
    assert rewrite(scanner, Place(cwd=repo, root=repo, action="redact"), "Bash",
                   {"command": "git commit -m Falcon"}) is None  # fmt: skip
