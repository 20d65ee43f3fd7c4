"""Messages-shaped history → Chat Completions and Responses bodies."""

from __future__ import annotations

from typing import Any

import msgspec
from corral.api import Config
from corral_openai.chat import chat_body
from corral_openai.responses import responses_body
from corral_openai.settings import endpoint_from

PNG = {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0"}}

HISTORY: list[dict[str, Any]] = [
    {"role": "user", "content": "look at a.py and b.png"},
    {"role": "assistant", "content": [
        {"type": "thinking", "thinking": "two reads", "signature": ""},
        {"type": "text", "text": "Reading both."},
        {"type": "tool_use", "id": "call_1", "name": "Read", "input": {"file_path": "a.py"}},
        {"type": "tool_use", "id": "call_2", "name": "Read", "input": {"file_path": "b.png"}},
    ]},
    {"role": "user", "content": [
        {"type": "tool_result", "tool_use_id": "call_1", "content": "no such file", "is_error": True},
        {"type": "tool_result", "tool_use_id": "call_2",
         "content": [{"type": "text", "text": "an image"}, PNG]},
        {"type": "text", "text": "and hurry"},
    ]},
]


def body(style: str = "chat", base_url: str = "http://127.0.0.1:1/v1", **plugin: Any) -> dict[str, Any]:
    config = msgspec.convert(
        {"api": {"provider": "openai", "base_url": base_url}, "plugins": {"openai": plugin}}, Config
    )
    request = {"model": "m", "max_tokens": 50, "system": "sys", "messages": HISTORY}
    make = chat_body if style == "chat" else responses_body
    return make(request, endpoint_from(config, {}))


def test_parallel_calls_errors_and_tool_images_in_chat() -> None:
    messages = body()["messages"]
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "tool", "tool", "user"]
    assistant = messages[2]
    assert assistant["content"] == "Reading both." and "reasoning_content" not in assistant
    assert [c["id"] for c in assistant["tool_calls"]] == ["call_1", "call_2"]
    assert assistant["tool_calls"][0]["function"] == {
        "name": "Read", "arguments": '{"file_path": "a.py"}'}
    assert messages[3] == {"role": "tool", "tool_call_id": "call_1", "content": "Error: no such file"}
    assert messages[4] == {"role": "tool", "tool_call_id": "call_2", "content": "an image"}
    parts = messages[5]["content"]
    assert parts[0]["text"] == "Images returned by tool call call_2:"
    assert parts[1] == {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0"}}
    assert parts[2] == {"type": "text", "text": "and hurry"}


def test_images_off_and_reasoning_replayed() -> None:
    messages = body(images=False, replay_reasoning=True)["messages"]
    assert messages[2]["reasoning_content"] == "two reads"
    assert "image omitted" in messages[4]["content"]
    assert messages[5] == {"role": "user", "content": "and hurry"}


def test_output_limit_field_follows_the_host() -> None:
    assert body(base_url="https://api.openai.com/v1")["max_completion_tokens"] == 50
    assert body()["max_tokens"] == 50
    assert body(max_tokens_field="max_completion_tokens")["max_completion_tokens"] == 50


def test_responses_items() -> None:
    items = body("responses")["input"]
    kinds = [i.get("type", i.get("role")) for i in items]
    assert kinds == ["user", "message", "function_call", "function_call", "function_call_output",
                     "function_call_output", "user"]
    assert items[4] == {"type": "function_call_output", "call_id": "call_1",
                        "output": "Error: no such file"}
    assert items[6]["content"][1] == {"type": "input_image", "image_url": "data:image/png;base64,iVBORw0"}
