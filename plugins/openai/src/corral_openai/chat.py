"""Chat Completions: the request body from a Messages request, and the stream back as events."""

from __future__ import annotations

from typing import Any

from corral_openai.content import (
    arguments_json,
    blocks_of,
    function_tools,
    parse_usage,
    split_user,
    system_text,
    tool_choice,
)
from corral_openai.events import Event, MessageEvents
from corral_openai.settings import Endpoint

PATH = "/chat/completions"

#: Messages stop reason for each Chat Completions finish reason.
STOP_REASONS: dict[str, str] = {
    "stop": "end_turn",
    "length": "max_tokens",
    "tool_calls": "tool_use",
    "function_call": "tool_use",
    "content_filter": "refusal",
}

#: Delta fields servers put reasoning text in.
REASONING_FIELDS = ("reasoning_content", "reasoning")


def chat_body(request: dict[str, Any], endpoint: Endpoint) -> dict[str, Any]:
    """The ``/chat/completions`` body (streaming) for the engine's ``request``."""
    settings = endpoint.settings
    messages: list[dict[str, Any]] = []
    system = system_text(request.get("system"))
    if system:
        messages.append({"role": "system", "content": system})
    for message in request.get("messages", []):
        if message.get("role") == "assistant":
            messages.append(_assistant(message, settings.replay_reasoning))
        else:
            messages.extend(_user(message, settings.images))
    body: dict[str, Any] = {"model": request["model"], "messages": messages, "stream": True}
    if settings.include_usage:
        body["stream_options"] = {"include_usage": True}
    if "max_tokens" in request:
        field = settings.max_tokens_field
        if field == "auto":
            field = "max_completion_tokens" if endpoint.is_openai else "max_tokens"
        body[field] = request["max_tokens"]
    tools = function_tools(request.get("tools"))
    if tools:
        body["tools"] = [{"type": "function", "function": tool} for tool in tools]
    for key in ("temperature", "top_p"):
        if key in request:
            body[key] = request[key]
    if request.get("stop_sequences"):
        body["stop"] = request["stop_sequences"]
    choice = tool_choice(request.get("tool_choice"))
    if choice is not None and tools:
        body["tool_choice"] = choice
    if settings.reasoning_effort:
        body["reasoning_effort"] = settings.reasoning_effort
    body.update(settings.extra_body)
    return body


def _assistant(message: dict[str, Any], replay_reasoning: bool) -> dict[str, Any]:
    texts: list[str] = []
    thoughts: list[str] = []
    calls: list[dict[str, Any]] = []
    for block in blocks_of(message.get("content")):
        kind = block.get("type")
        if kind == "text":
            texts.append(str(block.get("text", "")))
        elif kind == "thinking":
            thoughts.append(str(block.get("thinking", "")))
        elif kind == "tool_use":
            calls.append(
                {
                    "id": block["id"],
                    "type": "function",
                    "function": {"name": block["name"], "arguments": arguments_json(block.get("input"))},
                }
            )
    out: dict[str, Any] = {"role": "assistant", "content": "".join(texts) or (None if calls else "")}
    if calls:
        out["tool_calls"] = calls
    if replay_reasoning and thoughts:
        out["reasoning_content"] = "".join(thoughts)
    return out


def _user(message: dict[str, Any], images: bool) -> list[dict[str, Any]]:
    """Tool results become ``tool`` messages (first, right after the calls); the rest of the
    content, and images a tool returned, follow as one user message."""
    content = split_user(message, images)
    out: list[dict[str, Any]] = [
        {"role": "tool", "tool_call_id": call, "content": text}
        for call, text in content.tool_results
    ]
    if content.parts:
        if all(p.kind == "text" for p in content.parts):
            out.append({"role": "user", "content": "\n\n".join(p.value for p in content.parts)})
        else:
            out.append({"role": "user", "content": [
                {"type": "text", "text": p.value} if p.kind == "text"
                else {"type": "image_url", "image_url": {"url": p.value}}
                for p in content.parts
            ]})
    return out


class _Call:
    __slots__ = ("arguments", "id", "name")

    def __init__(self) -> None:
        self.id = ""
        self.name = ""
        self.arguments: list[str] = []


class ChatStream:
    """Reads Chat Completions chunks and writes Messages events.

    Reasoning and text stream as they come; tool calls are collected by their ``index`` (their
    argument fragments joined) and written once the reply ends, after the text.
    """

    #: Chat streams end with ``[DONE]``, not with a chunk.
    ended = False

    def __init__(self, model: str) -> None:
        self.model = model
        self.out = MessageEvents()
        self.calls: dict[int, _Call] = {}
        self.finish_reason: str | None = None
        self.usage: dict[str, int] = {}

    def feed(self, chunk: dict[str, Any]) -> list[Event]:
        events = self.out.start(str(chunk.get("model") or self.model))
        if chunk.get("usage"):
            self.usage = parse_usage(chunk["usage"])
        for choice in chunk.get("choices") or []:
            if not isinstance(choice, dict) or choice.get("index", 0) != 0:
                continue
            delta = choice.get("delta") or choice.get("message") or {}
            events.extend(self._delta(delta))
            if choice.get("finish_reason"):
                self.finish_reason = str(choice["finish_reason"])
        return events

    def _delta(self, delta: dict[str, Any]) -> list[Event]:
        events: list[Event] = []
        for field in REASONING_FIELDS:
            piece = delta.get(field)
            if isinstance(piece, str):
                events.extend(self.out.thinking(piece))
        piece = delta.get("content")
        if isinstance(piece, str):
            events.extend(self.out.text(piece))
        for position, call in enumerate(delta.get("tool_calls") or []):
            index = call.get("index", position)
            entry = self.calls.setdefault(index if isinstance(index, int) else position, _Call())
            entry.id = entry.id or str(call.get("id") or "")
            function = call.get("function") or {}
            entry.name = entry.name or str(function.get("name") or "")
            arguments = function.get("arguments")
            if isinstance(arguments, str):
                entry.arguments.append(arguments)
            elif isinstance(arguments, dict):  # a server that sends the object itself
                entry.arguments.append(arguments_json(arguments))
        return events

    def feed_whole(self, completion: dict[str, Any]) -> list[Event]:
        """All events of a non-streamed ``chat.completion`` object."""
        events = self.feed(completion)
        self.finish_reason = self.finish_reason or "stop"
        return events + self.finish()

    @property
    def complete(self) -> bool:
        """Whether the reply reached its end (a finish reason arrived)."""
        return self.finish_reason is not None

    def finish(self) -> list[Event]:
        """The closing events: tool calls, stop reason and usage."""
        events = self.out.start(self.model)
        for index in sorted(self.calls):
            call = self.calls[index]
            events.extend(self.out.tool_call(call.id, call.name, "".join(call.arguments)))
        reason = STOP_REASONS.get(self.finish_reason or "stop", "end_turn")
        if self.calls and reason != "max_tokens":
            reason = "tool_use"  # some servers say "stop" after tool calls
        events.extend(self.out.finish(reason, self.usage))
        return events
