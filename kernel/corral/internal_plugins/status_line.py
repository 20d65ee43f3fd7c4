"""``statusLine``: the configured command's output in the status area (corral.ui.status_line)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from corral import hookimpl

if TYPE_CHECKING:
    from corral.session import Session


@hookimpl
def corral_status(session: Session) -> Any:
    if session.config.status_line is None:
        return None
    from rich.text import Text

    from corral.ui.status_line import current

    text = current(session)
    return Text.from_ansi(text) if text else None
