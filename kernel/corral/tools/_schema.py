"""JSON schemas for tool inputs, generated from msgspec Structs."""

from __future__ import annotations

from typing import Any

import msgspec


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _inline(defs[ref.removeprefix("#/$defs/")], defs)
        return {k: _inline(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    return node


def struct_schema(struct_type: type[msgspec.Struct]) -> dict[str, Any]:
    """Return an object schema for ``struct_type`` with every ``$ref`` inlined."""
    raw = msgspec.json.schema(struct_type)
    defs = raw.get("$defs", {})
    schema = _inline(raw, defs)
    schema.pop("title", None)
    schema.setdefault("type", "object")
    return dict(schema)
