"""JSON schemas for tool inputs, generated from msgspec Structs."""

from __future__ import annotations

import functools
from typing import Any

import msgspec

from corral.annotations import resolve_annotations


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _inline(defs[ref.removeprefix("#/$defs/")], defs)
        return {k: _inline(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    return node


def inlined(raw: dict[str, Any]) -> dict[str, Any]:
    """``msgspec.json.schema``'s output as the model is shown it: every ``$ref`` inlined,
    no title, an object type."""
    schema: dict[str, Any] = _inline(raw, raw.get("$defs", {}))
    schema.pop("title", None)
    schema.setdefault("type", "object")
    return schema


def struct_schema(struct_type: type[msgspec.Struct]) -> dict[str, Any]:
    """Return an object schema for ``struct_type`` with every ``$ref`` inlined.

    Generated once per type and process (every session and sub-agent lists the same tools);
    each call returns a fresh copy, so a caller may change its own."""
    decoded: dict[str, Any] = msgspec.json.decode(_schema_json(struct_type))
    return decoded


@functools.lru_cache(maxsize=512)
def _schema_json(struct_type: type[msgspec.Struct]) -> bytes:
    # msgspec would evaluate each string annotation twice here (once for the decoder it
    # builds to check the type, once to describe it): resolve them once, exactly, first.
    resolve_annotations(struct_type)
    return msgspec.json.encode(inlined(msgspec.json.schema(struct_type)))
