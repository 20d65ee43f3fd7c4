"""WebSearch through the Messages API's server-side web search, over loopback."""

from __future__ import annotations

import json
from pathlib import Path

from corral.testing import error, estimate_tokens, text, tool_use, web_search

from tests.cli.conftest import result_of


def tool_result_text(request) -> str:
    [block] = request.body["messages"][-1]["content"]
    assert block["type"] == "tool_result"
    content = block["content"]
    return content if isinstance(content, str) else json.dumps(content)


def test_a_search_runs_on_the_endpoint_and_its_results_come_back(
        anthropic_server, run_cli, project: Path) -> None:
    anthropic_server.enqueue(
        tool_use("WebSearch", {"query": "msgspec struct tagged union",
                               "allowed_domains": ["jcristharif.com"]}),
        web_search("msgspec struct tagged union",
                   [("https://jcristharif.com/msgspec/structs.html", "Structs - msgspec"),
                    ("https://jcristharif.com/msgspec/usage.html", "Usage - msgspec")],
                   "Tagged unions use tag and tag_field on each Struct."),
        text("Use tag= on each Struct."))
    code, out, err = run_cli("-p", "how do tagged unions work?", "--output-format", "json")
    assert code == 0, out + err
    assert result_of(out)["result"] == "Use tag= on each Struct."
    main1, search, main2 = anthropic_server.message_requests
    assert search.body["tools"] == [{"type": "web_search_20250305", "name": "web_search",
                                     "max_uses": 5, "allowed_domains": ["jcristharif.com"]}]
    assert "msgspec struct tagged union" in json.dumps(search.body["messages"])
    assert search.body["model"] == main1.body["model"]
    result = tool_result_text(main2)
    assert "[Structs - msgspec](https://jcristharif.com/msgspec/structs.html)" in result
    assert "[Usage - msgspec](https://jcristharif.com/msgspec/usage.html)" in result
    assert "Tagged unions use tag and tag_field" in result
    # the search's usage counts in the session's
    assert result_of(out)["usage"]["input_tokens"] == sum(
        estimate_tokens(r.body) for r in (main1, search, main2))


def test_an_endpoint_without_server_search_is_a_clear_tool_error(
        anthropic_server, run_cli, project: Path) -> None:
    anthropic_server.enqueue(
        tool_use("WebSearch", {"query": "latest ruff release"}),
        error(400, "tools.0: unknown tool type 'web_search_20250305'"),
        text("I could not search."))
    code, out, err = run_cli("-p", "search", "--output-format", "json")
    assert code == 0, out + err
    result = tool_result_text(anthropic_server.message_requests[-1])
    assert "WebSearch: the web search failed" in result and "web_search_20250305" in result
    assert json.loads(json.dumps(anthropic_server.message_requests[-1].body["messages"][-1]))[
        "content"][0]["is_error"] is True


def test_an_answer_without_a_search_and_a_failed_search_are_errors(
        anthropic_server, run_cli, project: Path) -> None:
    anthropic_server.enqueue(
        tool_use("WebSearch", {"query": "python 3.14 release date"}),
        text("It was released in October."),  # no search ran: not passed off as results
        tool_use("WebSearch", {"query": "python 3.14 release date"}),
        web_search("python 3.14 release date", error_code="max_uses_exceeded"),
        tool_use("WebSearch", {"query": "x y", "allowed_domains": ["a.org"],
                               "blocked_domains": ["b.org"]}),
        text("done"))
    code, out, err = run_cli("-p", "search", "--output-format", "json")
    assert code == 0, out + err
    requests = anthropic_server.message_requests
    assert "answered without running a web search" in tool_result_text(requests[2])
    assert "max_uses_exceeded" in tool_result_text(requests[4])
    assert "not both" in tool_result_text(requests[5])
    assert len(requests) == 6  # the bad filter pair never reached the endpoint
