"""No bypass attempt comes out allowed under a handful of allow rules, in default mode."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from corral.permissions.decision import Decision

from tests.permissions.bypass_corpus import BASH, TOOLS
from tests.permissions.conftest import BYPASS_RULES


def test_corpus_is_large_enough() -> None:
    assert len(BASH) + len(TOOLS) >= 150
    assert len(set(BASH)) == len(BASH)


@pytest.mark.parametrize("command", BASH, ids=[repr(c[:40]) for c in BASH])
def test_bash_bypass_is_never_allowed(run: Callable[..., Decision], command: str) -> None:
    decision = run("Bash", command, allow=BYPASS_RULES)
    assert decision.decision in ("ask", "deny"), decision.reason
    assert decision.reason


@pytest.mark.parametrize(("tool", "input"), TOOLS, ids=[f"{t}-{i}" for i, (t, _) in
                                                      enumerate(TOOLS)])
def test_tool_bypass_is_never_allowed(run: Callable[..., Decision], tool: str,
                                      input: dict[str, object]) -> None:
    decision = run(tool, input, allow=BYPASS_RULES)
    assert decision.decision in ("ask", "deny"), decision.reason


@pytest.mark.parametrize("command", [c for c in BASH if c.lstrip("\\/bin").startswith(
    ("rm -r", "rm -f", "rm --", "sudo rm", "git status && rm -rf ~"))])
def test_critical_deletions_are_denied_even_in_bypass_mode(
        run: Callable[..., Decision], command: str) -> None:
    decision = run("Bash", command, allow=["Bash"], mode="bypassPermissions")
    assert decision.decision == "deny"
    assert decision.tier == "critical"
