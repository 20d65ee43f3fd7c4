"""Secret-looking files ask on every reading path; the list is configurable and an allow
rule that names the files lifts the ask."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from corral.permissions.chain import path_is_secret
from corral.permissions.decision import Decision

from tests.permissions.conftest import Proj


@pytest.fixture
def secrets(proj: Proj) -> Proj:
    for rel in (".env", "src/.env.staging", ".env.sample", "certs/tls.key", "src/notes.md"):
        path = proj.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("TOKEN=x\n")
    (proj.root / "src" / "settings").symlink_to(proj.root / ".env")
    return proj


@pytest.mark.parametrize(("tool", "input"), [
    ("Read", {"file_path": ".env"}),
    ("Read", {"file_path": "src/.env.staging"}),
    ("Read", {"file_path": "certs/tls.key"}),
    ("Read", {"file_path": "src/settings"}),  # a symlink whose target is a secret
    ("Grep", {"pattern": "TOKEN", "path": ".env"}),
    ("Grep", {"pattern": "TOKEN", "glob": ".env*"}),
    ("Glob", {"pattern": "**/.env"}),
    ("Glob", {"pattern": "certs/*.key"}),
    ("Bash", {"command": "grep TOKEN .env"}),
    ("Bash", {"command": "cat src/settings"}),
    ("Bash", {"command": "sort < .env"}),
])
def test_reading_a_secret_asks(secrets: Proj, run: Callable[..., Decision], tool: str,
                               input: dict[str, str]) -> None:
    decision = run(tool, input, allow=["Read(src/**)"])
    assert decision.decision == "ask", decision.reason
    assert "secret" in decision.reason


@pytest.mark.parametrize(("tool", "input"), [
    ("Read", {"file_path": ".env.sample"}),
    ("Read", {"file_path": "src/notes.md"}),
    ("Grep", {"pattern": "TOKEN", "path": "src"}),
    ("Glob", {"pattern": "**/*.md"}),
    ("Glob", {"pattern": "**/*"}),
    ("Bash", {"command": "cat .env.sample"}),
])
def test_ordinary_files_stay_allowed(secrets: Proj, run: Callable[..., Decision], tool: str,
                                     input: dict[str, str]) -> None:
    assert run(tool, input).decision == "allow"


def test_an_allow_rule_naming_the_file_lifts_the_ask(secrets: Proj,
                                                     run: Callable[..., Decision]) -> None:
    assert run("Read", {"file_path": ".env"}, allow=["Read(.env)"]).decision == "allow"
    assert run("Bash", "cat .env", allow=["Read(./.env)"]).decision == "allow"
    # a rule for a whole tree was not written with secrets in mind
    assert run("Read", {"file_path": "src/.env.staging"},
               allow=["Read(src/**)"]).decision == "ask"


def test_the_list_is_configurable(secrets: Proj, run: Callable[..., Decision]) -> None:
    ctx = secrets.ctx(secret_files=["*.md"])
    assert run("Read", {"file_path": "src/notes.md"}, ctx=ctx).decision == "ask"
    assert run("Read", {"file_path": ".env"}, ctx=ctx).decision == "allow"
    assert run("Read", {"file_path": ".env"}, ctx=secrets.ctx(secret_files=[])).decision \
        == "allow"


def test_walking_tools_leave_secrets_out(secrets: Proj) -> None:
    ctx = secrets.ctx()
    assert path_is_secret(str(secrets.root / ".env"), ctx)
    assert path_is_secret(str(secrets.root / "src" / "settings"), ctx)
    assert not path_is_secret(str(secrets.root / "src" / "notes.md"), ctx)
    assert not path_is_secret(str(secrets.root / ".env"), secrets.ctx(allow=["Read(.env)"]))


@pytest.mark.parametrize(("command", "verdict"), [
    ("grep -r TOKEN .", "ask"),
    ("grep -rn TOKEN", "ask"),
    ("grep --recursive TOKEN src", "ask"),  # src/.env.staging
    ("rg --hidden TOKEN", "ask"),
    ("rg -uu TOKEN certs", "ask"),  # tls.key is not hidden, -uu ignores .gitignore too
    ("rg TOKEN certs", "ask"),
    ("rg TOKEN docs", "allow"),
    ("grep -r TOKEN docs", "allow"),
    ("grep TOKEN src/notes.md", "allow"),
    ("grep -r --include='*.md' TOKEN .", "allow"),
    ("grep -r --include '*.env*' TOKEN .", "ask"),
    ("rg -g '*.md' --hidden TOKEN", "allow"),
    ("rg -g '!*.md' --hidden TOKEN", "ask"),
    ("find . -name '.env*'", "allow"),  # names, not contents
])
def test_recursive_readers_ask_when_the_tree_holds_a_secret(
        secrets: Proj, run: Callable[..., Decision], command: str, verdict: str) -> None:
    (secrets.root / "docs" / "guide.md").write_text("TOKEN\n")
    decision = run("Bash", command, allow=["Bash(grep *)"])
    assert decision.decision == verdict, decision.reason


@pytest.mark.parametrize("command", ["env", "printenv", "printenv -0", "set", "export",
                                     "export -p", "declare -px", "cd src && env"])
def test_printing_the_environment_asks_even_under_a_rule(
        proj: Proj, run: Callable[..., Decision], command: str) -> None:
    decision = run("Bash", command, allow=["Bash(env)", "Bash(printenv:*)", "Bash(set)"])
    assert decision.decision == "ask", decision.reason
    assert decision.tier == "protected"


def test_printing_one_variable_stays_allowed(run: Callable[..., Decision]) -> None:
    assert run("Bash", "printenv HOME").decision == "allow"
