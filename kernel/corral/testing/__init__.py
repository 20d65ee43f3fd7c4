"""A scripted Anthropic Messages-API server for tests: the real SDK talks to it over HTTP.

::

    from corral.testing import MessagesServer, text, tool_use, error

    with MessagesServer(tool_use("Read", {"file_path": "a.py"}), text("done")) as server:
        client = anthropic.Anthropic(base_url=server.base_url, api_key="test", max_retries=0)
        ...
        assert server.requests[1].messages[-1]["content"][0]["type"] == "tool_result"

Under pytest the ``anthropic_server`` fixture (from :mod:`corral.testing.pytest_plugin`) gives
a fresh server per test with ``ANTHROPIC_BASE_URL`` and a dummy ``ANTHROPIC_API_KEY`` set.
``OpenAIServer`` answers the same script in the OpenAI format (Chat Completions and
Responses); the ``openai_server`` fixture sets ``OPENAI_BASE_URL`` and ``OPENAI_API_KEY`` for it.
``ForwardProxy`` is a loopback HTTP proxy for ``HTTP_PROXY``/``HTTPS_PROXY`` to point at.
This package imports only the standard library and msgspec; never the anthropic SDK, never pytest.
"""

from __future__ import annotations

from corral.testing._isolation import isolate
from corral.testing._openai_server import OpenAIServer
from corral.testing._proxy import ForwardProxy
from corral.testing._record import RecordedRequest
from corral.testing._render import estimate_tokens
from corral.testing._server import MessagesServer, Responder, Scripted, ScriptError
from corral.testing.plugin_kit import check_settings_table
from corral.testing.replies import (
    Block,
    ErrorReply,
    MessageReply,
    RedactedThinkingBlock,
    Reply,
    ServerToolUseBlock,
    TextBlock,
    ThinkingBlock,
    ToolUseBlock,
    Usage,
    WebSearchResultBlock,
    context_length_exceeded,
    cut_stream,
    delayed,
    error,
    message,
    model_not_found,
    overloaded,
    prompt_too_long,
    rate_limited,
    slow,
    text,
    text_block,
    thinking,
    thinking_block,
    tool_block,
    tool_use,
    web_search,
)

__all__ = [
    "Block",
    "ErrorReply",
    "ForwardProxy",
    "MessageReply",
    "MessagesServer",
    "OpenAIServer",
    "RecordedRequest",
    "RedactedThinkingBlock",
    "Reply",
    "Responder",
    "ScriptError",
    "Scripted",
    "ServerToolUseBlock",
    "TextBlock",
    "ThinkingBlock",
    "ToolUseBlock",
    "Usage",
    "WebSearchResultBlock",
    "check_settings_table",
    "context_length_exceeded",
    "cut_stream",
    "delayed",
    "error",
    "estimate_tokens",
    "isolate",
    "message",
    "model_not_found",
    "overloaded",
    "prompt_too_long",
    "rate_limited",
    "slow",
    "text",
    "text_block",
    "thinking",
    "thinking_block",
    "tool_block",
    "tool_use",
    "web_search",
]
