from __future__ import annotations

import json

from corral.permissions.explain import decision_dict, explain

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
