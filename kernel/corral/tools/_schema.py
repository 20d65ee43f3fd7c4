"""JSON schemas for tool inputs, generated from msgspec Structs."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

import msgspec

from corral.hints import resolve_annotations

#: Each input type's finished schema, encoded; the most recently used few hundred types.
_CACHE: OrderedDict[type[msgspec.Struct], bytes] = OrderedDict()
_CACHE_SIZE = 512


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _inline(defs[ref.removeprefix("#/$defs/")], defs)
        return {k: _inline(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    return node


def inlined(raw: dict[str, Any], defs: dict[str, Any] | None = None) -> dict[str, Any]:
    """A schema from msgspec as the model is shown it: every ``$ref`` inlined (from
    ``defs``, by default the schema's own ``$defs``), no title, an object type."""
    schema: dict[str, Any] = _inline(raw, raw.get("$defs", {}) if defs is None else defs)
    schema.pop("title", None)
    schema.setdefault("type", "object")
    return schema


def struct_schema(struct_type: type[msgspec.Struct]) -> dict[str, Any]:
    """Return an object schema for ``struct_type`` with every ``$ref`` inlined.

    Generated once per type and process (every session and sub-agent lists the same tools);
    each call returns a fresh copy, so a caller may change its own."""
    encoded = _CACHE.get(struct_type)
    if encoded is None:
        build_schemas([struct_type])
        encoded = _CACHE[struct_type]
    else:
        _CACHE.move_to_end(struct_type)
    decoded: dict[str, Any] = msgspec.json.decode(encoded)
    return decoded


def build_schemas(struct_types: Iterable[type[msgspec.Struct]]) -> None:
    """Generate, in one pass, the schemas of those of ``struct_types`` not generated yet,
    so that :func:`struct_schema` finds them.

    One pass over many types is cheaper than one each (msgspec checks and describes the
    types they share once); the schemas are the same. Should the pass fail, each type is
    generated alone, so the error is the one that type raises by itself."""
    todo = list(dict.fromkeys(t for t in struct_types if t not in _CACHE))
    if not todo:
        return
    for struct_type in todo:
        # msgspec would evaluate each string annotation twice here (once for the decoder it
        # builds to check the types, once to describe them): resolve them once, exactly.
        resolve_annotations(struct_type)
    try:
        raws, defs = msgspec.json.schema_components(todo)
    except Exception:
        if len(todo) == 1:
            raise
        for struct_type in todo:
            build_schemas([struct_type])
        return
    for struct_type, raw in zip(todo, raws, strict=True):
        _CACHE[struct_type] = msgspec.json.encode(inlined(raw, defs))
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
