"""The dream's permission vote: what its code re-check sub-session may do.

The sub-session runs in plan mode with only Read, Glob, Grep and Bash, so the kernel's chain
already refuses writes and non-read-only shell commands. This vote, cast through
``corral_check_permission`` only for a session marked with a :class:`Guard`, adds what plan
mode alone does not promise: a user's allow rules (``Bash(rm:*)``, ``Read(~/.ssh/**)``) do
not count, so only read-only commands and reads inside the project pass; background jobs are
refused; and a file may be written only inside the memory folder or, in ``CLAUDE.md``,
between the dream's markers. A deny vote beats every allow in the chain.
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

from corral_dream import claude_md

if TYPE_CHECKING:
    from corral.api import PermissionContext, Session, ToolCall, Vote

_PATH_KEYS = ("file_path", "notebook_path", "path")


class Guard:
    """Marks a session as the dream's sub-session and holds what its vote needs."""

    def __init__(self, project_root: Path, memory_root: Path, cwd: Path) -> None:
        self.project_root = Path(os.path.realpath(project_root))
        self.memory_root = Path(os.path.realpath(memory_root))
        self.claude_md = self.project_root / "CLAUDE.md"
        self.cwd = Path(os.path.realpath(cwd))

    @cached_property
    def strict(self) -> PermissionContext:
        """Plan mode in the project, with no allow rules from any settings file."""
        from corral.api import PermissionContext

        ctx, _errors = PermissionContext.build(str(self.cwd), (), mode="plan")
        return ctx


def guard_of(session: Session) -> Guard | None:
    from corral_dream.keys import GUARD

    return session.stash.get(GUARD)


def vote(session: Session, call: ToolCall) -> Vote | None:
    """Deny what the dream's sub-session must not do; abstain otherwise (and for every other
    session). A failure to judge is a deny, never an abstention."""
    from corral.api import Vote

    guard = guard_of(session)
    if guard is None:
        return None
    try:
        reason = _refusal(guard, call)
    except Exception as exc:  # the vote must never be dropped by the plugin host
        reason = f"could not judge the call ({type(exc).__name__}: {exc})"
    if reason is None:
        return None
    return Vote(decision="deny", reason=f"dream (read-only on code): {reason}")


def _refusal(guard: Guard, call: ToolCall) -> str | None:
    from corral.api import decide

    kind = guard.strict.kind_of(call.name)
    if kind == "read":
        verdict = decide(call, guard.strict)
        if verdict.decision != "allow":
            return f"only files inside the project are read ({verdict.reason})"
        return None
    if kind == "bash":
        if call.input.get("run_in_background"):
            return "background shell jobs are not allowed"
        verdict = decide(call, guard.strict)
        if verdict.decision != "allow":
            return f"only read-only shell commands inside the project run ({verdict.reason})"
        return None
    if kind == "edit":
        return _write_refusal(guard, call)
    return f"{call.name} is not one of the tools a dream may use (Read, Glob, Grep, Bash)"


def _write_refusal(guard: Guard, call: ToolCall) -> str | None:
    paths = [call.input.get(k) for k in _PATH_KEYS if call.input.get(k) is not None]
    if not paths or not all(isinstance(p, str) for p in paths):
        return f"{call.name} names no usable path"
    for raw in paths:
        assert isinstance(raw, str)
        path = Path(os.path.realpath(guard.cwd / os.path.expanduser(raw)))
        if path == guard.memory_root or guard.memory_root in path.parents:
            continue
        if path == guard.claude_md and _section_only(path, call):
            continue
        return (f"{raw} is outside the memory folder {guard.memory_root} and the dream's "
                "section of CLAUDE.md")
    return None


def _section_only(path: Path, call: ToolCall) -> bool:
    """Whether ``call`` changes ``CLAUDE.md`` only between the dream's markers."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return False
    if call.name == "Write":
        new = call.input.get("content")
    elif call.name == "Edit":
        old, repl = call.input.get("old_string"), call.input.get("new_string")
        if not isinstance(old, str) or not isinstance(repl, str) or not old:
            return False
        count = -1 if call.input.get("replace_all") else 1
        new = text.replace(old, repl, count)
    else:
        return False
    if not isinstance(new, str):
        return False
    before, section, after = claude_md.split(text)
    new_before, new_section, new_after = claude_md.split(new)
    return (section is not None and new_section is not None
            and (before, after) == (new_before, new_after))


class Refusal(msgspec.Struct, frozen=True, kw_only=True):
    """A tool call of the sub-session that did not run, for the dream's report."""

    tool: str
    input: str
    reason: str

    def line(self) -> str:
        return f"{self.tool} {self.input}: {self.reason}"
