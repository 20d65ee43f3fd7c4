"""MCP content mapped to tool-result blocks."""

from __future__ import annotations

from corral_mcp.results import as_content, cap, content_blocks, with_structured
from corral_mcp.tools import tool_name
from mcp.types import (
    AudioContent,
    BlobResourceContents,
    EmbeddedResource,
    ImageContent,
    ResourceLink,
    TextContent,
    TextResourceContents,
)


def test_each_content_kind() -> None:
    blocks = content_blocks([
        TextContent(type="text", text="hi"),
        ImageContent(type="image", data="AAAA", mime_type="image/png"),
        ImageContent(type="image", data="AAAA", mime_type="image/tiff"),
        AudioContent(type="audio", data="AAAA", mime_type="audio/wav"),
        ResourceLink(type="resource_link", name="log", uri="file:///tmp/log", mime_type="text/plain"),
        EmbeddedResource(type="resource", resource=TextResourceContents(uri="note://a", text="body")),
        EmbeddedResource(type="resource", resource=BlobResourceContents(
            uri="blob://b", blob="AAAAAAAA", mime_type="application/zip")),
    ])
    assert blocks[0] == {"type": "text", "text": "hi"}
    assert blocks[1] == {"type": "image", "source": {"type": "base64", "media_type": "image/png",
                                                     "data": "AAAA"}}
    assert "image/tiff" in blocks[2]["text"] and "audio/wav" in blocks[3]["text"]
    assert blocks[4]["text"] == "[resource: log <file:///tmp/log> (text/plain)]"
    assert blocks[5]["text"] == '<resource uri="note://a">\nbody\n</resource>'
    assert "application/zip, about 6 bytes" in blocks[6]["text"]
    assert isinstance(as_content(blocks), list)
    assert as_content(blocks[:1]) == "hi"


def test_structured_content_only_when_nothing_else_came() -> None:
    assert with_structured([], {"a": 1}) == [{"type": "text", "text": '{"a": 1}'}]
    text = [{"type": "text", "text": "a is 1"}]
    assert with_structured(text, {"a": 1}) == text


def test_cap_cuts_text_and_says_so() -> None:
    blocks = cap([{"type": "text", "text": "x" * 1000}], max_tokens=100)
    assert blocks[0]["text"] == "x" * 400
    assert "about 250 tokens, above the limit of 100" in blocks[1]["text"]
    small = [{"type": "text", "text": "short"}]
    assert cap(small, 100) == small


def test_tool_names_follow_the_mcp_double_underscore_form() -> None:
    assert tool_name("git hub", "list.issues") == "mcp__git_hub__list_issues"
    assert len(tool_name("s" * 40, "t" * 40)) == 64
