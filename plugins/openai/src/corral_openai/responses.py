"""The Responses API (``api_style = "responses"``): request body and stream reader."""

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
from corral_openai.errors import stream_error
from corral_openai.events import Event, MessageEvents
from corral_openai.settings import Endpoint

PATH = "/responses"


def responses_body(request: dict[str, Any], endpoint: Endpoint) -> dict[str, Any]:
    """The ``/responses`` body (streaming, nothing stored server-side) for ``request``."""
    settings = endpoint.settings
    items: list[dict[str, Any]] = []
    for message in request.get("messages", []):
        if message.get("role") == "assistant":
            items.extend(_assistant(message))
        else:
            items.extend(_user(message, settings.images))
    body: dict[str, Any] = {
        "model": request["model"],
        "input": items,
        "stream": True,
        "store": False,
    }
    system = system_text(request.get("system"))
    if system:
        body["instructions"] = system
    if "max_tokens" in request:
        body["max_output_tokens"] = request["max_tokens"]
    tools = function_tools(request.get("tools"))
    if tools:
        body["tools"] = [{"type": "function", **tool} for tool in tools]
    for key in ("temperature", "top_p"):
        if key in request:
            body[key] = request[key]
    choice = tool_choice(request.get("tool_choice"))
    if isinstance(choice, dict):
        choice = {"type": "function", "name": choice["function"]["name"]}
    if choice is not None and tools:
        body["tool_choice"] = choice
    if settings.reasoning_effort:
        body["reasoning"] = {"effort": settings.reasoning_effort, "summary": "auto"}
    body.update(settings.extra_body)
    return body


def _assistant(message: dict[str, Any]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for block in blocks_of(message.get("content")):
        kind = block.get("type")
        if kind == "text" and block.get("text"):
            items.append(
                {
                    "type": "message",
                    "role": "assistant",
                    "content": [{"type": "output_text", "text": block["text"]}],
                }
            )
        elif kind == "tool_use":
            items.append(
                {
                    "type": "function_call",
                    "call_id": block["id"],
                    "name": block["name"],
                    "arguments": arguments_json(block.get("input")),
                }
            )
    return items


def _user(message: dict[str, Any], images: bool) -> list[dict[str, Any]]:
    """Tool results become ``function_call_output`` items; the rest of the content, and
    images a tool returned, follow as one user message."""
    content = split_user(message, images)
    out: list[dict[str, Any]] = [
        {"type": "function_call_output", "call_id": call, "output": text}
        for call, text in content.tool_results
    ]
    if content.parts:
        out.append({"role": "user", "content": [
            {"type": "input_text", "text": p.value} if p.kind == "text"
            else {"type": "input_image", "image_url": p.value}
            for p in content.parts
        ]})
    return out


class _Call:
    __slots__ = ("arguments", "id", "name")

    def __init__(self, item: dict[str, Any]) -> None:
        self.id = str(item.get("call_id") or item.get("id") or "")
        self.name = str(item.get("name") or "")
        self.arguments: list[str] = [str(item.get("arguments") or "")]


class ResponsesStream:
    """Reads Responses stream events and writes Messages events (tool calls at the end)."""

    def __init__(self, model: str) -> None:
        self.model = model
        self.out = MessageEvents()
        self.calls: dict[int, _Call] = {}
        self.usage: dict[str, int] = {}
        self.status: str | None = None
        self.ended = False

    def feed(self, data: dict[str, Any]) -> list[Event]:
        kind = data.get("type", "")
        response = data.get("response") if isinstance(data.get("response"), dict) else {}
        events = self.out.start(str(response.get("model") or self.model))
        if kind == "response.output_text.delta":
            events.extend(self.out.text(str(data.get("delta", ""))))
        elif kind in ("response.reasoning_summary_text.delta", "response.reasoning_text.delta"):
            events.extend(self.out.thinking(str(data.get("delta", ""))))
        elif kind in ("response.output_item.added", "response.output_item.done"):
            item = data.get("item") or {}
            if item.get("type") == "function_call":
                self.calls[int(data.get("output_index", len(self.calls)))] = _Call(item)
        elif kind == "response.function_call_arguments.delta":
            call = self.calls.get(int(data.get("output_index", -1)))
            if call is not None:
                call.arguments.append(str(data.get("delta", "")))
        elif kind in ("response.completed", "response.incomplete", "response.failed"):
            self._end(response)
        return events

    def _end(self, response: dict[str, Any]) -> None:
        self.ended = True
        self.status = str(response.get("status") or "completed")
        self.usage = parse_usage(response.get("usage"))
        if self.status == "failed":
            raise stream_error(response.get("error") or {}, None)

    def feed_whole(self, response: dict[str, Any]) -> list[Event]:
        """All events of a non-streamed ``response`` object."""
        events = self.out.start(str(response.get("model") or self.model))
        for index, item in enumerate(response.get("output") or []):
            kind = item.get("type")
            if kind == "message":
                for part in item.get("content") or []:
                    if part.get("type") == "output_text":
                        events.extend(self.out.text(str(part.get("text", ""))))
            elif kind == "reasoning":
                for part in item.get("summary") or []:
                    events.extend(self.out.thinking(str(part.get("text", ""))))
            elif kind == "function_call":
                self.calls[index] = _Call(item)
        self._end(response)
        return events + self.finish()

    @property
    def complete(self) -> bool:
        return self.ended

    def finish(self) -> list[Event]:
        events = self.out.start(self.model)
        for index in sorted(self.calls):
            call = self.calls[index]
            events.extend(self.out.tool_call(call.id, call.name, "".join(call.arguments)))
        if self.status == "incomplete":
            reason = "max_tokens"
        else:
            reason = "tool_use" if self.calls else "end_turn"
        events.extend(self.out.finish(reason, self.usage))
        return events
