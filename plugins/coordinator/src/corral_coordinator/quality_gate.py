"""The quality gate: checks a worker's result must pass before it is accepted.

A gate is a list of checks run in order, stopping at the first failure:

- ``command``: a shell command run in the session's working directory; exit status 0 passes.
  Gate commands come from the user's configuration, not from the model, so they run without
  the permission chain (like a CI step).
- ``agent``: a reviewer agent (such as ``verifier``) run as a sub-agent on the task and the
  worker's answer; it passes when its last ``VERDICT:`` line says ``PASS``.
"""

from __future__ import annotations

import asyncio
import re
from typing import TYPE_CHECKING

import msgspec

from corral_coordinator.settings import GateCheck

if TYPE_CHECKING:
    from pathlib import Path

    from corral.api import Session

#: Characters of a check's output kept for the report.
OUTPUT_LIMIT = 4000
_VERDICT = re.compile(r"VERDICT:\s*\**\s*(PASS|FAIL|PARTIAL)\b", re.IGNORECASE)


class CheckResult(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    passed: bool
    output: str


class GateVerdict(msgspec.Struct, frozen=True, kw_only=True):
    passed: bool
    checks: list[CheckResult]

    def report(self) -> str:
        failed = [c for c in self.checks if not c.passed]
        return "\n\n".join(f"check {c.name!r} failed:\n{c.output}" for c in failed)


def parse_verdict(text: str) -> str | None:
    """The last ``VERDICT: PASS|FAIL|PARTIAL`` in ``text``, upper-cased, or ``None``."""
    found = _VERDICT.findall(text)
    return found[-1].upper() if found else None


def retry_prompt(verdict: GateVerdict) -> str:
    return (
        "Your result did not pass the quality gate. Fix the problems below, check your work, "
        "and answer again with the complete result.\n\n" + verdict.report()
    )


async def run_gate(
    session: Session,
    checks: list[GateCheck],
    *,
    task: str,
    answer: str,
    cwd: Path | None = None,
) -> GateVerdict:
    """Run ``checks`` in order on ``answer``; shell checks run in ``cwd`` (default: the
    session's working directory)."""
    results: list[CheckResult] = []
    for number, check in enumerate(checks, start=1):
        name = check.name or check.command or check.agent or f"check {number}"
        if check.command:
            result = await _run_command(cwd or session.cwd, name, check)
        elif check.agent:
            result = await _run_reviewer(session, name, check, task, answer)
        else:
            result = CheckResult(name=name, passed=False,
                                 output="this gate check has neither `command` nor `agent`; "
                                 "fix [[plugins.coordinator.gate]] in the configuration")
        results.append(result)
        if not result.passed:
            return GateVerdict(passed=False, checks=results)
    return GateVerdict(passed=True, checks=results)


async def _run_command(cwd: Path, name: str, check: GateCheck) -> CheckResult:
    process = await asyncio.create_subprocess_shell(
        check.command, cwd=cwd, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT, start_new_session=True,
    )
    try:
        out, _ = await asyncio.wait_for(process.communicate(), check.timeout_s or None)
    except (TimeoutError, asyncio.CancelledError) as exc:
        _kill(process)
        await process.wait()
        if isinstance(exc, asyncio.CancelledError):
            raise
        return CheckResult(name=name, passed=False,
                           output=f"`{check.command}` timed out after {check.timeout_s:g} s")
    text = out.decode("utf-8", "replace")[-OUTPUT_LIMIT:]
    status = process.returncode
    return CheckResult(name=name, passed=status == 0,
                       output=f"`{check.command}` exited with status {status}\n{text}".strip())


def _kill(process: asyncio.subprocess.Process) -> None:
    import os
    import signal

    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


async def _run_reviewer(
    session: Session, name: str, check: GateCheck, task: str, answer: str
) -> CheckResult:
    from corral_coordinator._state import catalogue_of
    from corral_coordinator.subagent import run_subagent

    definition = catalogue_of(session).get(check.agent)
    if definition is None:
        return CheckResult(name=name, passed=False,
                           output=f"the gate's reviewer agent {check.agent!r} does not exist")
    prompt = (f"Check whether this task was done.\n\n<task>\n{task}\n</task>\n\n"
              f"<claimed-result>\n{answer}\n</claimed-result>")
    result = await run_subagent(session, definition, prompt, description="quality gate review",
                                gated=False)
    text = result.content if isinstance(result.content, str) else str(result.content)
    verdict = parse_verdict(text)
    passed = not result.is_error and verdict == "PASS"
    shown = text[-OUTPUT_LIMIT:]
    if verdict is None and not result.is_error:
        shown = f"the reviewer gave no VERDICT line:\n{shown}"
    return CheckResult(name=name, passed=passed, output=shown)
