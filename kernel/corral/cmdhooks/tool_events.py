"""PreToolUse and PostToolUse: command hooks around every tool call.

PreToolUse hooks vote in the permission chain's hook tier (exit 2 or ``permissionDecision``
``deny`` denies; ``ask`` asks; ``allow`` can only lift a plain mode-level ask, never a deny or
ask rule) and may replace the input (``updatedInput``, validated again; the chain then
decides on the new input). PostToolUse hooks see the result; what they say back (exit 2's
stderr, ``decision: "block"`` with a ``reason``, ``additionalContext``) is added to the
result the model reads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec

from corral.cmdhooks.config import BrokenHook, ConfiguredHook, hook_table
from corral.cmdhooks.firing import fire, short_command
from corral.permissions.decision import Decision, Verdict, Vote
from corral.tools.base import ToolResult
from corral.verdicts import PermissionAnswer, ToolVerdict, request_halt

if TYPE_CHECKING:
    from corral.session import Session
    from corral.tools.base import Tool, ToolCall

#: Prefix of the vote names command hooks cast (the chain reports ``plugin:<name>``).
_VOTE_PREFIX = "command-hook-"


class PreToolVerdict(ToolVerdict):
    """What the PreToolUse hooks said about one call."""

    #: Who cast each vote, by vote name.
    voters: dict[str, ConfiguredHook] = msgspec.field(default_factory=dict)
    #: One line per hook that had a say, for the decision's reason.
    notes: list[str] = msgspec.field(default_factory=list)
    #: Entries that cannot run but could guard this call, by the name of their ask vote.
    broken: dict[str, BrokenHook] = msgspec.field(default_factory=dict)

    def annotate(self, decision: Decision) -> Decision:
        """Name the hook's config file as the source when a hook decided, and add the
        hooks' say to the reason when something else did."""
        source = decision.source or ""
        name = source.removeprefix("plugin:")
        voter = self.voters.get(name) or self.broken.get(name)
        if decision.tier == "hook" and voter is not None:
            return msgspec.structs.replace(decision, source=voter.source)
        if self.notes:
            notes = "; ".join(self.notes)
            return msgspec.structs.replace(
                decision, reason=f"{decision.reason} (PreToolUse hooks: {notes})")
        return decision


async def pre_tool_use(session: Session, call: ToolCall, tool: Tool | None) -> PreToolVerdict:
    """Fire PreToolUse for ``call``; apply a valid ``updatedInput`` to ``call.input``."""
    fields = {"tool_name": call.name, "tool_input": call.input, "tool_use_id": call.id}
    runs = await fire(session, "PreToolUse", fields, match=call.name, call=call)
    verdict = PreToolVerdict()
    for index, broken in enumerate(hook_table(session).broken_for_tool(call.name)):
        # an entry that cannot run never lets a call it might guard through unasked
        name = f"{_VOTE_PREFIX}broken-{index}"
        verdict.votes.append((name, Vote(
            decision="ask", reason=f"a hook entry corral cannot run could guard this call "
            f"({broken.source}: {broken.where}: {broken.problem})")))
        verdict.broken[name] = broken
        # an entry corral cannot run keeps its ask: no PermissionRequest hook may lift it
        verdict.lets_ask_be_answered = False
    updated: tuple[ConfiguredHook, dict[str, Any]] | None = None
    for index, run in enumerate(runs):
        who = f"PreToolUse hook {short_command(run.hook.command)}"
        vote: Vote | None = None
        reply = run.reply
        spec = run.specific
        if run.blocks:
            vote = Vote(decision="deny", reason=f"{who}: {run.block_reason}")
        elif reply is not None:
            if not reply.continue_:
                why = reply.stop_reason or "a PreToolUse hook stopped the turn"
                request_halt(session, why)
                vote = Vote(decision="deny", reason=f"{who}: {why}")
            elif spec is not None and spec.permission_decision is not None:
                why = spec.permission_decision_reason or reply.reason or ""
                vote = Vote(decision=spec.permission_decision,
                            reason=f"{who}: {why or spec.permission_decision}")
            elif reply.decision is not None:  # the older top-level spelling
                word: Verdict = "deny" if reply.decision == "block" else "allow"
                vote = Vote(decision=word, reason=f"{who}: {reply.reason or word}")
            if spec is not None and spec.updated_input is not None and updated is None:
                updated = (run.hook, spec.updated_input)
        if vote is not None:
            name = f"{_VOTE_PREFIX}{index}"
            verdict.votes.append((name, vote))
            verdict.voters[name] = run.hook
            verdict.notes.append(f"{short_command(run.hook.command)} voted {vote.decision}")
    if updated is not None:
        hook, new_input = updated
        verdict.notes.append(f"{short_command(hook.command)} replaced the input")
        if tool is not None:
            try:
                msgspec.convert(new_input, tool.input_type)
            except msgspec.ValidationError as exc:
                verdict.invalid = (f"PreToolUse hook {short_command(hook.command)} gave an updatedInput "
                                   f"that is not valid for {tool.name}: {exc}")
                return verdict
        call.input = dict(new_input)
    return verdict


async def post_tool_use(session: Session, call: ToolCall, result: ToolResult) -> ToolResult:
    """Fire PostToolUse for a call that ran, or PostToolUseFailure when it failed (its
    result is an error); return the result with the hooks' feedback."""
    fields: dict[str, Any] = {"tool_name": call.name, "tool_input": call.input,
                              "tool_use_id": call.id}
    if result.is_error:
        event = "PostToolUseFailure"
        fields.update(error=_text_of(result.content), is_interrupt=False)
    else:
        event = "PostToolUse"
        fields["tool_response"] = {"content": result.content, "is_error": result.is_error}
    runs = await fire(session, event, fields, match=call.name, call=call)
    feedback: list[str] = []
    for run in runs:
        reply = run.reply
        if run.blocks:
            feedback.append(run.block_reason)
        elif reply is not None:
            if reply.decision == "block":
                feedback.append(reply.reason or "a PostToolUse hook objected to this result")
            spec = reply.hook_specific_output
            if spec is not None and spec.additional_context:
                feedback.append(spec.additional_context)
            if not reply.continue_:
                request_halt(session, reply.stop_reason or "a PostToolUse hook stopped the turn")
    if not feedback:
        return result
    text = "\n".join(feedback)
    note = f'<hook-feedback event="{event}">\n{text}\n</hook-feedback>'
    content: str | list[dict[str, Any]]
    if isinstance(result.content, str):
        content = f"{result.content}\n\n{note}" if result.content else note
    else:
        content = [*result.content, {"type": "text", "text": note}]
    return ToolResult(content=content, is_error=result.is_error,
                      meta={**result.meta, "hook_feedback": text})


def _text_of(content: str | list[dict[str, Any]]) -> str:
    if isinstance(content, str):
        return content
    return "\n".join(str(b.get("text", "")) for b in content if isinstance(b, dict))


async def permission_request(session: Session, call: ToolCall,
                             suggestions: list[str]) -> PermissionAnswer | None:
    """Fire PermissionRequest for a call about to ask the user (or be denied headless).

    A hook answers with ``hookSpecificOutput.decision.behavior`` ``allow`` or ``deny``
    (``message`` says why), or exit 2 (deny, stderr says why). A deny wins over an allow;
    ``None`` when no hook decided."""
    fields = {"tool_name": call.name, "tool_input": call.input, "tool_use_id": call.id,
              "permission_suggestions": [{"type": "addRules", "rules": suggestions,
                                          "behavior": "allow"}] if suggestions else []}
    runs = await fire(session, "PermissionRequest", fields, match=call.name, call=call)
    answer: PermissionAnswer | None = None
    for run in runs:
        who = f"PermissionRequest hook {short_command(run.hook.command)}"
        spec = run.specific
        if run.blocks:
            return PermissionAnswer(decision="deny", reason=f"{who}: {run.block_reason}",
                                    source=run.hook.source)
        if spec is None or spec.decision is None:
            continue
        behavior = spec.decision.behavior
        why = spec.decision.message or behavior
        if behavior == "deny":
            return PermissionAnswer(decision="deny", reason=f"{who}: {why}",
                                    source=run.hook.source)
        if behavior == "allow" and answer is None:
            answer = PermissionAnswer(decision="allow", reason=f"{who}: {why}",
                                      source=run.hook.source)
    return answer
