"""A session: one conversation in one working directory, with its own state.

Plain state: this module imports only leaves (errors, events, messages, stash, usage). What a
session does when it starts or ends, and how its tools are built, lives in
:mod:`corral.engine.lifecycle`, reached through ``session.app.lifecycle``.

Besides its identity (app, id, working directory, parent) and its conversation, a session's
fields come in typed parts: :class:`SessionOptions` (what its caller chose),
:class:`RunTotals` (what it has spent; a resumed session starts from the transcript's) and
:class:`SessionServices` (what it talks to). Each field of a part is also an attribute of
the session (``session.model`` is ``session.options.model``).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

import msgspec

from corral.errors import CorralError
from corral.events import ContextAdded
from corral.messages import with_text
from corral.stash import Stash
from corral.usage import Usage

if TYPE_CHECKING:
    from corral.app import App
    from corral.config.schema import Config
    from corral.engine.transcript import Transcript
    from corral.events import Event
    from corral.permissions.decision import Decision
    from corral.plugins.host import PluginHost
    from corral.tools.base import Tool, ToolCall

#: Answers of the interactive permission prompt: ``("allow" | "always" | "deny", message)``.
PromptAnswer = tuple[str, str]
AskPermission = Callable[["ToolCall", "Decision"], Awaitable[PromptAnswer]]
T = TypeVar("T")


class SessionOptions(msgspec.Struct):
    """What the session's caller chose for it (the model and limits may change mid-session:
    ``/model``, a command's ``model:``, kairos's tick budget)."""

    permission_mode: str
    model: str
    #: Model requests per turn; 0 for no limit.
    max_turns: int = 0
    #: Spend cap in USD for the whole session; 0 for none.
    max_budget_usd: float = 0.0
    append_system_prompt: str = ""
    #: Replaces the kernel's own system-prompt sections (``--system-prompt``); memory and
    #: plugins' sections stay. ``None``: corral's own prompt.
    system_prompt: str | None = None
    #: The model to continue with once the model stays overloaded (``--fallback-model``);
    #: empty for none.
    fallback_model: str = ""
    #: Whether the session keeps transcripts on disk (``--no-session-persistence``: no;
    #: its sub-agents keep none either).
    persist: bool = True
    #: The trailer for commits and PRs the model writes; a plugin may clear it for this
    #: session (undercover does in public repositories). Never touches a person's own
    #: trailers.
    attribution: str = ""


class RunTotals(msgspec.Struct):
    """What the session has spent and produced so far."""

    #: Model requests answered.
    num_turns: int = 0
    #: Cost in USD; ``None`` until a priced request (or for an unknown model).
    cost_usd: float | None = None
    #: ``False`` once a request of a model without a price was made.
    cost_known: bool = True
    permission_denials: list[dict[str, Any]] = msgspec.field(default_factory=list)
    #: The text of the last turn's final answer.
    last_result: str = ""
    usage: Usage = msgspec.field(default_factory=Usage)


class SessionServices(msgspec.Struct):
    """What the session talks to besides the app."""

    #: Set by the REPL; ``None`` means nobody can be asked (headless: ask becomes deny).
    ask_permission: AskPermission | None = None
    #: Extra event receivers (the UI), called after the transcript, before plugins.
    listeners: list[Callable[[Event], None]] = msgspec.field(default_factory=list)
    transcript: Transcript | None = None
    #: Called with each raw stream event of the conversation's model replies (a
    #: :data:`corral.transport.events.StreamEvent`; ``--include-partial-messages``), or
    #: ``None`` when nothing wants them.
    raw_stream: Callable[[Any], None] | None = None


class _Part(Generic[T]):
    """A session attribute kept in one of its parts (``session.model`` is
    ``session.options.model``)."""

    __slots__ = ("part", "name")

    def __init__(self, part: str) -> None:
        self.part = part
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Session, owner: type | None = None) -> T:
        return cast(T, getattr(obj.__dict__[self.part], self.name))

    def __set__(self, obj: Session, value: T) -> None:
        setattr(obj.__dict__[self.part], self.name, value)


class Session:
    """State of one conversation.

    Kernel modules and plugins keep per-session state in :attr:`stash` under typed keys
    (:class:`corral.stash.StashKey`).
    """

    def __init__(
        self,
        app: App,
        *,
        cwd: Path | None = None,
        session_id: str | None = None,
        headless: bool = False,
        permission_mode: str | None = None,
        model: str | None = None,
        max_turns: int = 0,
        max_budget_usd: float = 0.0,
        append_system_prompt: str = "",
        system_prompt: str | None = None,
        parent_id: str | None = None,
        agent: str | None = None,
        ask_permission: AskPermission | None = None,
        messages: list[dict[str, Any]] | None = None,
        totals: RunTotals | None = None,
    ) -> None:
        """``messages`` and ``totals`` resume a conversation (see
        :func:`corral.engine.resume.restore`); ``session_id`` keeps its id."""
        self.app = app
        self.id = session_id or uuid.uuid4().hex
        self.cwd = (cwd or app.cwd).resolve()
        self.headless = headless
        self.started_at = time.time()
        #: The session that started this one (a sub-agent's parent); such sessions fire no
        #: SessionStart/SessionEnd command hooks.
        self.parent_id: str | None = parent_id
        #: For a sub-agent: the name of its agent definition.
        self.agent: str | None = agent
        self.options = SessionOptions(
            permission_mode=permission_mode or app.config.permissions.default_mode,
            model=app.config.resolve_model(model),
            max_turns=max_turns,
            max_budget_usd=max_budget_usd,
            append_system_prompt=append_system_prompt,
            system_prompt=system_prompt,
            attribution=app.config.attribution,
        )
        self.totals = totals if totals is not None else RunTotals()
        self.services = SessionServices(ask_permission=ask_permission)
        #: Typed per-session state of kernel modules and plugins (see :mod:`corral.stash`).
        self.stash = Stash()
        #: The conversation in Messages API shape.
        self.messages: list[dict[str, Any]] = messages if messages is not None else []
        self._tools: dict[str, Tool] | None = None
        self._tools_narrowed = False
        #: For a narrowed set that may grow (see :meth:`set_tools`): the names chosen, the
        #: names the full set held when they were chosen, and which new names to admit.
        self._narrowing: tuple[set[str], set[str], Callable[[str], bool]] | None = None

    permission_mode: _Part[str] = _Part("options")
    model: _Part[str] = _Part("options")
    max_turns: _Part[int] = _Part("options")
    max_budget_usd: _Part[float] = _Part("options")
    append_system_prompt: _Part[str] = _Part("options")
    system_prompt: _Part[str | None] = _Part("options")
    persist: _Part[bool] = _Part("options")
    fallback_model: _Part[str] = _Part("options")
    attribution: _Part[str] = _Part("options")
    num_turns: _Part[int] = _Part("totals")
    cost_usd: _Part[float | None] = _Part("totals")
    cost_known: _Part[bool] = _Part("totals")
    permission_denials: _Part[list[dict[str, Any]]] = _Part("totals")
    last_result: _Part[str] = _Part("totals")
    usage: _Part[Usage] = _Part("totals")
    ask_permission: _Part[AskPermission | None] = _Part("services")
    listeners: _Part[list[Callable[[Event], None]]] = _Part("services")
    transcript: _Part[Transcript | None] = _Part("services")
    raw_stream: _Part[Callable[[Any], None] | None] = _Part("services")

    def child(
        self,
        agent: str,
        *,
        cwd: Path | None = None,
        permission_mode: str | None = None,
        model: str | None = None,
        max_turns: int = 0,
        append_system_prompt: str = "",
        tools: dict[str, Tool] | None = None,
        admit: Callable[[str], bool] | None = None,
    ) -> Session:
        """A session for a sub-agent of this one, running the agent definition ``agent``.

        It shares this session's app, headless flag, permission prompt and budget; by
        default its working directory, permission mode and model too. Its ``parent_id`` is
        this session's id, so SessionStart/SessionEnd command hooks stay the parent's and its
        tool calls count as a sub-agent's. ``tools`` fixes its tool set, and ``admit`` says
        which tools that appear later it gets (see :meth:`set_tools`)."""
        child = Session(
            self.app,
            cwd=cwd or self.cwd,
            headless=self.headless,
            permission_mode=permission_mode or self.permission_mode,
            model=model or self.model,
            max_turns=max_turns,
            max_budget_usd=self.max_budget_usd,
            append_system_prompt=append_system_prompt,
            parent_id=self.id,
            agent=agent,
            ask_permission=self.ask_permission,
        )
        if tools is not None:
            child.set_tools(tools, admit=admit)
        return child

    @property
    def config(self) -> Config:
        return self.app.config

    @property
    def hooks(self) -> PluginHost:
        return self.app.host

    @property
    def tools(self) -> dict[str, Tool]:
        """Built-in and plugin tools by name, minus those a bare-name deny rule removes."""
        if self._tools is None:
            self._tools = self.app.lifecycle.build_tools(self)
        return self._tools

    def set_tools(self, tools: dict[str, Tool], *,
                  admit: Callable[[str], bool] | None = None) -> None:
        """Replace the session's tool set (a sub-agent with a narrower list of tools).

        Without ``admit`` the set stays as given. With it, :meth:`refresh_tools` rebuilds
        the set: the chosen tools that still exist (in their current form), plus tools that
        appeared since (a tool server that connected later) whose name ``admit`` accepts."""
        self._tools = dict(tools)
        self._tools_narrowed = True
        self._narrowing = None
        if admit is not None:
            known = set(self.app.lifecycle.build_tools(self))
            self._narrowing = (set(tools), known, admit)

    def refresh_tools(self) -> None:
        """Build the tool set again before the next request (a plugin's tools changed).

        A set fixed with :meth:`set_tools` stays as it was: its owner chose it; one given
        an ``admit`` rule is rebuilt by that rule."""
        if not self._tools_narrowed:
            self._tools = None
        elif self._narrowing is not None:
            chosen, known, admit = self._narrowing
            full = self.app.lifecycle.build_tools(self)
            self._tools = {name: tool for name, tool in full.items()
                           if name in chosen or (name not in known and admit(name))}

    def open_transcript(self) -> None:
        """Record this session's events (see :class:`corral.engine.lifecycle.Lifecycle`)."""
        self.app.lifecycle.open_transcript(self)

    async def emit(self, event: Event) -> None:
        """Stamp ``event`` and deliver it: transcript, UI listeners, then plugins."""
        if not event.ts:
            event.ts = time.time()
        if self.transcript is not None:
            self.transcript.write(event)
        for listener in self.listeners:
            listener(event)
        await self.hooks.on_event(self, event)

    async def add_context(self, text: str, *, source: str = "") -> bool:
        """Append ``text`` to the newest user message (the one the model answers next) and
        record it in the transcript; ``False`` when the conversation does not end with a
        user message."""
        if not self.messages or self.messages[-1]["role"] != "user":
            return False
        last = self.messages[-1]
        last["content"] = with_text(last["content"], text)
        await self.emit(ContextAdded(text=text, source=source))
        return True

    async def start(self, source: str | None = None) -> None:
        """Announce the session; ``source`` (startup, resume, clear) is what SessionStart
        command hooks see (see :meth:`corral.engine.lifecycle.Lifecycle.start`)."""
        await self.app.lifecycle.start(self, source)

    async def end(self, reason: str = "other") -> None:
        """Close the session; ``reason`` (clear, logout, prompt_input_exit, other) is what
        SessionEnd command hooks see (see :meth:`corral.engine.lifecycle.Lifecycle.end`)."""
        await self.app.lifecycle.end(self, reason)


class DuplicateTool(CorralError):
    pass
