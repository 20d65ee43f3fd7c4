"""Reading the engine's Messages-shaped request: system text, tool schemas, tool results."""

from __future__ import annotations

import json
from typing import Any, Literal, NamedTuple

#: What replaces an image when the model takes none (``images = false``).
IMAGE_OMITTED = "[image omitted: this model is configured to take no images]"


def system_text(system: Any) -> str:
    """The system prompt as one string (the engine sends a list of text blocks)."""
    if isinstance(system, str):
        return system
    if isinstance(system, list):
        return "\n\n".join(b.get("text", "") for b in system if isinstance(b, dict) and b.get("text"))
    return ""


def blocks_of(content: Any) -> list[dict[str, Any]]:
    """A message's content as a list of blocks (a plain string becomes one text block)."""
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    return [b for b in content or [] if isinstance(b, dict)]


def image_url(block: dict[str, Any]) -> str | None:
    """A Messages image block as a URL (``data:`` for base64 sources)."""
    source = block.get("source") or {}
    if source.get("type") == "base64":
        return f"data:{source.get('media_type', 'image/png')};base64,{source.get('data', '')}"
    if source.get("type") == "url":
        url = source.get("url")
        return url if isinstance(url, str) else None
    return None


def tool_result_parts(block: dict[str, Any], images_allowed: bool) -> tuple[str, list[str]]:
    """The text of a tool_result (``Error: `` first when it failed) and its image URLs.

    Where the model takes no images, each image becomes an :data:`IMAGE_OMITTED` line of the
    text and no URL is returned."""
    texts: list[str] = []
    images: list[str] = []
    for part in blocks_of(block.get("content")):
        kind = part.get("type")
        if kind == "text":
            texts.append(str(part.get("text", "")))
        elif kind == "image":
            url = image_url(part)
            if url is not None:
                images.append(url)
        else:
            texts.append(json.dumps(part))
    text = "\n".join(texts)
    if block.get("is_error"):
        text = f"Error: {text}" if text else "Error"
    if images and not images_allowed:
        return "\n".join([text, *[IMAGE_OMITTED] * len(images)]).strip(), []
    return text, images


class Part(NamedTuple):
    """One piece of a user message's own content: text, or an image by URL."""

    kind: Literal["text", "image"]
    value: str


class UserContent(NamedTuple):
    """A Messages user message taken apart for the OpenAI formats, which carry tool results as
    messages or items of their own beside the user's text and images."""

    #: ``(tool_use_id, text)`` of each tool result, in order.
    tool_results: list[tuple[str, str]]
    #: The rest of the content, with the images tool results returned (after a line naming
    #: the call), since these formats take images only in user content.
    parts: list[Part]


def split_user(message: dict[str, Any], images: bool) -> UserContent:
    """Take a user message apart into tool results and the parts of one user message; where
    the model takes no images (``images`` false) each image becomes :data:`IMAGE_OMITTED`."""
    results: list[tuple[str, str]] = []
    parts: list[Part] = []
    for block in blocks_of(message.get("content")):
        kind = block.get("type")
        if kind == "tool_result":
            call = block.get("tool_use_id", "")
            text, urls = tool_result_parts(block, images)
            results.append((call, text))
            if urls:
                parts.append(Part("text", f"Images returned by tool call {call}:"))
                parts.extend(Part("image", u) for u in urls)
        elif kind == "text":
            parts.append(Part("text", str(block.get("text", ""))))
        elif kind == "image":
            url = image_url(block)
            parts.append(Part("image", url) if url is not None and images
                         else Part("text", IMAGE_OMITTED))
    return UserContent(results, parts)


def arguments_json(value: Any) -> str:
    """Tool input as the JSON string OpenAI-format APIs carry."""
    return json.dumps(value if isinstance(value, dict) else {}, ensure_ascii=False)


def function_tools(tools: Any) -> list[dict[str, Any]]:
    """Messages tool schemas (``name``, ``description``, ``input_schema``) as function specs."""
    out = []
    for tool in tools or []:
        if not isinstance(tool, dict) or "name" not in tool:
            continue
        out.append(
            {
                "name": tool["name"],
                "description": tool.get("description", ""),
                "parameters": tool.get("input_schema") or {"type": "object", "properties": {}},
            }
        )
    return out


def tool_choice(choice: Any) -> str | dict[str, Any] | None:
    """A Messages ``tool_choice`` in the OpenAI-format shape (``none``/``auto``/``required``
    or one named function); ``None`` leaves the server's default."""
    if not isinstance(choice, dict):
        return None
    kind = choice.get("type")
    if kind in ("none", "auto"):
        return str(kind)
    if kind == "any":
        return "required"
    if kind == "tool" and choice.get("name"):
        return {"type": "function", "function": {"name": choice["name"]}}
    return None


def parse_usage(usage: Any) -> dict[str, int]:
    """OpenAI-format usage as Messages usage: cached prompt tokens apart from the rest.

    Reads ``prompt_tokens``/``completion_tokens`` (Chat Completions) or ``input_tokens``/
    ``output_tokens`` (Responses), with cached tokens from ``*_tokens_details.cached_tokens``
    or ``prompt_cache_hit_tokens``.
    """
    if not isinstance(usage, dict):
        return {}
    prompt = _int(usage.get("prompt_tokens", usage.get("input_tokens")))
    output = _int(usage.get("completion_tokens", usage.get("output_tokens")))
    details = usage.get("prompt_tokens_details") or usage.get("input_tokens_details") or {}
    cached = _int(details.get("cached_tokens")) if isinstance(details, dict) else 0
    cached = cached or _int(usage.get("prompt_cache_hit_tokens"))
    cached = min(cached, prompt)
    return {
        "input_tokens": prompt - cached,
        "output_tokens": output,
        "cache_read_input_tokens": cached,
        "cache_creation_input_tokens": 0,
    }


def _int(value: Any) -> int:
    return value if isinstance(value, int) and value > 0 else 0
