"""The hooks corral calls: the whole plugin API.

Every hook is prefixed ``corral_`` and named after when it fires. Implement one by writing a
function with the same name, decorated with :data:`corral.hookimpl`, in the module your
``corral`` entry point names. You may accept any subset of the parameters. Any implementation
may return an awaitable instead of a value; the kernel awaits it.

A plugin that raises in a hook is unregistered with a warning that names it, and the session
goes on (``--strict-plugins`` makes it an error instead).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import argparse

    import msgspec

    from corral.agents import AgentDefinition, AgentDir
    from corral.app import App
    from corral.commands import CliCommand, CommandDir, DoctorCheck, SlashCommand
    from corral.config.schema import Config
    from corral.events import Event
    from corral.extra_config import HookSet, McpServerSet, McpServerStatus
    from corral.memory.instructions import InstructionFile
    from corral.memory.store import MemoryChange
    from corral.permissions.context import PermissionContext
    from corral.permissions.decision import Vote
    from corral.prompt import PromptSection
    from corral.providers import Provider
    from corral.session import Session
    from corral.skills.model import SkillDir
    from corral.tools.base import Tool, ToolCall, ToolResult
    from corral.verdicts import PermissionAnswer, PromptVerdict, ToolVerdict

hookspec = pluggy.HookspecMarker("corral")

# -------------------------------------------------------------------------------------------
# Configuration hooks
# -------------------------------------------------------------------------------------------


@hookspec(historic=True)
def corral_add_settings(register: Callable[[str, type[msgspec.Struct]], None]) -> None:
    """Register the settings Struct of a plugin's ``[plugins.<name>]`` table.

    Called once for every plugin, right after all plugins are registered (and for a plugin
    registered later, when it registers). The kernel keeps each ``[plugins.<name>]`` table
    raw and validates it, layer by layer, with the Struct registered for ``<name>``; errors
    name the file and the key. Every field of the Struct must have a default.

    :param register: ``register(name, struct_type)``.
    """


@hookspec
def corral_configure(config: Config) -> None:
    """Act on the effective configuration.

    Called once per application, after :func:`corral_add_settings` and after the layered
    configuration is merged and validated. Read your settings with
    ``config.plugin_settings(name)``.

    :param config: The effective configuration.
    """


# -------------------------------------------------------------------------------------------
# Registry hooks
# -------------------------------------------------------------------------------------------


@hookspec
def corral_register_tools(register: Callable[[Tool], None], session: Session | None) -> None:
    """Add tools the model may call.

    Called when a session builds its tool set, after :func:`corral_configure`, and again
    when it rebuilds it after :meth:`corral.session.Session.refresh_tools`.

    :param register: Call with a :class:`corral.tools.Tool` instance. Registering a name that
        is already taken is an error naming both.
    :param session: The session whose tool set is built (``None`` outside a session), for
        tools that depend on it (a session's connected tool servers).
    """


@hookspec
def corral_register_commands(
    register: Callable[[SlashCommand], None], session: Session | None
) -> None:
    """Add slash commands to the interactive session.

    Called when a session builds its command table, and again when a command is typed
    that the table does not hold (commands may appear during a session). A command's
    ``run`` may return :class:`corral.commands.SendPrompt` to send text to the model as the
    user's next message. A command marked ``headless=True`` also runs as the prompt of
    ``corral -p "/name args"`` (the table is then asked for once, with the session).

    :param register: Call with a :class:`corral.commands.SlashCommand`.
    :param session: The session the table is for (``None`` outside one).
    """


@hookspec
def corral_register_cli(register: Callable[[CliCommand], None]) -> None:
    """Add ``corral NAME`` subcommands.

    Called when the command line is parsed, only for enabled plugins, on every start
    (``corral -p`` too), so keep it cheap: a command's ``configure`` runs only when that
    subcommand is chosen, and ``CliCommand.lazy(name=, help=, module=)`` imports the module
    that implements it only then.

    :param register: Call with a :class:`corral.commands.CliCommand`.
    """


@hookspec
def corral_add_options(parser: argparse.ArgumentParser) -> None:
    """Add options to the main command line (``corral --your-option``).

    Called when the command line is parsed, only for enabled plugins, after the kernel's
    own options. The parsed values are on :attr:`corral.app.App.options` (an
    ``argparse.Namespace``) before any session starts; give each option a ``dest`` prefixed
    with your plugin's name so names never clash.

    :param parser: The main parser; call ``parser.add_argument``.
    """


@hookspec
def corral_register_agents(register: Callable[[AgentDefinition], None]) -> None:
    """Add sub-agent definitions.

    Called when the agent catalogue is built; project and user agent files win over
    plugin agents on a name clash.

    :param register: Call with a :class:`corral.agents.AgentDefinition`.
    """


@hookspec
def corral_agent_dirs(app: App) -> list[AgentDir] | AgentDir | None:
    """Add folders of agent definition files (Markdown, as in ``.claude/agents/``).

    Called when the agent catalogue is built, beside :func:`corral_register_agents`. Each
    agent is named ``namespace:name``; project and user agent files win on a name clash.

    :param app: The application (its configuration says what is enabled).
    :return: A :class:`corral.agents.AgentDir`, a list of them, or ``None``.
    """


@hookspec
def corral_command_dirs(session: Session) -> list[CommandDir] | CommandDir | None:
    """Add Markdown slash commands (folders or files, as in ``.claude/commands/``).

    Called whenever the session's custom commands are listed or one is looked up: the
    REPL's command table, and a ``/name args`` message (interactive or ``corral -p``).
    Commands are named ``namespace:name``, and reachable as ``/name`` while the short name
    is unambiguous; project and user commands win.

    :param session: The current session.
    :return: A :class:`corral.commands.CommandDir`, a list of them, or ``None``.
    """


@hookspec
def corral_command_hooks(app: App) -> list[HookSet] | HookSet | None:
    """Add command hooks (Claude Code's ``hooks`` shape) beside the settings files' hooks.

    Called once per loaded configuration, when the hook table is first needed. The hooks
    fire like settings hooks; under the managed ``allowManagedHooksOnly`` lock they are
    ignored.

    :param app: The application.
    :return: A :class:`corral.extra_config.HookSet`, a list of them, or ``None``.
    """


@hookspec
def corral_mcp_servers(app: App) -> list[McpServerSet] | McpServerSet | None:
    """Add MCP server configurations (entries of an ``mcpServers`` object).

    Called by the MCP plugin when it reads the configured servers, once per run. The
    servers have the lowest precedence: a server of the same name from any settings scope
    wins.

    :param app: The application.
    :return: A :class:`corral.extra_config.McpServerSet`, a list of them, or ``None``.
    """


@hookspec
def corral_mcp_status(session: Session) -> list[McpServerStatus] | McpServerStatus | None:
    """Say how the MCP servers a plugin runs for ``session`` stand.

    Called when a headless run writes its stream-json ``init`` line. Servers reported here
    are listed with their status; servers whose tools the session has but no plugin reports
    are listed as ``connected``.

    :param session: The session.
    :return: A :class:`corral.extra_config.McpServerStatus`, a list of them, or ``None``.
    """


@hookspec
def corral_register_providers(register: Callable[[Provider], None]) -> None:
    """Add model providers (wire formats other than the Anthropic Messages API).

    Called when the session picks its provider.

    :param register: Call with a :class:`corral.providers.Provider`.
    """


@hookspec
def corral_skill_dirs(session: Session) -> list[SkillDir] | SkillDir | None:
    """Add folders of skills (each ``<path>/<name>/SKILL.md`` is one skill).

    Called once per session, the first time its skills are needed (the system prompt's
    skill listing, the ``Skill`` tool, ``/name``, ``corral skills``). The kernel's own
    folders (the project's ``.claude/skills``, then the user's) come first and win a name
    clash; a plugin's skills are named ``NAME:skill`` when the source is ``plugin:NAME``
    and answer to their short name while it is unambiguous. A folder that does not exist
    is skipped, so returning one costs nothing until it is created.

    :param session: The session the skills are for.
    :return: A :class:`corral.api.SkillDir` ``(path, source)``, a list of them, or ``None``.
    """


# -------------------------------------------------------------------------------------------
# Session hooks
# -------------------------------------------------------------------------------------------


@hookspec
def corral_session_start(session: Session, source: str) -> None:
    """A session has started: its configuration, tools and transcript are ready.

    Called before the first request of the session. The kernel's SessionStart command
    hooks run here, after the other implementations.

    :param session: The new session.
    :param source: Why it started: ``startup``, ``resume`` (it has messages) or ``clear``.
    """


@hookspec
def corral_session_end(session: Session, reason: str) -> None:
    """A session is ending (the user quit, the headless run finished, or the process is
    shutting down). Called once per session, after the last request.

    The kernel's SessionEnd command hooks run first, then its background jobs are killed.
    corral leaves the process with ``os._exit`` once output is flushed, so ``atexit``
    handlers do not run: clean up here.

    :param session: The ending session.
    :param reason: ``clear``, ``logout``, ``prompt_input_exit`` or ``other``.
    """


# -------------------------------------------------------------------------------------------
# Prompt hooks
# -------------------------------------------------------------------------------------------


@hookspec
def corral_system_prompt(session: Session) -> list[PromptSection] | PromptSection | None:
    """Contribute sections to the system prompt.

    Called before every request. Mark each section ``static`` (never changes), ``session``
    (fixed for the session) or ``turn`` (may change each request) so the kernel can place
    prompt-cache breakpoints after the stable prefix.

    :param session: The current session.
    :return: A section, a list of sections, or ``None``.
    """


# -------------------------------------------------------------------------------------------
# Memory hooks
# -------------------------------------------------------------------------------------------


@hookspec
def corral_memory_sources(session: Session) -> list[InstructionFile] | InstructionFile | None:
    """Add instruction text to the session's memory, beside the CLAUDE.md hierarchy.

    Called once per session, when its memory is first assembled (before the first request).
    The text counts against the memory size budget like any instruction file.

    :param session: The current session.
    :return: A :class:`corral.memory.instructions.InstructionFile`, a list of them, or ``None``.
    """


@hookspec
def corral_memory_changed(change: MemoryChange) -> None:
    """The memory store was written (by the Memory tool, ``corral memory``, or a plugin).

    Called after each committed write, with what was added, updated and removed.

    :param change: A :class:`corral.memory.store.MemoryChange`.
    """


# -------------------------------------------------------------------------------------------
# Loop hooks
# -------------------------------------------------------------------------------------------


@hookspec
def corral_pending_context(session: Session) -> str | None:
    """Offer text for the model to read before its next reply.

    Called before each model request of a turn, before compaction is considered and before
    :func:`corral_prepare_request`; the kernel awaits every implementation. Each text
    returned is appended to the user message the model answers next and recorded in the
    transcript with the plugin's name as its source. The kernel's background jobs report
    the jobs that finished this way.

    :param session: The current session.
    :return: The text to add, or ``None`` for nothing.
    """


@hookspec
def corral_user_prompt(session: Session, text: str, origin: str) -> PromptVerdict | None:
    """Judge a message before it enters the conversation and starts a turn.

    Called once per turn, before the message is added. A blocked verdict ends the turn with
    its reason and the message is not added; the context of every verdict is appended to
    the message. The kernel's UserPromptSubmit command hooks answer here (a sub-agent's
    turn, origin ``agent``, fires SubagentStart instead).

    :param session: The current session.
    :param text: The message's text.
    :param origin: Who sent it: ``user``, ``agent`` (a sub-agent's task), ``tick`` ...
    :return: A :class:`corral.verdicts.PromptVerdict`, or ``None`` to say nothing.
    """


@hookspec
def corral_before_stop(session: Session, origin: str, continued: int) -> str | None:
    """The model ended its reply without tool calls; send it back to work, or let it stop.

    Called each time the model stops within a turn. The reasons of every implementation
    are joined into the next user message and the turn goes on; ``None`` from all lets the
    turn end. The kernel's Stop (and SubagentStop) command hooks answer here.

    :param session: The current session.
    :param origin: The turn's origin (``agent`` for a sub-agent's turn).
    :param continued: How many times this turn already went on because of this hook.
    :return: Why the model should go on, or ``None``.
    """


@hookspec
def corral_before_compact(session: Session, trigger: str, instructions: str) -> None:
    """The conversation is about to be compacted.

    Called before :func:`corral_compact` is asked, for a compaction that may still be
    vetoed. The kernel's PreCompact command hooks run here.

    :param session: The current session.
    :param trigger: ``manual`` (``/compact``) or ``auto``.
    :param instructions: What the user asked the summary to focus on (may be empty).
    """


@hookspec
def corral_notify(session: Session, message: str, kind: str) -> None:
    """corral is waiting for the user; tell them.

    Called before the permission prompt waits for an answer. The kernel's Notification
    command hooks run here.

    :param session: The current session.
    :param message: What corral waits for.
    :param kind: What kind of wait: ``permission_prompt`` ...
    """


@hookspec
def corral_prepare_request(session: Session) -> None:
    """Get ready for a model request before it is built.

    Called once per model request, before the system prompt, tools and messages are
    gathered; the kernel awaits every implementation. A plugin may wait here, within a
    bound it chooses, for something the request needs (tool servers still starting), and
    call :meth:`corral.session.Session.refresh_tools` when the session's tools changed.

    :param session: The current session.
    """


@hookspec
def corral_before_request(session: Session, request: dict[str, Any]) -> None:
    """Inspect or adjust a Messages API request just before it is sent.

    Called once per model request, after the system prompt, tools and messages are built.

    :param session: The current session.
    :param request: The keyword arguments for ``messages.stream``; change it in place.
    """


@hookspec
def corral_on_event(session: Session, event: Event) -> None:
    """Observe one session event (text delta, tool call, permission decision, usage, ...).

    Called for every event, in order, as it happens. Keep it fast: slow subscribers slow
    the loop.

    :param session: The current session.
    :param event: A :class:`corral.events.Event`.
    """


@hookspec(firstresult=True)
def corral_idle(session: Session) -> str | tuple[str, str] | None:
    """The session's input queue is empty; offer a message to inject (a tick).

    Called about once a second while the interactive prompt sits empty; typing always wins.
    Stops at first non-None result.

    :param session: The idle session.
    :return: Text to send to the model as the next user turn (its origin is ``tick``), an
        ``(origin, text)`` pair to name another origin (``schedule``, ``bridge`` ...), or
        ``None``.
    """


@hookspec(firstresult=True)
def corral_compact(
    session: Session, messages: list[dict[str, Any]], reason: str
) -> list[dict[str, Any]] | bool | None:
    """Veto or replace a compaction of the conversation.

    Called before the kernel compacts, automatically (``reason`` is ``"auto"``) or on
    ``/compact`` (``"manual"``) or after a prompt-too-long error (``"prompt_too_long"``).
    Stops at first non-None result.

    :param session: The current session.
    :param messages: The conversation as it stands (do not change it in place).
    :param reason: Why compaction was asked for.
    :return: ``False`` to veto, a list of messages to use instead, or ``None`` to let the
        kernel compact.
    """


# -------------------------------------------------------------------------------------------
# Tool hooks
# -------------------------------------------------------------------------------------------


@hookspec
def corral_before_tool(session: Session, call: ToolCall, tool: Tool | None) -> ToolVerdict | None:
    """Vote on a tool call, and maybe replace its input, before the permission chain.

    Called for every tool call, before :func:`corral_check_permission`. A verdict's votes
    join the hook tier; an ``invalid`` verdict denies the call; a plugin may set
    ``call.input`` (already validated against ``tool``). The kernel's PreToolUse command
    hooks answer here.

    :param session: The current session.
    :param call: The call being decided.
    :param tool: The tool it calls, or ``None`` when there is no such tool.
    :return: A :class:`corral.verdicts.ToolVerdict`, or ``None``.
    """


@hookspec(firstresult=True)
def corral_permission_request(
    session: Session, call: ToolCall, context: PermissionContext
) -> PermissionAnswer | None:
    """Answer for the user: a tool call would ask (or be denied in a headless run).

    Called after the chain decided ``ask``, before the prompt. The kernel's
    PermissionRequest command hooks answer here. Stops at first non-None result.

    :param session: The current session.
    :param call: The call that would ask.
    :param context: The permission context it was decided in (to suggest rules).
    :return: A :class:`corral.verdicts.PermissionAnswer` (allow or deny), or ``None``.
    """


@hookspec
def corral_check_permission(session: Session, call: ToolCall) -> Vote | None:
    """Vote on a tool call in the permission chain's hook tier.

    Called for every tool call after managed policy. All votes are collected: deny beats ask
    beats allow, and ``None`` abstains. A vote can tighten a decision but never turn a deny
    or ask rule into allow.

    :param session: The current session.
    :param call: The call being decided.
    :return: A :class:`corral.permissions.Vote` or ``None``.
    """


@hookspec(firstresult=True)
def corral_rewrite_tool_input(session: Session, call: ToolCall) -> dict[str, Any] | None:
    """Replace a tool call's input before it is validated and decided.

    Stops at first non-None result.

    :param session: The current session.
    :param call: The call as the model sent it.
    :return: The new input, or ``None`` to keep it.
    """


@hookspec
def corral_after_tool(session: Session, call: ToolCall, result: ToolResult) -> ToolResult | None:
    """Observe or replace a tool's result before it goes back to the model.

    Called after every tool call that ran, as a chain: each implementation sees the result
    the one before it left, and a non-None return replaces it. The kernel's PostToolUse
    command hooks run last.

    :param session: The current session.
    :param call: The call that ran.
    :param result: What the tool returned.
    :return: A replacement :class:`corral.tools.ToolResult`, or ``None``.
    """


# -------------------------------------------------------------------------------------------
# Output hooks
# -------------------------------------------------------------------------------------------


@hookspec
def corral_filter_outbound(
    session: Session | None, text: str, channel: str, target: str | None
) -> str | None:
    """Filter text that is about to leave the machine (a commit message, a PR body, a file).

    A chain: each implementation receives the previous one's output. Raise
    :class:`corral.errors.CorralError` to block the text outright.

    :param session: The current session, or ``None`` outside one (a git hook).
    :param text: The text so far.
    :param channel: Where it goes: ``commit``, ``pr``, ``file``, ``model`` ...
    :param target: For ``file``, the absolute path being written; otherwise ``None``.
    :return: The filtered text, or ``None`` to pass it on unchanged.
    """


# -------------------------------------------------------------------------------------------
# UI hooks
# -------------------------------------------------------------------------------------------


@hookspec
def corral_status(session: Session) -> Any:
    """Return a renderable (or ``None``) for the status area.

    Called whenever the status area refreshes (about twice a second in the REPL). The kernel
    owns the console: return a rich renderable or plain text, never print.

    :param session: The current session.
    """


@hookspec
def corral_doctor(app: App) -> list[DoctorCheck] | DoctorCheck | None:
    """Check the plugin's own setup for ``corral doctor``.

    Called once by ``corral doctor``, after the kernel's own checks. May take a while (start
    a server to see that it answers), but should finish within seconds.

    :param app: The application.
    :return: A :class:`corral.commands.DoctorCheck`, a list of them, or ``None``. Each check
        that is not ``ok`` counts as a problem.
    """
