"""The kernel's base system prompt section, the output style, and ``/output-style``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from corral import hookimpl, output_styles
from corral.prompt import PromptSection

if TYPE_CHECKING:
    from corral.commands import SlashCommand
    from corral.session import Session

BASE_PROMPT = """\
You are corral, a coding agent working in the user's repository through tools.
Read before you change: look at the files involved, then make the smallest change that does
the job, and check it (run the tests or the command that shows it works).
Say plainly what you did and what you did not do. When a tool call is denied, do not try to
reach the same effect another way; ask the user instead.
Keep answers short; use Markdown only where it helps."""

#: The base under an output style that does not keep the coding instructions.
NEUTRAL_PROMPT = """You are corral, an assistant working in the user's repository through tools.
Say plainly what you did and what you did not do. When a tool call is denied, do not try to
reach the same effect another way; ask the user instead."""


@hookimpl
def corral_system_prompt(session: Session) -> list[PromptSection]:
    if session.system_prompt is not None:
        # --system-prompt: the caller's text instead of corral's base, environment,
        # attribution and output style; memory and plugins add their sections as ever
        text = session.system_prompt
        return [PromptSection(name="corral", text=text, scope="static")] if text else []
    style = output_styles.active(session)
    base = BASE_PROMPT if style.keep_coding_instructions else NEUTRAL_PROMPT
    sections = [
        PromptSection(name="corral", text=base, scope="static"),
        PromptSection(
            name="environment",
            text=f"Working directory: {session.cwd}\nSession: {session.id}",
            scope="session",
        ),
    ]
    if session.attribution:
        sections.append(PromptSection(
            name="attribution",
            text="When you write a git commit message or a pull request description, end it "
            f"with this line:\n{session.attribution}\nKeep any trailers a person wrote.",
            scope="session",
        ))
    if style.prompt:
        sections.append(PromptSection(name="output-style", text=style.prompt, scope="session"))
    return sections


@hookimpl
def corral_register_commands(register: Callable[[SlashCommand], None]) -> None:
    from corral.commands import SlashCommand

    register(SlashCommand(name="output-style", description="list the output styles, or switch "
                          "to one (saved in .claude/settings.local.json)",
                          run=_slash_output_style, argument_hint="[style]"))


def _slash_output_style(session: Session, args: str) -> str:
    styles, problems = output_styles.available(session.cwd)
    wanted = args.strip()
    if not wanted:
        current = output_styles.active(session).name.lower()
        lines = ["output styles (/output-style NAME to switch):"]
        for key, style in sorted(styles.items()):
            mark = "*" if key == current else " "
            origin = "" if style.source == "built-in" else f" [{style.source}]"
            lines.append(f" {mark} {style.name}: {style.description}{origin}")
        configured = output_styles.active_name(session)
        if configured.lower() not in styles:
            lines.append(f"outputStyle {configured!r} names no style; the default applies")
        lines += [f"warning: {p}" for p in problems]
        return "\n".join(lines)
    chosen = styles.get(wanted.lower())
    if chosen is None:
        return (f"no output style {wanted!r} (known: "
                f"{', '.join(s.name for s in styles.values())})")
    session.stash[output_styles.CHOSEN] = chosen.name
    try:
        path = output_styles.save_choice(session.cwd, chosen.name)
    except output_styles.OutputStyleError as exc:
        return f"output style {chosen.name} for this session; {exc}"
    return f"output style {chosen.name} (saved as outputStyle in {path})"
