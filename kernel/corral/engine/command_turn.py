"""Running a custom slash command as a turn: ``/name args`` from the REPL or ``corral -p``;
and, headless, a plugin's slash command marked ``headless`` (its prompt is sent).

Before the turn, the command's text is expanded (:func:`corral.custom_commands.expand`) and
each ``!`cmd``` in it runs through the Bash tool — the permission chain and the hooks, like
any tool call — with the command's ``allowed-tools`` in force; its output replaces the
backticks. During the turn the ``allowed-tools`` rules are pre-approved (allow rules that
last for this turn only) and the frontmatter ``model`` is used.

A ``/name`` that no custom command has may name a skill (:mod:`corral.skills`): the turn then
sends the skill's instructions and folder, with its ``allowed-tools`` and ``model`` in force
until the turn ends. A custom command of the same name wins; ``corral skills`` reports the
clash.
"""

from __future__ import annotations

import inspect
import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

import msgspec

from corral.commands import SendPrompt, SlashCommand
from corral.custom_commands import CustomCommand, expand, session_commands
from corral.permissions.session import TURN_ALLOW

if TYPE_CHECKING:
    from corral.session import Session

#: ``!`cmd```: a shell command whose output is put in its place before the turn.
_BANG = re.compile(r"!`([^`\n]+)`")


class Invocation(msgspec.Struct):
    """A custom command with its argument text."""

    command: CustomCommand
    arguments: str


def find_invocation(session: Session, text: str) -> Invocation | None:
    """The custom command ``text`` invokes (``/name args``), or ``None``."""
    stripped = text.strip()
    if not stripped.startswith("/"):
        return None
    name, _, rest = stripped[1:].partition(" ")
    if not name:
        return None
    commands, _ = session_commands(session)
    command = commands.get(name)
    return None if command is None else Invocation(command, rest.strip())


def find_plugin_command(session: Session, text: str) -> tuple[SlashCommand, str] | None:
    """The plugin command marked ``headless`` that ``text`` invokes, with its arguments."""
    stripped = text.strip()
    if not stripped.startswith("/"):
        return None
    name, _, rest = stripped[1:].partition(" ")
    for _, command in session.hooks.register_commands(session):
        if command.name == name and command.headless:
            return command, rest.strip()
    return None


async def run_plugin_command(session: Session, command: SlashCommand, arguments: str
                             ) -> SendPrompt | str:
    """Run a plugin command for its prompt; anything else it says comes back as text."""
    reply = command.run(session, arguments)
    if inspect.isawaitable(reply):
        reply = await reply
    if isinstance(reply, SendPrompt):
        return reply
    return str(reply) if reply else f"/{command.name} sent no prompt"


@asynccontextmanager
async def command_scope(session: Session, command: CustomCommand) -> AsyncIterator[None]:
    """The command's ``allowed-tools`` pre-approved and its ``model`` in use, until the
    block ends."""
    from corral.permissions.session import reset_permission_context

    rules = [(rule, f"{command.source} (allowed-tools)") for rule in command.allowed_tools]
    saved_model = session.model
    before = session.stash.get(TURN_ALLOW)
    session.stash[TURN_ALLOW] = [*(before or []), *rules]
    reset_permission_context(session)
    if command.model:
        session.model = session.config.resolve_model(command.model)
    try:
        yield
    finally:
        session.model = saved_model
        session.stash[TURN_ALLOW] = before or []
        reset_permission_context(session)


async def render(session: Session, invocation: Invocation) -> str:
    """The command's prompt: arguments and ``@file`` includes filled in, and every
    ``!`cmd``` replaced by what the command printed (run as a Bash tool call)."""
    from corral.engine.runner import ToolRunner

    text = expand(invocation.command, invocation.arguments, session.cwd)
    commands = _BANG.findall(text)
    if not commands:
        return text
    runner = ToolRunner(session, session.tools, 1, origin="command")
    outputs: dict[str, str] = {}
    for cmd in dict.fromkeys(commands):
        use = {"id": f"toolu_cmd_{uuid.uuid4().hex[:16]}", "name": "Bash",
               "input": {"command": cmd, "description": f"/{invocation.command.name}"}}
        result = await runner.run_one(use)
        content = result.content
        if not isinstance(content, str):
            content = "\n".join(str(b.get("text", "")) for b in content if isinstance(b, dict))
        outputs[cmd] = content.rstrip("\n")
    return _BANG.sub(lambda m: outputs.get(m.group(1), m.group(0)), text)


def skill_prompt(session: Session, text: str) -> str | None:
    """When ``text`` is ``/name args`` naming a skill the user may run: put the skill's
    ``allowed-tools`` and ``model`` in force for this turn and return the text to send;
    otherwise ``None``."""
    stripped = text.strip()
    name, _, rest = stripped[1:].partition(" ")
    if not stripped.startswith("/") or not name:
        return None
    from corral.skills.activate import activate, skill_text
    from corral.skills.catalogue import session_catalogue

    skill = session_catalogue(session).find(name)
    if skill is None or not skill.user_invocable:
        return None
    activate(session, skill)
    return skill_text(skill, rest.strip(), session.id)


def end_skills(session: Session) -> None:
    """Undo the skills of a turn that is over (normally done when it ends)."""
    from corral.skills.activate import deactivate

    deactivate(session)
