"""What a hook said: its exit status, and the JSON it printed (Claude Code's fields).

Exit 0: stdout is read as JSON when it starts with ``{``, otherwise as plain text. Exit 2
blocks, with stderr as the reason. Any other status, a timeout, a process that could not
start, or JSON that does not decode is a reported error that blocks nothing.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

from corral.cmdhooks._process import ProcessResult
from corral.cmdhooks.config import ConfiguredHook


class PermissionBehavior(msgspec.Struct, kw_only=True, frozen=True):
    """PermissionRequest's ``hookSpecificOutput.decision``."""

    behavior: Literal["allow", "deny"]
    message: str | None = None


class HookSpecificOutput(msgspec.Struct, kw_only=True, frozen=True):
    """``hookSpecificOutput``: the fields that only some events read."""

    hook_event_name: str | None = msgspec.field(default=None, name="hookEventName")
    permission_decision: Literal["allow", "deny", "ask"] | None = msgspec.field(
        default=None, name="permissionDecision")
    permission_decision_reason: str | None = msgspec.field(
        default=None, name="permissionDecisionReason")
    updated_input: dict[str, Any] | None = msgspec.field(default=None, name="updatedInput")
    additional_context: str | None = msgspec.field(default=None, name="additionalContext")
    #: PermissionRequest: allow or deny the call that would ask.
    decision: PermissionBehavior | None = None


class HookReply(msgspec.Struct, kw_only=True, frozen=True):
    """The JSON object a hook may print on stdout with exit status 0."""

    #: ``false`` stops the turn after this hook (``stopReason`` says why, to the user).
    continue_: bool = msgspec.field(default=True, name="continue")
    stop_reason: str | None = msgspec.field(default=None, name="stopReason")
    suppress_output: bool = msgspec.field(default=False, name="suppressOutput")
    #: A message shown to the user.
    system_message: str | None = msgspec.field(default=None, name="systemMessage")
    #: ``block`` (with ``reason``); ``approve`` is the older spelling of a PreToolUse allow.
    decision: Literal["block", "approve"] | None = None
    reason: str | None = None
    hook_specific_output: HookSpecificOutput | None = msgspec.field(
        default=None, name="hookSpecificOutput")


class HookRun(msgspec.Struct, frozen=True, kw_only=True):
    """One hook's run and what it said."""

    hook: ConfiguredHook
    process: ProcessResult
    reply: HookReply | None = None
    #: Plain (non-JSON) stdout of a successful run.
    text: str = ""
    #: A reported, non-blocking error (timeout, other exit status, bad JSON).
    problem: str | None = None

    @property
    def blocks(self) -> bool:
        """Exit status 2: the hook blocks; :attr:`block_reason` says why."""
        return self.process.exit_code == 2

    @property
    def block_reason(self) -> str:
        reason = self.process.stderr.strip()
        return reason or f"blocked by hook {self.hook.command!r} (exit status 2, no message)"

    @property
    def specific(self) -> HookSpecificOutput | None:
        return self.reply.hook_specific_output if self.reply is not None else None

    def summary(self) -> str:
        """One line on how the run ended, for the notice."""
        if self.problem is not None:
            return self.problem
        if self.blocks:
            return f"exit 2, blocks: {_first_line(self.block_reason)}"
        parts = ["exit 0"]
        reply = self.reply
        if reply is not None:
            if not reply.continue_:
                parts.append(f"continue=false ({reply.stop_reason or 'no reason'})")
            if reply.decision is not None:
                parts.append(f"decision={reply.decision}"
                             + (f" ({_first_line(reply.reason)})" if reply.reason else ""))
            spec = reply.hook_specific_output
            if spec is not None and spec.permission_decision is not None:
                why = spec.permission_decision_reason
                parts.append(f"permissionDecision={spec.permission_decision}"
                             + (f" ({_first_line(why)})" if why else ""))
            if spec is not None and spec.updated_input is not None:
                parts.append("updatedInput")
            if spec is not None and spec.additional_context:
                parts.append("additionalContext")
        if self.process.truncated:
            parts.append(f"output cut at {len(self.process.stdout)} characters")
        return ", ".join(parts)


def read_run(hook: ConfiguredHook, process: ProcessResult) -> HookRun:
    """Interpret how ``hook``'s process ended."""
    if process.error is not None:
        return HookRun(hook=hook, process=process, problem=process.error)
    if process.timed_out:
        return HookRun(hook=hook, process=process,
                       problem=f"timed out after {hook.timeout:g} s; its process group was "
                       "killed")
    code = process.exit_code
    if code == 2:
        return HookRun(hook=hook, process=process)
    if code != 0:
        detail = _first_line(process.stderr) or "no message"
        return HookRun(hook=hook, process=process,
                       problem=f"failed with exit status {code}: {detail} (not blocking)")
    out = process.stdout.strip()
    if not out.startswith("{"):
        return HookRun(hook=hook, process=process, text=out)
    try:
        reply = msgspec.json.decode(out, type=HookReply)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        cut = " (the output was cut at the size limit)" if process.truncated else ""
        return HookRun(hook=hook, process=process,
                       problem=f"printed JSON corral cannot read: {exc}{cut} (ignored)")
    return HookRun(hook=hook, process=process, reply=reply)


def _first_line(text: str | None) -> str:
    lines = (text or "").strip().splitlines()
    line = lines[0] if lines else ""
    return line if len(line) <= 200 else line[:197] + "..."
