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
    # a repository the agent could have written with Edit(src/**): no .git directory, so no
    # protected path, but git finds it as a bare repository and obeys its config
    evil = proj.root / "src" / "evil"
    for d in ("objects", "refs"):
        (evil / d).mkdir(parents=True)
    (evil / "HEAD").write_text("ref: refs/heads/main\n")
    (evil / "config").write_text("[core]\n\tfsmonitor = \"sh -c id\"\n")
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


@pytest.mark.parametrize(("config", "runs"), [
    ("[core]\n\tbare = false\n\tfilemode = true\n", False),
    ("[core]\n\tpager = less -R\n", True),
    ("[core]\n  fsmonitor = .git/fsmon\n", True),
    ('[diff "bin"]\n\ttextconv = ./conv\n', True),
    ('[filter "lfs"]\n\tclean = x %f\n', True),
    ("[include]\n\tpath = ../other.cfg\n", True),
    ("[gpg]\n\tprogram = ./gpg\n", True),
    ("[CORE] FSMonitor = x\n", True),
])
def test_git_asks_in_a_repository_whose_config_runs_programs(
        proj: Proj, run: Callable[..., Decision], config: str, runs: bool) -> None:
    (proj.root / ".git" / "config").write_text(config)
    for command in ("git status", "git log --oneline", "git diff"):
        decision = run("Bash", command, allow=["Bash(git status)"])
        assert (decision.decision != "allow") is runs, decision.reason
        if runs:
            assert ".git/config" in decision.reason
