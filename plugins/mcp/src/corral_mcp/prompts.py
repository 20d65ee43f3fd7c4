"""Server prompts as slash commands: ``/mcp__<server>__<prompt> ARGS``, in the REPL and as
the prompt of ``corral -p``.

Words after the command fill the prompt's arguments in order (the last takes the rest); the
expanded prompt is sent to the model as the user's message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from corral.api import CorralError, SendPrompt, SlashCommand

from corral_mcp.manager import Manager, ServerState, describe
from corral_mcp.tools import tool_name

if TYPE_CHECKING:
    from corral.api import Session


def arguments(prompt: Any, text: str) -> dict[str, str]:
    names = [a.name for a in (prompt.arguments or [])]
    words = text.split(None, max(len(names) - 1, 0)) if names else []
    given = dict(zip(names, words, strict=False))
    missing = [a.name for a in (prompt.arguments or []) if a.required and a.name not in given]
    if missing:
        usage = " ".join(f"<{n}>" for n in names)
        raise CorralError(f"missing argument(s) {', '.join(missing)} (arguments: {usage})")
    return given


def _text(messages: list[Any]) -> str:
    parts: list[str] = []
    for message in messages:
        content = message.content
        kind = getattr(content, "type", "")
        if kind == "text":
            parts.append(content.text)
        elif kind == "resource":
            parts.append(str(getattr(content.resource, "text", "") or ""))
        else:
            parts.append(f"[{kind} content not shown]")
    return "\n\n".join(p for p in parts if p)


def _command(state: ServerState, prompt: Any) -> SlashCommand:
    names = [a.name for a in (prompt.arguments or [])]

    async def run(session: Session, text: str) -> Any:
        if state.client is None:
            return f"MCP server {state.name!r} is {state.status}"
        try:
            given = arguments(prompt, text)
        except CorralError as exc:
            return f"/{tool_name(state.name, prompt.name)}: {exc}"
        try:
            result = await state.client.get_prompt(prompt.name, given)
        except Exception as exc:
            return f"/{tool_name(state.name, prompt.name)} failed: {describe(exc)}"
        return SendPrompt(_text(list(result.messages)))

    return SlashCommand(
        name=tool_name(state.name, prompt.name),
        description=prompt.description or f"prompt {prompt.name} of MCP server {state.name}",
        run=run, argument_hint=" ".join(f"<{n}>" for n in names), headless=True)


def prompt_commands(manager: Manager) -> list[SlashCommand]:
    return [_command(state, prompt) for state in manager.connected() for prompt in state.prompts]


def server_named_by(manager: Manager, text: str) -> ServerState | None:
    """The server whose prompt ``text`` (``/mcp__<server>__<prompt> …``) invokes."""
    name = text.strip().partition(" ")[0].removeprefix("/")
    for state in manager.servers.values():
        if name.startswith(tool_name(state.name, "")):
            return state
    return None
