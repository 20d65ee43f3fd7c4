"""Tool input schemas are generated once per type, and every caller gets its own copy."""

from __future__ import annotations

from typing import Annotated

import msgspec
from corral.tools._schema import _CACHE, struct_schema


class Inner(msgspec.Struct):
    depth: int


class Params(msgspec.Struct):
    path: Annotated[str, msgspec.Meta(description="where")]
    inner: Inner | None = None


def test_each_call_returns_a_fresh_equal_schema() -> None:
    first = struct_schema(Params)
    first["properties"]["path"]["description"] = "changed by one caller"
    first["required"].append("bogus")
    second = struct_schema(Params)
    assert second["properties"]["path"]["description"] == "where"
    assert second["required"] == ["path"]
    assert "$ref" not in msgspec.json.encode(second).decode()  # references inlined
    assert Params in _CACHE  # generated once, kept
