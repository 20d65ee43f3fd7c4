"""The shape every tool has, built in or from a plugin."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import msgspec

from corral.stash import StashKey

if TYPE_CHECKING:
    from corral.session import Session


class SideReply(msgspec.Struct, frozen=True, kw_only=True):
    """The answer to a :data:`MODEL_REQUEST`: its content blocks and stop reason."""

    content: list[dict[str, Any]]
    stop_reason: str | None = None


#: One request to the session's model outside the conversation (a Messages-API request
#: dict in, the reply out), through the engine's request path: its client or provider, its
#: retries, its usage and cost accounting. Set by the engine on each session it drives; the
#: WebSearch tool sends its search through it.
MODEL_REQUEST: StashKey[Callable[[dict[str, Any]], Awaitable[SideReply]]] = StashKey(
    "model_request")


class ToolCall(msgspec.Struct, kw_only=True):
    """A tool call the model asked for, as it travels through the permission chain.

    ``source`` says who asked: the main agent, a sub-agent, a tick, the bridge or a slash
    command. Every source goes through the same chain.
    """

    id: str
    name: str
    input: dict[str, Any]
    source: Literal["main", "subagent", "tick", "bridge", "command"] = "main"
    agent: str | None = None


class ToolResult(msgspec.Struct, kw_only=True):
    """What a tool returns to the model: text or content blocks, and whether it failed."""

    content: str | list[dict[str, Any]]
    is_error: bool = False
    #: Free-form data for the UI and the transcript; never sent to the model.
    meta: dict[str, Any] = msgspec.field(default_factory=dict)


class Tool:
    """Base class for tools.

    A tool names itself, describes itself to the model in our own words, declares its input
    as a msgspec Struct (the JSON schema the model sees is generated from it), says whether
    calls may run concurrently with other concurrency-safe calls, and runs asynchronously.
    """

    name: ClassVar[str]
    description: ClassVar[str]
    input_type: ClassVar[type[msgspec.Struct]]
    #: Safe to run beside other concurrency-safe calls (reads, searches).
    concurrency_safe: ClassVar[bool] = False
    #: Changes nothing outside itself; plan mode allows only read-only tools.
    read_only: ClassVar[bool] = False
    #: Other names the model may call this tool by (older or other harnesses' names); the
    #: call is decided and run under :attr:`name`.
    aliases: ClassVar[tuple[str, ...]] = ()

    def is_read_only(self, params: dict[str, Any]) -> bool:
        """Whether this call changes nothing (plan mode allows it); by default
        :attr:`read_only`. Tools whose calls differ (a search beside an add) override it."""
        return self.read_only

    @classmethod
    def input_schema(cls) -> dict[str, Any]:
        """The JSON schema of the input, inlined so the model sees no ``$ref``."""
        from corral.tools._schema import struct_schema

        return struct_schema(cls.input_type)

    @classmethod
    def generated_schema(cls) -> bool:
        """Whether :meth:`input_schema` is the one generated from :attr:`input_type` (a tool
        may describe its input itself instead)."""
        own = getattr(cls.input_schema, "__func__", None)
        return own is Tool.input_schema.__func__  # type: ignore[attr-defined]

    async def run(self, session: Session, params: Any) -> ToolResult:
        """Run one call with validated ``params`` (an instance of ``input_type``)."""
        raise NotImplementedError
