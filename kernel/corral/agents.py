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


class AgentDir(msgspec.Struct, frozen=True, kw_only=True):
    """A folder of agent definition files a plugin contributes (``corral_agent_dirs``),
    read like ``.claude/agents/``; each agent is named ``namespace:name``."""

    path: str
    namespace: str
    #: What the user sees as its origin (``bundle tools@team``).
    source: str
