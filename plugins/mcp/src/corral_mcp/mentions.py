"""``@server:uri`` in a user message attaches that resource of a connected server.

Looked for in the newest user message before the model answers it; each mention is read
once and added to that message as context (binary content is described, not inlined).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from corral.api import StashKey

from corral_mcp.manager import Manager, describe
from corral_mcp.results import cap
from corral_mcp.tools import read_resource

if TYPE_CHECKING:
    from corral.api import Session

MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_-]+):(\S+[^\s.,;:!?)\]'\"])")
#: Index of the last user message whose mentions were read.
_DONE: StashKey[int] = StashKey("mcp.mentions_done")


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    return "\n".join(b.get("text", "") for b in content if b.get("type") == "text")


async def attach_mentions(session: Session, manager: Manager, max_tokens: int) -> int:
    """Read every ``@server:uri`` of the newest user message; return how many attached."""
    messages = session.messages
    if not messages or messages[-1]["role"] != "user":
        return 0
    index = len(messages) - 1
    if session.stash.get(_DONE) == index:
        return 0
    session.stash[_DONE] = index
    found = [(m.group(1), m.group(2)) for m in MENTION.finditer(_text(messages[-1]["content"]))
             if m.group(1) in manager.servers]
    parts: list[str] = []
    for server, uri in dict.fromkeys(found):
        state = manager.servers[server]
        if state.client is None:
            parts.append(f'<mcp-resource server="{server}" uri="{uri}" error="server is '
                         f'{state.status}"/>')
            continue
        try:
            blocks = cap(await read_resource(state, uri), max_tokens)
        except Exception as exc:
            parts.append(f'<mcp-resource server="{server}" uri="{uri}" error="{describe(exc)}"/>')
            continue
        body = "\n".join(b["text"] if b["type"] == "text" else "[image not shown]"
                         for b in blocks)
        parts.append(f'<mcp-resource server="{server}" uri="{uri}">\n{body}\n</mcp-resource>')
    if parts:
        await session.add_context("\n".join(parts), source="mcp")
    return len(parts)
