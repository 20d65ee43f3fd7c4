"""Building a Messages API request with prompt-cache breakpoints after the stable prefix.

Order of the cached prefix: tools, then the ``static`` system sections (breakpoint 1), then the
``session`` sections (breakpoint 2), then ``turn`` sections; the newest user message carries
breakpoint 3. That is three of the four the API allows.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from corral.prompt import PromptSection
from corral.tools.base import Tool

EPHEMERAL = {"type": "ephemeral"}


def system_blocks(sections: Sequence[PromptSection]) -> list[dict[str, Any]]:
    """Join sections by scope into at most three text blocks, cache-marking the stable two."""
    blocks: list[dict[str, Any]] = []
    for scope in ("static", "session", "turn"):
        texts = [s.text for s in sections if s.scope == scope and s.text.strip()]
        if not texts:
            continue
        block: dict[str, Any] = {"type": "text", "text": "\n\n".join(texts)}
        if scope != "turn":
            block["cache_control"] = EPHEMERAL
        blocks.append(block)
    return blocks


def tool_schemas(tools: Sequence[Tool]) -> list[dict[str, Any]]:
    from corral.tools._schema import build_schemas

    build_schemas(t.input_type for t in tools if t.generated_schema())
    return [
        {"name": t.name, "description": t.description, "input_schema": t.input_schema()}
        for t in tools
    ]


def with_last_user_breakpoint(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A copy of ``messages`` whose newest user message ends with a cache breakpoint.

    Only that message is copied; the history itself never carries cache_control, so the
    bytes of earlier messages stay identical from one request to the next.
    """
    for index in range(len(messages) - 1, -1, -1):
        message = messages[index]
        if message["role"] != "user":
            continue
        content = message["content"]
        if isinstance(content, str):
            content = [{"type": "text", "text": content}]
        else:
            content = copy.copy(content)
        if not content:
            return messages
        content[-1] = {**content[-1], "cache_control": EPHEMERAL}
        out = list(messages)
        out[index] = {"role": "user", "content": content}
        return out
    return messages


def build_request(
    *,
    model: str,
    max_tokens: int,
    sections: Sequence[PromptSection],
    tools: Sequence[Tool],
    messages: list[dict[str, Any]],
    schemas: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    request: dict[str, Any] = {
        "model": model,
        "max_tokens": max_tokens,
        "system": system_blocks(sections),
        "messages": with_last_user_breakpoint(messages),
    }
    if tools:
        request["tools"] = schemas if schemas is not None else tool_schemas(tools)
    return request
