"""Running the tool calls of one assistant message: validate, decide, run, in request order.

Consecutive calls to concurrency-safe tools run together (up to ``max_parallel`` at once);
every other call runs alone, in order. Results always go back in the order the model asked.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import msgspec

from corral.engine.permission_gate import decide_call
from corral.errors import CorralError
from corral.events import PermissionDecided, ToolFinished, ToolRequested, ToolStarted
from corral.tools.base import Tool, ToolCall, ToolResult

if TYPE_CHECKING:
    from corral.session import Session

INTERRUPTED = "Interrupted by the user before this tool call finished."


#: A tool's own note: a whole line in square brackets (``[Showing lines …]``, ``[… elided …]``).
_NOTE = re.compile(r"^\[.*\]$")


def elide_middle(text: str, limit: int) -> str:
    """Keep the head and tail of ``text`` within ``limit`` characters, saying what was cut.

    Whole lines are kept, and a tool's own notes (lines in square brackets) are kept whole
    wherever they are; text with too few lines is cut by characters.
    """
    if len(text) <= limit:
        return text
    by_lines = _elide_lines(text, limit)
    if by_lines is not None:
        return by_lines
    keep = max(limit // 2, 1)
    dropped = text[keep:-keep] if keep * 2 < len(text) else ""
    lines = dropped.count("\n")
    note = f"\n[... {len(dropped)} characters ({lines} lines) elided ...]\n"
    return text[:keep] + note + text[-keep:]


def _elide_lines(text: str, limit: int) -> str | None:
    lines = text.splitlines(keepends=True)
    notes = {i for i, line in enumerate(lines) if _NOTE.match(line.strip()) and len(line) < 500}
    budget = limit - sum(len(lines[i]) for i in notes) - 2 * _ELISION_ROOM
    if budget < limit // 4:
        return None
    keep = set(notes)
    used, head = 0, 0
    while head < len(lines) and used + len(lines[head]) <= budget // 2:
        used += len(lines[head])
        keep.add(head)
        head += 1
    used, tail = 0, len(lines) - 1
    while tail > head and used + len(lines[tail]) <= budget // 2:
        used += len(lines[tail])
        keep.add(tail)
        tail -= 1
    if head == 0 or tail == len(lines) - 1:
        return None  # a first or last line too long to keep whole
    out: list[str] = []
    dropped: list[str] = []
    for index, line in enumerate(lines):
        if index in keep:
            if dropped:
                out.append(_elision(dropped))
                dropped = []
            out.append(line if line.endswith("\n") or index == len(lines) - 1 else line + "\n")
        else:
            dropped.append(line)
    if dropped:
        out.append(_elision(dropped))
    return "".join(out)


#: Characters an elision note may take.
_ELISION_ROOM = 120


def _elision(dropped: list[str]) -> str:
    chars = sum(len(line) for line in dropped)
    return f"[… {chars} characters ({len(dropped)} lines) elided by the size limit for one tool result …]\n"


def _result_block(tool_use_id: str, result: ToolResult, limit: int) -> dict[str, Any]:
    content: Any = result.content
    if isinstance(content, str):
        content = elide_middle(content, limit)
    block: dict[str, Any] = {"type": "tool_result", "tool_use_id": tool_use_id, "content": content}
    if result.is_error:
        block["is_error"] = True
    return block


def validation_message(tool: Tool, exc: msgspec.ValidationError) -> str:
    return (
        f"Invalid input for {tool.name}: {exc}. "
        f"Fix the input to match the tool's schema and call it again."
    )


#: The ToolCall ``source`` for each turn origin: who asked, as the permission chain sees it.
SOURCES = {"tick": "tick", "schedule": "tick", "bridge": "bridge", "command": "command",
           "agent": "subagent"}


class ToolRunner:
    def __init__(
        self, session: Session, tools: dict[str, Tool], max_parallel: int, *, origin: str = "user"
    ) -> None:
        self.session = session
        self.tools = tools
        #: Old or alternative names a tool answers to (``Task`` for ``Agent``).
        self.aliases = {alias: tool.name for tool in tools.values()
                        for alias in getattr(tool, "aliases", ())}
        self.source = "subagent" if session.parent_id else SOURCES.get(origin, "main")
        self.semaphore = asyncio.Semaphore(max(1, max_parallel))
        self.limit = session.config.engine.max_tool_output_chars

    def lookup(self, name: str) -> Tool | None:
        return self.tools.get(name) or self.tools.get(self.aliases.get(name, ""))

    def _is_safe(self, block: dict[str, Any]) -> bool:
        tool = self.lookup(block.get("name", ""))
        if tool is None:
            return True  # answered at once with an error
        check = getattr(tool, "is_concurrency_safe", None)
        if check is not None:
            return bool(check(block.get("input") or {}))
        return tool.concurrency_safe

    async def run_all(
        self, uses: Sequence[dict[str, Any]], done: dict[str, dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """Run every call; finished results land in ``done`` as they complete, so an
        interrupted turn can keep them."""
        index = 0
        while index < len(uses):
            batch = [uses[index]]
            if self._is_safe(uses[index]):
                while index + len(batch) < len(uses) and self._is_safe(uses[index + len(batch)]):
                    batch.append(uses[index + len(batch)])
            index += len(batch)
            if len(batch) == 1:
                await self._run_into(batch[0], done)
            else:
                await asyncio.gather(*(self._run_into(b, done) for b in batch))
        return [done[u["id"]] for u in uses]

    async def _run_into(self, use: dict[str, Any], done: dict[str, dict[str, Any]]) -> None:
        async with self.semaphore:
            result = await self.run_one(use)
        done[use["id"]] = _result_block(use["id"], result, self.limit)

    async def run_one(self, use: dict[str, Any]) -> ToolResult:
        session = self.session
        name = str(use.get("name", ""))
        tool = self.lookup(name)
        if tool is not None:
            name = tool.name  # an alias is decided and run under the tool's own name
        call = ToolCall(id=str(use["id"]), name=name, input=dict(use.get("input") or {}),
                        source=self.source, agent=session.agent)  # type: ignore[arg-type]
        await session.emit(ToolRequested(tool_use_id=call.id, name=name, input=call.input))
        rewritten = await session.hooks.rewrite_tool_input(session, call)
        if rewritten is not None:
            call.input = rewritten
        if tool is None:
            known = ", ".join(sorted(self.tools)) or "none"
            return await self._finish(
                call, ToolResult(content=f"Unknown tool {name!r}. Available tools: {known}.",
                                 is_error=True), 0.0)
        if "__invalid_json__" in call.input:
            return await self._finish(
                call,
                ToolResult(content=f"The input for {name} was not valid JSON: "
                           f"{call.input['__invalid_json__'][:200]!r}", is_error=True), 0.0)
        try:
            params = msgspec.convert(call.input, tool.input_type)
        except msgspec.ValidationError as exc:
            return await self._finish(
                call, ToolResult(content=validation_message(tool, exc), is_error=True), 0.0)
        given = call.input
        decision = await decide_call(session, call, tool)
        await session.emit(
            PermissionDecided(
                tool_use_id=call.id, name=name, decision=decision.decision, tier=decision.tier,
                reason=decision.reason, rule=decision.rule, source=decision.source,
            )
        )
        if decision.decision != "allow":
            session.permission_denials.append(
                {"tool_name": name, "tool_use_id": call.id, "tool_input": call.input,
                 "reason": decision.reason}
            )
            message = f"Permission to use {name} was denied: {decision.reason}"
            return await self._finish(call, ToolResult(content=message, is_error=True), 0.0)
        if call.input is not given:  # a PreToolUse hook replaced it (already validated)
            params = msgspec.convert(call.input, tool.input_type)
        await session.emit(ToolStarted(tool_use_id=call.id, name=name))
        start = time.perf_counter()
        try:
            result = await tool.run(session, params)
        except CorralError as exc:
            result = ToolResult(content=str(exc), is_error=True)
        except (asyncio.CancelledError, KeyboardInterrupt):
            raise
        except Exception as exc:  # a tool's bug must not end the session
            result = ToolResult(content=f"{name} failed: {type(exc).__name__}: {exc}",
                                is_error=True)
        result = await session.hooks.after_tool(session, call, result)
        return await self._finish(call, result, (time.perf_counter() - start) * 1000)

    async def _finish(self, call: ToolCall, result: ToolResult, ms: float) -> ToolResult:
        summary = result.content if isinstance(result.content, str) else "[content blocks]"
        await self.session.emit(
            ToolFinished(
                tool_use_id=call.id, name=call.name, is_error=result.is_error, duration_ms=ms,
                summary=summary[:200], meta=result.meta,
            )
        )
        return result
