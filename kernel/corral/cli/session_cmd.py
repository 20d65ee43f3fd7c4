"""``corral`` and ``corral -p``: the interactive and headless sessions."""

from __future__ import annotations

import argparse

from corral.app import App
from corral.errors import UsageError


def run_session(args: argparse.Namespace, app: App) -> int:
    raise UsageError(
        "the query engine is not built yet: `corral -p` and the interactive session "
        "come with the query-engine work; try `corral --help`, `corral plugins` or "
        "`corral doctor`"
    )
