"""The turn loop in-process: interrupts, compaction, prompt-too-long, retry policy."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from corral.app import App
from corral.engine import Engine
from corral.engine.retry import backoff, classify
from corral.engine.stream import StreamCut
from corral.session import Session
from corral.testing import MessagesServer, message, prompt_too_long, text, tool_block, tool_use


def new_session(project: Path, **engine: object) -> Session:
    cli = {"engine": engine} if engine else None
    app = App.create(cwd=project, environ={"CORRAL_LOAD_PLUGINS": ""}, cli=cli)
    session = Session(app, headless=True)
    return session


async def run(session: Session, prompt: str):
    engine = Engine(session)
    try:
        return await engine.run_turn(prompt), engine
    finally:
        await engine.aclose()


def test_interrupt_answers_every_open_tool_call(anthropic_server: MessagesServer, project: Path) -> None:
    blocks = [tool_block("Bash", {"command": "sleep 30"}, id="toolu_slow"),
              tool_block("Glob", {"pattern": "*"}, id="toolu_later")]
    anthropic_server.enqueue(message(*blocks), text("after"))
    session = new_session(project)
    session.permission_mode = "bypassPermissions"

    async def scenario():
        engine = Engine(session)
        task = asyncio.create_task(engine.run_turn("go"))
        for _ in range(200):
            await asyncio.sleep(0.02)
            if any(m["role"] == "assistant" for m in session.messages):
                break
        await asyncio.sleep(0.3)
        task.cancel()
        outcome = await task
        await engine.aclose()
        return outcome

    outcome = asyncio.run(scenario())
    assert outcome.reason == "interrupted"
    last = session.messages[-1]
    assert last["role"] == "user"
    assert [b["tool_use_id"] for b in last["content"]] == ["toolu_slow", "toolu_later"]
    assert all(b["is_error"] and "Interrupted" in b["content"] for b in last["content"])
    # the session goes on: the next turn is a valid conversation
    outcome2, _ = asyncio.run(run(session, "continue"))
    assert outcome2.subtype == "success" and outcome2.result == "after"


def test_auto_compaction_elides_old_tool_results(anthropic_server: MessagesServer, project: Path) -> None:
    (project / "big.txt").write_text(("x" * 40 + "\n") * 500)
    anthropic_server.enqueue(
        tool_use("Read", {"file_path": "big.txt"}),
        tool_use("Glob", {"pattern": "*.txt"}).with_usage(input_tokens=9_000),
        tool_use("Glob", {"pattern": "*.md"}).with_usage(input_tokens=3_000),
        text("done"),
    )
    session = new_session(project, compact_trigger_tokens=8_000)
    outcome, _ = asyncio.run(run(session, "read"))
    assert outcome.subtype == "success"
    fourth = anthropic_server.message_requests[3].body["messages"]
    first_result = fourth[2]["content"][0]
    assert first_result["content"].startswith("[old tool result elided:")
    assert len(anthropic_server.message_requests) == 4  # no summary request was needed


def test_summary_compaction_then_prompt_too_long_retry(anthropic_server: MessagesServer, project: Path) -> None:
    anthropic_server.enqueue(prompt_too_long(), text("SUMMARY: user wants a haiku"), text("ok"))
    session = new_session(project)
    session.messages = [{"role": "user", "content": "old question"},
                        {"role": "assistant", "content": [{"type": "text", "text": "old answer"}]}]
    outcome, _ = asyncio.run(run(session, "new question"))
    assert outcome.result == "ok"
    summary_request = anthropic_server.message_requests[1]
    assert "Write a summary of the conversation" in str(summary_request.body["messages"][-1])
    retried = anthropic_server.message_requests[2].body["messages"]
    assert "SUMMARY: user wants a haiku" in retried[0]["content"][-1]["text"]
    assert len(anthropic_server.message_requests) == 3


def test_retry_policy() -> None:
    anthropic = pytest.importorskip("anthropic", reason="the anthropic SDK is not installed")
    import httpx

    request = httpx.Request("POST", "http://127.0.0.1/v1/messages")
    response = httpx.Response(529, headers={"retry-after": "2"}, request=request)
    err = anthropic.APIStatusError("overloaded", response=response, body=None)
    assert classify(err) == "retry"
    assert backoff(1, 1.0, 60.0, err) == 2.0  # retry-after honoured
    assert classify(StreamCut("cut")) == "retry"
    bad = anthropic.BadRequestError(
        "prompt is too long: 210000 tokens > 200000 maximum",
        response=httpx.Response(400, request=request), body=None)
    assert classify(bad) == "prompt_too_long"
    assert classify(ValueError("x")) == "fatal"
    delays = [backoff(n, 1.0, 8.0, StreamCut("c")) for n in (1, 2, 3, 4, 5)]
    for n, delay in enumerate(delays, start=1):
        full = min(8.0, 2 ** (n - 1))
        assert full / 2 <= delay <= full


@pytest.mark.parametrize("tokens", [0, 50])
def test_compaction_never_runs_below_trigger(project: Path, tokens: int) -> None:
    session = new_session(project)
    session.messages = [{"role": "user", "content": "a"}]
    engine = Engine(session, client=object())
    engine.last_context_tokens = tokens
    assert asyncio.run(engine.maybe_compact("auto")) is False


def test_aliases_and_call_sources(anthropic_server: MessagesServer, project: Path) -> None:
    """A tool answers to its aliases under its own name; the chain sees who asked."""
    import msgspec
    from corral import hookimpl
    from corral.tools import Tool, ToolResult

    class EchoInput(msgspec.Struct):
        text: str

    class Echo(Tool):
        name = "Echo"
        description = "repeat the text"
        input_type = EchoInput
        aliases = ("Say",)
        read_only = True

        async def run(self, session: Session, params: EchoInput) -> ToolResult:
            return ToolResult(content=params.text)

    seen: list[tuple[str, str, str | None]] = []

    class Plugin:
        __name__ = "echo-plugin"

        @hookimpl
        def corral_register_tools(self, register: object) -> None:
            register(Echo())  # type: ignore[operator]

        @hookimpl
        def corral_check_permission(self, session: Session, call: object) -> None:
            seen.append((call.name, call.source, call.agent))  # type: ignore[attr-defined]

    anthropic_server.enqueue(tool_use("Say", {"text": "hi"}), text("done"),
                             tool_use("Echo", {"text": "again"}), text("done"))
    app = App.create(cwd=project, environ={"CORRAL_LOAD_PLUGINS": ""},
                     extra_plugins={"echo-plugin": Plugin()})
    session = Session(app, headless=True)

    async def turns() -> None:
        engine = Engine(session)
        await engine.run_turn("use the alias", origin="tick")
        session.parent_id, session.agent = "parent-1", "explore"
        await engine.run_turn("as a sub-agent")
        await engine.aclose()

    asyncio.run(turns())
    assert seen == [("Echo", "tick", None), ("Echo", "subagent", "explore")]
    first = anthropic_server.message_requests[1].body["messages"][-1]["content"][0]
    assert first["content"] == "hi" and not first.get("is_error")
    assert "Say" not in [t["name"] for t in anthropic_server.message_requests[0].body["tools"]]


def test_provider_plugin_streams_instead_of_the_sdk(project: Path) -> None:
    """A provider registered by a plugin answers in Messages-API event shape."""
    from typing import Any

    from corral import hookimpl
    from corral.providers import Provider

    seen: list[dict[str, Any]] = []

    async def stream(request: dict[str, Any]) -> Any:
        seen.append(request)
        yield {"type": "message_start", "message": {"model": "echo-1", "usage": {
            "input_tokens": 3, "output_tokens": 1}}}
        yield {"type": "content_block_start", "index": 0,
               "content_block": {"type": "text", "text": ""}}
        for piece in ("echo: ", request["messages"][-1]["content"][-1]["text"]):
            yield {"type": "content_block_delta", "index": 0,
                   "delta": {"type": "text_delta", "text": piece}}
        yield {"type": "content_block_stop", "index": 0}
        yield {"type": "message_delta", "delta": {"stop_reason": "end_turn"},
               "usage": {"output_tokens": 4}}
        yield {"type": "message_stop"}

    class Echo:
        __name__ = "echo-provider"

        @hookimpl
        def corral_register_providers(self, register: Any) -> None:
            register(Provider(name="echo", stream=stream))

    app = App.create(cwd=project, environ={"CORRAL_LOAD_PLUGINS": ""},
                     cli={"api": {"provider": "echo"}}, extra_plugins={"echo": Echo()})
    session = Session(app, headless=True)
    outcome, _ = asyncio.run(run(session, "ping"))
    assert outcome.result == "echo: ping" and len(seen) == 1
    assert session.usage.output_tokens == 4

    app2 = App.create(cwd=project, environ={"CORRAL_LOAD_PLUGINS": ""},
                      cli={"api": {"provider": "nope"}})
    outcome2, _ = asyncio.run(run(Session(app2, headless=True), "ping"))
    assert outcome2.is_error and "names no installed provider" in outcome2.result
