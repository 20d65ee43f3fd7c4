"""The kernel's consoles (stdout and stderr)."""

from __future__ import annotations

import sys
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


@lru_cache(maxsize=2)
def get_console(stderr: bool = False) -> Console:
    """The process-wide console; no colour codes when the stream is not a terminal."""
    from rich.console import Console

    return Console(file=sys.stderr if stderr else sys.stdout, highlight=False)
