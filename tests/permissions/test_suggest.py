from __future__ import annotations

from typing import Any

import pytest
from corral.permissions.chain import decide
from corral.permissions.suggest import suggest_rules
from corral.tools.base import ToolCall

from tests.permissions.conftest import Proj


@pytest.mark.parametrize(
    ("tool", "input", "expected"),
    [
        ("Bash", {"command": "git status && make build > out.log"},
         ["Bash(make build)", "Edit(./out.log)"]),
        ("Bash", {"command": "npm test -- --grep 'a b'"}, ["Bash(npm test -- --grep 'a b')"]),
        ("Edit", {"file_path": "src/a.py"}, ["Edit(./src/a.py)"]),
        ("WebFetch", {"url": "https://docs.example.com/x"}, ["WebFetch(domain:docs.example.com)"]),
        ("mcp__s__t", {}, ["mcp__s__t"]),
    ],
)
def test_suggested_rules_allow_the_call_next_time(proj: Proj, tool: str, input: dict[str, Any],
                                                  expected: list[str]) -> None:
    ctx = proj.ctx()
    call = ToolCall(id="s", name=tool, input=input)
    assert decide(call, ctx).decision == "ask"
    rules = suggest_rules(call, ctx)
    assert rules == expected
    assert decide(call, proj.ctx(allow=rules)).decision == "allow"


def test_outside_paths_get_absolute_rules(proj: Proj) -> None:
    ctx = proj.ctx()
    target = proj.outside / "f.txt"
    call = ToolCall(id="s", name="Write", input={"file_path": str(target)})
    (rule,) = suggest_rules(call, ctx)
    assert rule == f"Edit(/{target})"
    assert decide(call, proj.ctx(allow=[rule])).decision == "allow"
