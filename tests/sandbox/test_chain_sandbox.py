"""The sandbox tier of the permission chain (no bubblewrap needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from corral.permissions.chain import decide
from corral.permissions.context import PermissionContext, SandboxGate
from corral.tools.base import ToolCall


def _ctx(project: Path, rules: list[tuple[str, str]] = (), mode: str = "default",  # type: ignore[assignment]
         **gate: Any) -> PermissionContext:
    ctx, errors = PermissionContext.build(
        str(project), [(kind, text, "test", str(project)) for kind, text in rules],
        mode=mode, home=str(project.parent / "home"))  # type: ignore[arg-type]
    assert not errors
    return ctx.with_sandbox(SandboxGate(**gate))


def _bash(ctx: PermissionContext, command: str, **extra: Any) -> Any:
    return decide(ToolCall(id="t", name="Bash", input={"command": command, **extra}), ctx)


def test_sandboxed_commands_run_without_a_prompt(project: Path) -> None:
    d = _bash(_ctx(project), "npm install && python build.py > out.txt")
    assert (d.decision, d.tier) == ("allow", "sandbox")
    assert "OS sandbox" in d.reason


def test_without_a_sandbox_the_analyzer_alone_decides(project: Path) -> None:
    ctx = _ctx(project).with_sandbox(None)
    assert _bash(ctx, "npm install").decision == "ask"


def test_dangerously_disable_sandbox_goes_through_the_chain_unsandboxed(project: Path) -> None:
    d = _bash(_ctx(project), "npm install", dangerouslyDisableSandbox=True)
    assert (d.decision, d.tier) == ("ask", "mode")
    # read-only work is still allowed by the analyzer alone
    assert _bash(_ctx(project), "ls", dangerouslyDisableSandbox=True).decision == "allow"
    # when unsandboxed commands are not allowed the flag is ignored: it runs sandboxed
    d = _bash(_ctx(project, allow_unsandboxed=False), "npm install",
              dangerouslyDisableSandbox=True)
    assert d.tier == "sandbox"


def test_excluded_commands_are_not_auto_allowed(project: Path) -> None:
    ctx = _ctx(project, excluded=("docker", "make deploy *"))
    assert _bash(ctx, "docker run --rm alpine").decision == "ask"
    assert _bash(ctx, "cd sub && make deploy prod").decision == "ask"
    assert _bash(ctx, "make test").decision == "allow"


def test_auto_allow_off_keeps_the_prompt(project: Path) -> None:
    assert _bash(_ctx(project, auto_allow=False), "npm install").decision == "ask"


def test_deny_and_ask_rules_still_apply(project: Path) -> None:
    ctx = _ctx(project, [("deny", "Bash(curl *)"), ("ask", "Bash(git push *)")])
    assert _bash(ctx, "echo x && curl https://example.com").decision == "deny"
    d = _bash(ctx, "git push origin main")
    assert (d.decision, d.tier) == ("ask", "rule")


def test_critical_deletions_stay_denied(project: Path) -> None:
    assert _bash(_ctx(project), "rm -rf ~").decision == "deny"
    assert _bash(_ctx(project, mode="bypassPermissions"), "rm -rf /").decision == "deny"


def test_reads_outside_the_working_directories_still_ask(project: Path) -> None:
    d = _bash(_ctx(project), "npm test; cat /etc/hostname")
    assert d.decision == "ask"
    assert "outside the working directories" in d.reason


def test_protected_paths_still_ask(project: Path) -> None:
    d = _bash(_ctx(project, mode="acceptEdits"), "echo x > .claude/settings.json")
    assert d.decision == "ask"


def test_plan_mode_stays_read_only(project: Path) -> None:
    assert _bash(_ctx(project, mode="plan"), "touch new.txt").decision == "deny"


def test_unparsable_commands_keep_asking_when_rules_could_hide(project: Path) -> None:
    command = "echo $(( 1 + "
    assert _bash(_ctx(project), command).decision == "allow"
    ctx = _ctx(project, [("deny", "Bash(curl *)")])
    assert _bash(ctx, command).decision == "ask"


@pytest.mark.parametrize("mode", ["dontAsk"])
def test_dont_ask_mode_runs_sandboxed_commands(project: Path, mode: str) -> None:
    assert _bash(_ctx(project, mode=mode), "npm install").decision == "allow"
