"""The kernel's consoles (stdout and stderr)."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


@lru_cache(maxsize=2)
def get_console(stderr: bool = False) -> Console:
    """The process-wide console; no colour codes when the stream is not a terminal.

    It looks up ``sys.stdout`` / ``sys.stderr`` at each write (no ``file`` is bound), so a
    stream replaced after the first call (a test's capture, a redirected run) is the one
    written to."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)
