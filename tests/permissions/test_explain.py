from __future__ import annotations

import json

from corral.permissions.explanation import decision_dict, explain

from tests.permissions.conftest import Proj


def test_explain_decides_without_running(proj: Proj) -> None:
    ctx = proj.ctx(allow=["Bash(git status)"])
    d = explain("Bash", {"command": "git status && rm -rf ~"}, ctx)
    out = decision_dict(d, tool="Bash")
    assert out["decision"] == "deny" and out["tier"] == "critical"
    assert "home directory" in out["reason"]
    assert json.loads(json.dumps(out)) == out
    assert set(out) >= {"decision", "tier", "rule", "reason"}
    assert proj.home.exists()


def test_explain_mode_override_and_details(proj: Proj) -> None:
    ctx = proj.ctx(allow=["Bash(git status)"])
    d = explain("Bash", {"command": "git status; echo hi > src/x"}, ctx, mode="acceptEdits")
    assert d.decision == "allow"
    out = decision_dict(d)
    assert out["rule"] == "Bash(git status)"
    assert any("src/x" in line for line in out["details"])
    assert explain("Bash", {"command": "echo hi > src/x"}, ctx).decision == "ask"


def test_explain_names_what_the_analyzer_refused(proj: Proj) -> None:
    """Each new kind of ask says what it is about, so a user can tell why it asked."""
    ctx = proj.ctx(allow=["Bash(ls *)", "Bash(git status)"])
    (proj.root / ".env").write_text("K=1\n")
    (proj.root / ".git" / "config").write_text("[core]\n\tfsmonitor = ./watch\n")
    cases = {
        "echo ${!name}": "indirect expansion",
        "echo $(( n + 1 ))": "arithmetic expansion",
        "PAGER=./x ls": "sets PAGER, which changes what runs",
        "ls\u00a0src": "NO-BREAK SPACE",
        "ls -RL src": "follows symlinks",
        "sort --out=x src/a.py": "not allowed by any rule and is not read-only",
        "git status": "core.fsmonitor",
        "cat .env": "looks like a secret file",
        "cd \"$D\" && cat x": "known only at run time",
        "cat src/[[:alpha:]]c": "glob syntax",
        "printenv": "prints every environment variable",
    }
    for command, words in cases.items():
        out = decision_dict(explain("Bash", {"command": command}, ctx))
        assert out["decision"] == "ask", (command, out["reason"])
        assert words in out["reason"], (command, out["reason"])
