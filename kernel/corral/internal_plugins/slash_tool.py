"""The SlashCommand tool: the model runs a custom command (``/name args``).

Offered to a session only when it has custom commands the model may run: those without
``disable-model-invocation: true``, listed in the tool's description. A call expands the
command as a user's ``/name args`` would be (arguments, ``@file`` includes, and ``!`cmd```
lines run through the Bash tool with the command's ``allowed-tools`` in force) and returns
the text for the model to follow. Permission rules name commands:
``SlashCommand(/deploy)`` (no arguments) or ``SlashCommand(/review:*)`` (any arguments).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import msgspec

from corral import hookimpl
from corral.tools.base import Tool, ToolResult

if TYPE_CHECKING:
    from corral.custom_commands import CustomCommand
    from corral.session import Session

#: Commands listed in the description, at most.
MAX_LISTED = 50


class SlashCommandInput(msgspec.Struct, kw_only=True):
    command: Annotated[str, msgspec.Meta(
        description="The custom command and its arguments, e.g. \"/review-pr 123\".")]


class SlashCommandTool(Tool):
    name = "SlashCommand"
    description = "Run one of the project's custom slash commands."
    input_type = SlashCommandInput
    concurrency_safe = False

    async def run(self, session: Session, params: SlashCommandInput) -> ToolResult:
        from corral.engine import command_turn

        text = params.command.strip()
        if not text.startswith("/"):
            return ToolResult(content="command must start with '/': \"/name arguments\"",
                              is_error=True)
        invocation = command_turn.find_invocation(session, text)
        if invocation is None:
            name = text[1:].split(" ", 1)[0]
            return ToolResult(content=f"no custom command /{name}; the commands you may run "
                              "are listed in this tool's description", is_error=True)
        command = invocation.command
        if command.disable_model_invocation:
            return ToolResult(content=f"/{command.name} may only be run by the user "
                              "(disable-model-invocation)", is_error=True)
        async with command_turn.command_scope(session, command):
            prompt = await command_turn.render(session, invocation)
        return ToolResult(
            content=f"/{command.name} expands to the instructions below; follow them now.\n\n"
            f"{prompt}",
            meta={"command": command.name, "source": command.source})


def invocable(session: Session) -> list[CustomCommand]:
    from corral.custom_commands import session_commands

    commands, _ = session_commands(session)  # a plugin command's short name listed once
    return [c for n, c in sorted(commands.items())
            if n == c.name and not c.disable_model_invocation]


@hookimpl
def corral_register_tools(register: Callable[[Tool], None], session: Session | None) -> None:
    if session is None:
        return
    commands = invocable(session)
    if not commands:
        return
    lines = [f"- /{c.name}{' ' + c.argument_hint if c.argument_hint else ''}: {c.description}"
             for c in commands[:MAX_LISTED]]
    if len(commands) > MAX_LISTED:
        lines.append(f"- … and {len(commands) - MAX_LISTED} more")
    description = (
        "Run one of the project's custom slash commands, as if the user typed it: you get "
        "its instructions back and then carry them out. Use it when the user asks for what a "
        "command does, or names it. Available commands:\n" + "\n".join(lines))
    tool_class = type("SlashCommandTool", (SlashCommandTool,), {"description": description})
    register(tool_class())
