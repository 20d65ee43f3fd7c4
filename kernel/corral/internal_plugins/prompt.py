"""The kernel's base system prompt section."""

from __future__ import annotations

from typing import TYPE_CHECKING

from corral import hookimpl
from corral.prompt import PromptSection

if TYPE_CHECKING:
    from corral.session import Session

BASE_PROMPT = """\
You are corral, a coding agent working in the user's repository through tools.
Read before you change: look at the files involved, then make the smallest change that does
the job, and check it (run the tests or the command that shows it works).
Say plainly what you did and what you did not do. When a tool call is denied, do not try to
reach the same effect another way; ask the user instead.
Keep answers short; use Markdown only where it helps."""


@hookimpl
def corral_system_prompt(session: Session) -> list[PromptSection]:
    sections = [
        PromptSection(name="corral", text=BASE_PROMPT, scope="static"),
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
    return sections
