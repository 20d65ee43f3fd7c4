"""The turn loop: send the conversation, stream the reply, run its tool calls, repeat.

Everything that happens is an event (:mod:`corral.events`) delivered through
``Session.emit`` to the transcript, the UI and every ``corral_on_event`` subscriber.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import msgspec

from corral.engine import compact as compaction
from corral.engine.hook_model import attach_hook_model
from corral.engine.pricing import cost_usd
from corral.engine.request import build_request, tool_schemas
from corral.engine.retry import backoff, classify, falls_back_after, overloaded
from corral.engine.runner import INTERRUPTED, ToolRunner
from corral.engine.stream import Reply, StreamCut, Usage, stream_reply
from corral.errors import CorralError
from corral.events import (
    AssistantMessage,
    Compacted,
    ErrorOccurred,
    ModelFellBack,
    RetryScheduled,
    ToolResultMessage,
    TurnEnded,
    UsageReported,
    UserMessage,
)
from corral.providers import connect
from corral.tools.base import MODEL_REQUEST, SideReply
from corral.transport.errors import APIError
from corral.verdicts import take_halt, with_context

if TYPE_CHECKING:
    from corral.providers import Connection, Provider
    from corral.session import Session


class ModelError(CorralError):
    """The model endpoint failed and retries did not help."""


class CompactionFailed(ModelError):
    """The summary request of a compaction failed; the conversation was left as it was."""


class _OverBudget(Exception):
    """A request made on the way (a compaction's summary) spent the session's budget."""


async def _quiet(_event: Any) -> None:
    """Where a summary's streamed text goes: it is not a reply to show."""


async def _discard(event: Any) -> None:
    """Events of a side request are not shown."""


class TurnOutcome(msgspec.Struct, kw_only=True):
    """How one turn ended; the headless ``json`` result is built from it."""

    subtype: str  # success | error_max_turns | error_max_budget_usd | error_during_execution
    is_error: bool
    result: str
    num_turns: int
    duration_ms: float
    reason: str = "end_turn"


class Engine:
    """Drives one session's conversation with the model."""

    def __init__(
        self, session: Session, client: Any | None = None, *, owns_client: bool | None = None
    ) -> None:
        self.session = session
        self._client = client
        #: Close the client in :meth:`aclose`: yes for a client this engine made, no for a
        #: shared one passed in (sub-agents share their parent's).
        self.owns_client = client is None if owns_client is None else owns_client
        #: Who started the running turn: user, tick, bridge, schedule, command, agent.
        self.origin = "user"
        #: Tool schemas of the last request, and the tool objects they were made from.
        self._schemas: list[dict[str, Any]] | None = None
        self._schema_key: tuple[int, ...] = ()
        self._provider: Any = None
        self.last_context_tokens = 0
        self.unknown_price_warned = False
        #: The provider plugin's connection, made on the first request that needs it.
        self._connection: Connection | None = None
        attach_hook_model(self)
        session.stash[MODEL_REQUEST] = self.side_request

    @property
    def client(self) -> Any:
        if self._client is None:
            from corral.engine.client import make_client

            self._client = make_client(self.session.config)
        return self._client

    async def aclose(self) -> None:
        """Close the model client's connections (call once the session is over)."""
        if self._client is not None and self.owns_client:
            await self._client.close()
        self._client = None
        connection, self._connection = self._connection, None
        if connection is not None:
            await connection.close()

    def adopt_connection(self, other: Engine) -> None:
        """Take over ``other``'s provider connection (a fresh session keeps the pool)."""
        self._connection, other._connection = other._connection, None

    # -- one turn -----------------------------------------------------------------------------

    async def run_turn(
        self, content: str | list[dict[str, Any]], *, origin: str = "user"
    ) -> TurnOutcome:
        """Run one turn; a user message ``/name args`` naming a custom command runs that
        command (:mod:`corral.engine.command_turn`): its text, ``!`cmd``` output, model and
        pre-approved tools; one naming a plugin's ``headless`` slash command sends the prompt
        the command returns; one naming a skill (when no command has the name) sends the
        skill's instructions, with its pre-approved tools and model in force until the turn
        ends."""
        if not (origin == "user" and isinstance(content, str)
                and content.lstrip().startswith("/")):
            # no command, plugin command or skill can be named: a plain turn
            return await self._run_turn(content, origin=origin)
        from corral.engine import command_turn

        invocation = None
        if origin == "user" and isinstance(content, str):
            invocation = command_turn.find_invocation(self.session, content)
            plugin = None if invocation else command_turn.find_plugin_command(self.session,
                                                                               content)
            if plugin is not None:
                start = time.monotonic()
                reply = await command_turn.run_plugin_command(self.session, *plugin)
                if isinstance(reply, str):
                    return TurnOutcome(subtype="error_during_execution", is_error=True,
                                       result=reply, num_turns=0, duration_ms=_ms(start))
                return await self._run_turn(reply.text, origin=origin)
        if invocation is None:
            skill = None
            if origin == "user" and isinstance(content, str) and content.lstrip()[:1] == "/":
                skill = command_turn.skill_prompt(self.session, content)
            if skill is not None:
                try:
                    return await self._run_turn(skill, origin=origin)
                finally:
                    command_turn.end_skills(self.session)
            return await self._run_turn(content, origin=origin)
        async with command_turn.command_scope(self.session, invocation.command):
            prompt = await command_turn.render(self.session, invocation)
            return await self._run_turn(prompt, origin=origin)

    async def _run_turn(
        self, content: str | list[dict[str, Any]], *, origin: str = "user"
    ) -> TurnOutcome:
        """Add a user message and loop until the model stops or a limit is hit.

        Cancelling the task that runs this (Ctrl-C) ends the turn cleanly: every unanswered
        tool call gets an "interrupted" result, so the conversation stays valid.
        """
        session = self.session
        self.origin = origin
        start = time.monotonic()
        turns = 0
        text = content if isinstance(content, str) else _text_of(content)
        verdict = await session.hooks.user_prompt(session, text, origin)
        if verdict.blocked:
            message = f"a UserPromptSubmit hook blocked the prompt: {verdict.reason}"
            return await self._end("error_during_execution", 0, start, message=message)
        content = with_context(content, verdict.context)
        session.messages.append({"role": "user", "content": content})
        await session.emit(UserMessage(text=text, origin=origin))
        done: dict[str, dict[str, Any]] = {}
        continued = 0  # how many times corral_before_stop sent the model back this turn
        try:
            while True:
                limit = self._limit_hit(turns, start)
                if limit is not None:
                    return await self._end(limit, turns, start)
                await self._add_pending_context()
                await self.maybe_compact("auto")
                limit = self._limit_hit(turns, start)  # the summary may have spent the budget
                if limit is not None:
                    return await self._end(limit, turns, start)
                try:
                    reply = await self._request()
                except _OverBudget:
                    return await self._end("error_max_budget_usd", turns, start)
                turns += 1
                session.num_turns += 1
                await self._account(reply)
                session.messages.append({"role": "assistant", "content": reply.content})
                await session.emit(
                    AssistantMessage(
                        content=reply.content, stop_reason=reply.stop_reason, model=reply.model,
                        message_id=reply.id, api_ms=reply.api_ms,
                    )
                )
                uses = [b for b in reply.content if b.get("type") == "tool_use"]
                if not uses:
                    session.last_result = _text_of(reply.content)
                    again = await session.hooks.before_stop(session, origin, continued)
                    if again is None:
                        return await self._end("success", turns, start)
                    continued += 1
                    session.messages.append({"role": "user", "content": again})
                    await session.emit(UserMessage(text=again, origin="stop_hook"))
                    continue
                done = {}
                runner = ToolRunner(
                    session, session.tools, session.config.engine.max_parallel_tools,
                    origin=origin,
                )
                results = await runner.run_all(uses, done)
                session.messages.append({"role": "user", "content": results})
                await session.emit(ToolResultMessage(content=results))
                done = {}
                halt = take_halt(session)
                if halt is not None:  # a hook said `continue: false`
                    session.last_result = halt
                    return await self._end("success", turns, start)
        except asyncio.CancelledError:
            self._repair_after_interrupt(done)
            task = asyncio.current_task()
            if task is not None:
                task.uncancel()
            await session.emit(TurnEnded(reason="interrupted", num_turns=turns))
            return TurnOutcome(
                subtype="error_during_execution", is_error=True, result="interrupted",
                num_turns=turns, duration_ms=_ms(start), reason="interrupted",
            )
        except CorralError as exc:
            await session.emit(ErrorOccurred(error=str(exc), kind=type(exc).__name__))
            session.last_result = str(exc)
            return await self._end("error_during_execution", turns, start, message=str(exc))

    async def _add_pending_context(self) -> None:
        """What plugins want the model to know before its next reply (background jobs that
        finished, say), added to the user message it is about to answer."""
        for plugin, text in await self.session.hooks.pending_context(self.session):
            await self.session.add_context(text, source=plugin)

    def _limit_hit(self, turns: int, start: float) -> str | None:
        engine = self.session.config.engine
        max_turns = self.session.max_turns or engine.max_turns
        if max_turns and turns >= max_turns:
            return "error_max_turns"
        budget = self.session.max_budget_usd or engine.max_budget_usd
        if budget and (self.session.cost_usd or 0.0) >= budget:
            return "error_max_budget_usd"
        if engine.max_wall_s and time.monotonic() - start >= engine.max_wall_s:
            return "error_during_execution"
        return None

    async def _end(
        self, subtype: str, turns: int, start: float, *, message: str | None = None
    ) -> TurnOutcome:
        session = self.session
        if subtype == "success":
            result = session.last_result
        elif subtype == "error_max_turns":
            result = message or f"stopped after {turns} model requests (max turns)"
        elif subtype == "error_max_budget_usd":
            result = message or f"stopped: the session cost ${session.cost_usd:.4f} (budget)"
        else:
            result = message or "stopped: the wall-clock limit was reached"
        await session.emit(TurnEnded(reason=subtype, num_turns=turns))
        return TurnOutcome(
            subtype=subtype, is_error=subtype != "success", result=result, num_turns=turns,
            duration_ms=_ms(start),
        )

    def _repair_after_interrupt(self, done: dict[str, dict[str, Any]]) -> None:
        messages = self.session.messages
        if not messages or messages[-1]["role"] != "assistant":
            return
        uses = [b for b in messages[-1]["content"] if b.get("type") == "tool_use"]
        if not uses:
            return
        results = [
            done.get(u["id"])
            or {"type": "tool_result", "tool_use_id": u["id"], "content": INTERRUPTED,
                "is_error": True}
            for u in uses
        ]
        messages.append({"role": "user", "content": results})

    # -- requests -----------------------------------------------------------------------------

    async def build(self, messages: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        """The request for ``messages`` (the session's conversation by default): system
        prompt, tool schemas, cache breakpoints, and every plugin's ``before_request``."""
        session = self.session
        await session.hooks.prepare_request(session)
        sections = await session.hooks.system_prompt(session)
        if session.append_system_prompt:
            from corral.prompt import PromptSection

            sections.append(
                PromptSection(name="appended", text=session.append_system_prompt, scope="session")
            )
        tools = list(session.tools.values())
        key = tuple(id(t) for t in tools)
        if self._schemas is None or key != self._schema_key:
            self._schemas = tool_schemas(tools)
            self._schema_key = key
        request = build_request(
            model=session.model,
            max_tokens=session.config.models.max_output_tokens,
            sections=sections,
            tools=tools,
            messages=session.messages if messages is None else messages,
            schemas=self._schemas,
        )
        await session.hooks.before_request(session, request)
        return request

    def provider(self) -> Provider | None:
        """The provider to stream from, or ``None`` for the kernel's own transport."""
        if self._provider is not None:
            return self._provider
        name = self.session.config.api.provider
        if name == "anthropic":
            return None
        from corral.transport.sdk import SDK_CLIENTS

        if name in SDK_CLIENTS:
            from corral.transport.sdk import sdk_provider

            self._provider = sdk_provider(name, self.client)
            return self._provider
        providers = {p.name: p for _, p in self.session.hooks.register_providers()}
        if name not in providers:
            known = ", ".join(["anthropic", *SDK_CLIENTS, *sorted(providers)])
            raise ModelError(f"[api] provider = {name!r} names no installed provider "
                             f"(known: {known})")
        self._provider = providers[name]
        return self._provider

    async def _request(self) -> Reply:
        return await self.send(self.build)

    async def send(
        self,
        build: Callable[[], Awaitable[dict[str, Any]]],
        *,
        emit: Callable[[Any], Awaitable[None]] | None = None,
        compact_when_too_long: bool = True,
    ) -> Reply:
        """Send the request ``build`` makes (anew for each try), retrying what the retry
        policy allows; a prompt-too-long error compacts once and tries again."""
        session = self.session
        api = session.config.api
        provider = self.provider()
        attempt = 0
        overloaded_in_a_row = 0
        compacted_for_length = not compact_when_too_long
        while True:
            request = await build()
            # raw stream events of the conversation only, never of a side request
            raw = session.raw_stream if emit is None else None
            try:
                if provider is None:
                    return await stream_reply(self.client, request, emit or session.emit,
                                              on_raw=raw)
                connection = self._connect(provider)
                return await stream_reply(None, request, emit or session.emit, connection,
                                          on_raw=raw)
            except (asyncio.CancelledError, KeyboardInterrupt):
                raise
            except Exception as exc:
                if isinstance(exc, CorralError) and not isinstance(exc, StreamCut | APIError):
                    raise  # our own errors (no credentials, a bad provider) say it already
                verdict = classify(exc)
                if verdict == "prompt_too_long" and not compacted_for_length:
                    compacted_for_length = True
                    await self.maybe_compact("prompt_too_long", force=True)
                    budget = session.max_budget_usd or session.config.engine.max_budget_usd
                    if budget and (session.cost_usd or 0.0) >= budget:
                        raise _OverBudget from exc
                    continue
                overloaded_in_a_row = overloaded_in_a_row + 1 if overloaded(exc) else 0
                if overloaded_in_a_row and await self._fall_back(request, exc,
                                                                 overloaded_in_a_row):
                    attempt = overloaded_in_a_row = 0  # the fallback gets every retry anew
                    continue
                if verdict != "retry" or attempt >= api.max_retries:
                    raise ModelError(_describe(exc, attempt)) from exc
                attempt += 1
                delay = backoff(attempt, api.retry_base_delay_s, api.retry_max_delay_s, exc)
                await session.emit(
                    RetryScheduled(attempt=attempt, delay_s=delay, error=_describe(exc, None))
                )
                await asyncio.sleep(delay)

    async def _fall_back(self, request: dict[str, Any], exc: BaseException, count: int) -> bool:
        """Switch the session to its fallback model once its own model answered overloaded
        ``count`` times in a row to a request of the conversation; ``True`` if it did."""
        session = self.session
        fallback = session.fallback_model
        if (not fallback or fallback == session.model or request.get("model") != session.model
                or count < falls_back_after(session.config.api.max_retries)):
            return False
        await session.emit(ModelFellBack(from_model=session.model, to_model=fallback,
                                         error=_describe(exc, None)))
        session.model = fallback
        return True

    async def side_request(self, request: dict[str, Any]) -> SideReply:
        """Send one request outside the conversation (a hook's question, a web search)
        through :meth:`send`; its stream events are not shown, its usage and cost count."""

        async def build() -> dict[str, Any]:
            return dict(request)

        reply = await self.send(build, emit=_discard, compact_when_too_long=False)
        await self._account(reply)
        return SideReply(content=reply.content, stop_reason=reply.stop_reason)

    async def _account(self, reply: Reply) -> None:
        session = self.session
        usage = reply.usage
        session.usage.add(usage)
        self.last_context_tokens = usage.context_tokens
        cost = cost_usd(
            reply.model or session.model,
            input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens,
            cache_creation_input_tokens=usage.cache_creation_input_tokens,
            cache_read_input_tokens=usage.cache_read_input_tokens,
            extra=session.config.models.prices,
        )
        if cost is None:
            session.cost_known = False
            if not self.unknown_price_warned:
                self.unknown_price_warned = True
                await session.emit(
                    ErrorOccurred(
                        error=f"no price is known for model {reply.model!r}; cost is not tracked",
                        kind="warning",
                    )
                )
        else:
            session.cost_usd = (session.cost_usd or 0.0) + cost
        await session.emit(
            UsageReported(
                model=reply.model, input_tokens=usage.input_tokens,
                output_tokens=usage.output_tokens,
                cache_creation_input_tokens=usage.cache_creation_input_tokens,
                cache_read_input_tokens=usage.cache_read_input_tokens, cost_usd=cost,
            )
        )

    # -- compaction ---------------------------------------------------------------------------

    async def maybe_compact(
        self, reason: str, *, force: bool = False, focus: str | None = None
    ) -> bool:
        """Compact when the last request came near the window (or when forced)."""
        session = self.session
        config = session.config
        trigger = compaction.trigger_tokens(config, session.model)
        if not force and (not config.engine.auto_compact or self.last_context_tokens < trigger):
            return False
        if len(session.messages) < 2:
            return False
        await session.hooks.before_compact(
            session, "manual" if reason == "manual" else "auto", focus or "")
        verdict = await session.hooks.compact(session, list(session.messages), reason)
        before = self.last_context_tokens or compaction.estimate_tokens(session.messages)
        if verdict is False:
            return False
        if isinstance(verdict, list):
            session.messages[:] = verdict
            return await self._compacted("plugin", before)
        elided, removed = compaction.elide_tool_results(
            session.messages, config.engine.compact_tool_result_chars
        )
        after = before - removed // compaction.CHARS_PER_TOKEN
        if removed and after < trigger and reason == "auto":
            session.messages[:] = elided
            return await self._compacted("elide_tool_results", before, after)
        # The summary is asked of the elided conversation: it must fit the window itself.
        summary = await self._summarize(compaction.summary_messages(elided, focus))
        session.messages[:] = compaction.replace_with_summary(session.messages, summary)
        return await self._compacted("summary", before)

    async def _summarize(self, history: list[dict[str, Any]]) -> str:
        """Ask the model for the summary: a request like any other (system prompt, the tools
        its tool_use blocks name, retries, counted in usage and cost), answered in text."""

        async def build() -> dict[str, Any]:
            request = await self.build(history)
            request["max_tokens"] = min(request["max_tokens"], compaction.SUMMARY_MAX_TOKENS)
            if request.get("tools"):
                request["tool_choice"] = {"type": "none"}
            return request

        try:
            reply = await self.send(build, emit=_quiet, compact_when_too_long=False)
        except CorralError as exc:
            raise CompactionFailed(
                f"compaction failed: {exc}; the conversation is unchanged") from exc
        await self._account(reply)
        summary = _text_of(reply.content).strip()
        if not summary:
            raise CompactionFailed("compaction failed: the model returned an empty summary; "
                                   "the conversation is unchanged")
        return summary

    def _connect(self, provider: Provider) -> Connection:
        if self._connection is None:
            self._connection = connect(provider, self.session.config)
        return self._connection

    async def _compacted(self, strategy: str, before: int, after: int | None = None) -> bool:
        after = after if after is not None else compaction.estimate_tokens(self.session.messages)
        self.last_context_tokens = after
        await self.session.emit(
            Compacted(
                strategy=strategy, tokens_before=before, tokens_after=after,
                messages=list(self.session.messages),
            )
        )
        return True


def _text_of(content: list[dict[str, Any]] | str) -> str:
    if isinstance(content, str):
        return content
    return "".join(b.get("text", "") for b in content if b.get("type") == "text")


def _ms(start: float) -> float:
    return round((time.monotonic() - start) * 1000, 1)


def _describe(exc: BaseException, attempt: int | None) -> str:
    text = f"{type(exc).__name__}: {exc}"
    if attempt:
        text += f" (after {attempt} retries)"
    return text


__all__ = ["Engine", "ModelError", "TurnOutcome", "Usage"]
