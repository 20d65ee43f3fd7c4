"""Background shell jobs, wired to the session through ordinary hooks.

Between requests, jobs that finished are told to the model (``corral_pending_context``);
when the session ends, jobs still running are killed (``corral_session_end``, first).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from corral import hookimpl

if TYPE_CHECKING:
    from corral.session import Session


@hookimpl
def corral_pending_context(session: Session) -> str | None:
    from corral.tools.builtin.bash_jobs import has_jobs

    if not has_jobs(session):
        return None
    from corral.tools.builtin.bash_jobs import finished_jobs

    notices = finished_jobs(session)
    if not notices:
        return None
    text = "\n".join(n.text for n in notices)
    return f"<background-jobs>\n{text}\n</background-jobs>"


@hookimpl(tryfirst=True)
async def corral_session_end(session: Session) -> None:
    from corral.tools.builtin.bash_jobs import has_jobs

    if has_jobs(session):
        from corral.tools.builtin.bash_jobs import kill_all_jobs

        await kill_all_jobs(session)
