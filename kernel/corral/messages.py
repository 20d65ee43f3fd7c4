"""Small helpers for conversation messages in Messages API shape."""

from __future__ import annotations

from typing import Any

Content = str | list[dict[str, Any]]


def with_text(content: Content, text: str) -> list[dict[str, Any]]:
    """``content`` (a string or a list of blocks) with a text block holding ``text`` added
    at the end; ``content`` itself is not changed."""
    blocks = [{"type": "text", "text": content}] if isinstance(content, str) else list(content)
    return [*blocks, {"type": "text", "text": text}]
