"""The analyzer's corpus per class: harmful commands ask, benign ones stay allowed."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from corral.permissions.decision import Decision

from tests.permissions.analyzer_corpus import BENIGN, HARMFUL
from tests.permissions.conftest import BYPASS_RULES, Proj

_HARMFUL = [(k, c) for k, cmds in HARMFUL.items() for c in cmds]
_BENIGN = [(k, c) for k, cmds in BENIGN.items() for c in cmds]
#: Allow rules an ordinary session has, on top of the bypass rules.
_TYPICAL = [*BYPASS_RULES, "Bash(npm run test:*)", "Bash(git log:*)"]


def test_every_class_has_both_sides() -> None:
    assert set(HARMFUL) == set(BENIGN)
    assert all(len(v) >= 3 for v in HARMFUL.values())
    assert len(set(c for _, c in _HARMFUL)) == len(_HARMFUL)


@pytest.fixture
def files(proj: Proj) -> Proj:
    for rel in (".env", "src/.env.production", "config/credentials-prod.json", ".env.local",
                "deploy/server.pem", "keys/id_ed25519", "keys/id_ed25519.pub", ".npmrc",
                ".pypirc", ".netrc", ".env.example"):
        path = proj.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x\n")
    return proj


@pytest.mark.parametrize(("kind", "command"), _HARMFUL, ids=[f"{k}:{c[:40]!r}" for k, c in
                                                             _HARMFUL])
@pytest.mark.parametrize("mode", ["default", "acceptEdits"])
def test_harmful_is_never_allowed(files: Proj, run: Callable[..., Decision], kind: str,
                                  command: str, mode: str) -> None:
    decision = run("Bash", command, allow=BYPASS_RULES, mode=mode)
    assert decision.decision != "allow", f"[{kind}] {decision.reason}"


@pytest.mark.parametrize(("kind", "command"), _BENIGN, ids=[f"{k}:{c[:40]!r}" for k, c in
                                                           _BENIGN])
def test_benign_stays_allowed(files: Proj, run: Callable[..., Decision], kind: str,
                              command: str) -> None:
    decision = run("Bash", command, allow=_TYPICAL)
    assert decision.decision == "allow", f"[{kind}] {decision.reason}"
