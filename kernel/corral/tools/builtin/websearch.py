"""WebSearch: a web search run by the model endpoint itself (the Messages API's server-side
``web_search`` tool), returned as the results' titles and links with the model's summary.

The search is one request to the session's model through the engine's request path
(:data:`corral.tools.base.MODEL_REQUEST`), offering only the server tool
``web_search_20250305`` with the call's domain filters. An endpoint that does not offer
server-side search refuses the request or answers without searching; either way the call is
a clear tool error, never an answer made up without a search.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import msgspec

from corral.tools.base import MODEL_REQUEST, Tool, ToolResult

if TYPE_CHECKING:
    from corral.session import Session

#: The server tool's type, as the Messages API names it.
SERVER_TOOL = "web_search_20250305"
#: Searches the endpoint may run for one call.
MAX_USES = 5
#: ``pause_turn`` continuations followed before giving up.
MAX_CONTINUATIONS = 3
MAX_TOKENS = 4096
#: Providers whose endpoint speaks the Messages API (the only ones with the server tool).
MESSAGES_PROVIDERS = frozenset({"anthropic", "anthropic-sdk", "bedrock", "vertex"})

_SYSTEM = ("You run web searches for a coding assistant. Search for what the user asks, "
           "then summarise what the results say that bears on the question, in a few short "
           "paragraphs, naming the pages you rely on. Do not answer from memory alone.")


class WebSearchInput(msgspec.Struct, kw_only=True):
    query: Annotated[str, msgspec.Meta(min_length=2, description="The search query.")]
    allowed_domains: Annotated[list[str] | None, msgspec.Meta(
        description="Only include results from these domains.")] = None
    blocked_domains: Annotated[list[str] | None, msgspec.Meta(
        description="Never include results from these domains.")] = None


class WebSearch(Tool):
    name = "WebSearch"
    description = (
        "Search the web and get the results' titles and links with a short summary of what "
        "they say. Use it for information newer than your training or outside the "
        "repository (release notes, error messages, library documentation). Narrow the "
        "search with allowed_domains or blocked_domains (not both). Cite the links you use "
        "in your answer."
    )
    input_type = WebSearchInput
    concurrency_safe = True
    read_only = True

    async def run(self, session: Session, params: WebSearchInput) -> ToolResult:
        if params.allowed_domains and params.blocked_domains:
            return _error("give allowed_domains or blocked_domains, not both.")
        provider = session.config.api.provider
        if provider not in MESSAGES_PROVIDERS:
            return _error(f"WebSearch needs an endpoint with the Messages API's server-side "
                          f"web search; the {provider!r} provider has none.")
        send = session.stash.get(MODEL_REQUEST)
        if send is None:
            return _error("WebSearch needs a model, and this session has none.")
        server_tool: dict[str, Any] = {"type": SERVER_TOOL, "name": "web_search",
                                       "max_uses": MAX_USES}
        if params.allowed_domains:
            server_tool["allowed_domains"] = list(params.allowed_domains)
        if params.blocked_domains:
            server_tool["blocked_domains"] = list(params.blocked_domains)
        messages: list[dict[str, Any]] = [
            {"role": "user", "content": f"Search the web for: {params.query}"}]
        content: list[dict[str, Any]] = []
        for _ in range(MAX_CONTINUATIONS + 1):
            request = {"model": session.model, "max_tokens": MAX_TOKENS, "system": _SYSTEM,
                       "messages": messages, "tools": [server_tool]}
            try:
                reply = await send(request)
            except Exception as exc:  # the endpoint refused: most likely no server search
                return _error(f"the web search failed: {exc}. The endpoint may not offer "
                              "server-side web search.")
            content.extend(reply.content)
            if reply.stop_reason != "pause_turn":
                break
            messages = [*messages, {"role": "assistant", "content": reply.content}]
        return _render(params.query, content)


def _render(query: str, content: list[dict[str, Any]]) -> ToolResult:
    links: list[str] = []
    failures: list[str] = []
    searched = False
    seen: set[str] = set()
    for block in content:
        if block.get("type") != "web_search_tool_result":
            continue
        searched = True
        found = block.get("content")
        if isinstance(found, dict):
            failures.append(str(found.get("error_code") or "unknown error"))
            continue
        for item in found or []:
            url = item.get("url") if isinstance(item, dict) else None
            if not url or url in seen:
                continue
            seen.add(url)
            title = str(item.get("title") or url)
            age = f" ({item['page_age']})" if item.get("page_age") else ""
            links.append(f"- [{title}]({url}){age}")
    summary = "\n\n".join(str(b.get("text", "")).strip() for b in content
                          if b.get("type") == "text" and str(b.get("text", "")).strip())
    if not searched:
        return _error("the endpoint answered without running a web search; it may not "
                      "offer server-side web search.")
    if not links and failures:
        return _error(f"the web search failed: {', '.join(failures)}.")
    parts = [f'Web search results for "{query}":', "\n".join(links) or "(no results)"]
    if failures:
        parts.append(f"Some searches failed: {', '.join(failures)}.")
    if summary:
        parts.append(f"Summary:\n{summary}")
    return ToolResult(content="\n\n".join(parts),
                      meta={"results": len(links), "failed_searches": failures})


def _error(text: str) -> ToolResult:
    return ToolResult(content=f"WebSearch: {text}", is_error=True)
