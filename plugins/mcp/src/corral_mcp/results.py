"""MCP content to tool-result blocks: text, images, resources, structured content, a cap."""

from __future__ import annotations

import json
from typing import Any

#: Characters per token, for the output cap.
CHARS_PER_TOKEN = 4
_IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")


def _field(item: Any, name: str, default: Any = None) -> Any:
    return getattr(item, name, default)


def content_blocks(items: list[Any]) -> list[dict[str, Any]]:
    """Each MCP content item as a Messages API block (text or image)."""
    blocks: list[dict[str, Any]] = []
    for item in items:
        kind = _field(item, "type", "")
        if kind == "text":
            blocks.append({"type": "text", "text": item.text})
        elif kind == "image":
            mime = _field(item, "mime_type", "") or "image/png"
            if mime in _IMAGE_TYPES:
                blocks.append({"type": "image", "source": {
                    "type": "base64", "media_type": mime, "data": item.data}})
            else:
                blocks.append({"type": "text", "text": f"[image of type {mime} not shown]"})
        elif kind == "audio":
            mime = _field(item, "mime_type", "") or "audio"
            blocks.append({"type": "text", "text": f"[audio ({mime}) not shown]"})
        elif kind == "resource_link":
            text = f"[resource: {_field(item, 'name', '')} <{item.uri}>"
            if _field(item, "mime_type"):
                text += f" ({item.mime_type})"
            if _field(item, "description"):
                text += f" {item.description}"
            blocks.append({"type": "text", "text": text + "]"})
        elif kind == "resource":
            blocks.extend(resource_blocks([item.resource]))
        else:
            blocks.append({"type": "text", "text": f"[content of type {kind!r} not shown]"})
    return blocks


def resource_blocks(contents: list[Any]) -> list[dict[str, Any]]:
    """Resource contents (text or blob) as blocks."""
    blocks: list[dict[str, Any]] = []
    for item in contents:
        uri = str(_field(item, "uri", ""))
        mime = _field(item, "mime_type", "") or ""
        text = _field(item, "text")
        if text is not None:
            blocks.append({"type": "text", "text": f"<resource uri=\"{uri}\">\n{text}\n</resource>"})
        elif mime in _IMAGE_TYPES:
            blocks.append({"type": "image", "source": {
                "type": "base64", "media_type": mime, "data": item.blob}})
        else:
            size = len(_field(item, "blob", "") or "") * 3 // 4
            blocks.append({"type": "text",
                           "text": f"[resource {uri}: {mime or 'binary'}, about {size} bytes, "
                           "not shown]"})
    return blocks


def with_structured(blocks: list[dict[str, Any]], structured: Any) -> list[dict[str, Any]]:
    """Structured content as JSON text when the server sent no other content (servers that
    send both put the same data in a text block)."""
    if structured is None or blocks:
        return blocks
    return [{"type": "text", "text": json.dumps(structured, ensure_ascii=False)}]


def cap(blocks: list[dict[str, Any]], max_tokens: int) -> list[dict[str, Any]]:
    """Cut text past ``max_tokens`` (about 4 characters each), saying how much was cut."""
    limit = max_tokens * CHARS_PER_TOKEN
    total = sum(len(b.get("text", "")) for b in blocks)
    if max_tokens <= 0 or total <= limit:
        return blocks
    out: list[dict[str, Any]] = []
    room = limit
    for block in blocks:
        if block["type"] != "text":
            out.append(block)
            continue
        if room <= 0:
            continue
        text = block["text"]
        out.append({"type": "text", "text": text[:room]})
        room -= len(text)
    out.append({"type": "text", "text": (
        f"[output cut: the tool returned about {total // CHARS_PER_TOKEN} tokens, above the "
        f"limit of {max_tokens} ([plugins.mcp] max_output_tokens); ask for less, e.g. with "
        "paging or a narrower query]")})
    return out


def as_content(blocks: list[dict[str, Any]]) -> str | list[dict[str, Any]]:
    """Plain text when every block is text, else the blocks."""
    if all(b["type"] == "text" for b in blocks):
        return "\n".join(b["text"] for b in blocks)
    return blocks
