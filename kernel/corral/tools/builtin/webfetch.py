"""WebFetch: fetch a web page and return its readable text with the caller's question."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Annotated
from urllib.parse import urljoin, urlsplit

import msgspec

from corral._version import __version__
from corral.tools.base import Tool, ToolResult

if TYPE_CHECKING:
    import httpx

    from corral.session import Session

MAX_BYTES = 5_000_000
TIMEOUT_SECONDS = 30.0
MAX_REDIRECTS = 10
#: Text beyond this many characters is cut, with a note.
MAX_TEXT_CHARS = 100_000

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_TEXT_TYPES = ("application/json", "application/xml", "application/javascript", "application/x-")


class WebFetchInput(msgspec.Struct, kw_only=True):
    url: Annotated[str, msgspec.Meta(description="Full http:// or https:// URL to fetch.")]
    prompt: Annotated[str, msgspec.Meta(description="What you want to learn from the page.")]


def _is_text(content_type: str, body: bytes) -> bool:
    if content_type.startswith("text/") or content_type.startswith(_TEXT_TYPES):
        return True
    if content_type.endswith(("+json", "+xml")):
        return True
    return not content_type and b"\0" not in body[:8192]


class WebFetch(Tool):
    name = "WebFetch"
    description = (
        "Fetch a web page (http or https) and get its readable text together with your "
        "prompt, so you can answer the prompt from the page. HTML is reduced to text with "
        "headings, lists and links kept. Bodies over 5 MB are cut and requests stop after "
        "30 seconds. Redirects on the same host are followed; a redirect to another host is "
        "reported instead, so you can fetch that URL in a new call."
    )
    input_type = WebFetchInput
    concurrency_safe = True
    read_only = True

    def __init__(self, *, timeout: float = TIMEOUT_SECONDS, max_bytes: int = MAX_BYTES) -> None:
        self.timeout = timeout
        self.max_bytes = max_bytes

    async def run(self, session: Session, params: WebFetchInput) -> ToolResult:
        import httpx

        parts = urlsplit(params.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return ToolResult(
                content=f"url must be a full http:// or https:// URL, got {params.url!r}.",
                is_error=True,
            )
        headers = {"User-Agent": f"corral/{__version__}", "Accept": "text/html, text/*;q=0.9"}
        try:
            async with (
                asyncio.timeout(self.timeout),
                httpx.AsyncClient(headers=headers, timeout=self.timeout) as client,
            ):
                return await self._fetch(client, params)
        except TimeoutError:
            return ToolResult(
                content=f"Fetching {params.url} timed out after {self.timeout:g} seconds.",
                is_error=True,
            )
        except httpx.HTTPError as exc:
            return ToolResult(
                content=f"Could not fetch {params.url}: {type(exc).__name__}: {exc}",
                is_error=True,
            )

    async def _fetch(self, client: httpx.AsyncClient, params: WebFetchInput) -> ToolResult:
        url = params.url
        for _ in range(MAX_REDIRECTS + 1):
            async with client.stream("GET", url) as resp:
                if resp.is_redirect and "location" in resp.headers:
                    target = urljoin(url, resp.headers["location"])
                    if urlsplit(target).hostname != urlsplit(url).hostname:
                        return ToolResult(
                            content=(
                                f"{url} redirects to {target}, which is on another host. "
                                "To follow it, call WebFetch again with that URL."
                            ),
                            meta={"redirect": target},
                        )
                    url = target
                    continue
                body = bytearray()
                truncated = False
                async for chunk in resp.aiter_bytes():
                    body += chunk
                    if len(body) > self.max_bytes:
                        del body[self.max_bytes :]
                        truncated = True
                        break
                return self._result(url, resp, bytes(body), truncated, params.prompt)
        return ToolResult(
            content=f"{params.url} redirected more than {MAX_REDIRECTS} times; giving up.",
            is_error=True,
        )

    def _result(
        self, url: str, resp: httpx.Response, body: bytes, truncated: bool, prompt: str
    ) -> ToolResult:
        content_type = resp.headers.get("content-type", "").split(";")[0].strip().lower()
        meta = {"url": url, "status": resp.status_code, "content_type": content_type}
        if not _is_text(content_type, body):
            return ToolResult(
                content=(
                    f"{url} returned {content_type or 'unlabelled'} content, which is not "
                    "text; WebFetch only reads text and HTML."
                ),
                is_error=True,
                meta=meta,
            )
        try:
            decoded = body.decode(resp.charset_encoding or "utf-8", errors="replace")
        except LookupError:
            decoded = body.decode("utf-8", errors="replace")
        title = ""
        if content_type in _HTML_TYPES or (not content_type and "<html" in decoded[:2000]):
            from corral.tools.builtin._html import html_to_text  # html.parser: only when used

            title, decoded = html_to_text(decoded, url)
        notes = []
        if truncated:
            notes.append(f"[The body was cut at {self.max_bytes} bytes.]")
        if len(decoded) > MAX_TEXT_CHARS:
            notes.append(f"[Text cut at {MAX_TEXT_CHARS} of {len(decoded)} characters.]")
            decoded = decoded[:MAX_TEXT_CHARS]
        head = f"URL: {url}\nStatus: {resp.status_code} {content_type}, {len(body)} bytes"
        if title:
            head += f"\nTitle: {title}"
        text = "\n".join([head, "", decoded, *notes, "", "---", f"Prompt: {prompt}"])
        if resp.status_code >= 400:
            return ToolResult(
                content=f"HTTP error {resp.status_code}.\n{text}", is_error=True, meta=meta
            )
        return ToolResult(content=text, meta=meta)
