"""Sub-agent definitions as the kernel sees them (the coordinator plugin runs them)."""

from __future__ import annotations

import msgspec


class AgentDefinition(msgspec.Struct, frozen=True, kw_only=True):
    """One sub-agent: its name, when to use it, its system prompt and its limits."""

    name: str
    description: str
    prompt: str
    #: Tool names the agent may use; ``None`` inherits the parent's tools.
    tools: list[str] | None = None
    disallowed_tools: list[str] = msgspec.field(default_factory=list)
    model: str | None = None
    permission_mode: str | None = None
    max_turns: int | None = None
    color: str | None = None
    #: Where the definition came from: a file path, ``plugin:<name>`` or ``builtin``.
    source: str = "builtin"
