"""Import httpx without its command-line tool.

``import httpx`` also imports ``httpx._main`` (its ``httpx`` command), which pulls in click,
pygments and rich's progress display when they are installed: a large share of corral's
start-up for code nothing in corral runs. Before httpx is first imported, this puts a small
stand-in for ``httpx._main`` in ``sys.modules``; calling ``httpx.main()`` through the stand-in
imports and runs the real one, so the ``httpx`` command keeps working.
"""

from __future__ import annotations

import sys
import types
from typing import Any

_NAME = "httpx._main"


def _main(*args: Any, **kwargs: Any) -> Any:
    import importlib

    if getattr(sys.modules.get(_NAME), "__corral_stand_in__", False):
        del sys.modules[_NAME]
    real = importlib.import_module(_NAME)
    return real.main(*args, **kwargs)


def install() -> None:
    """Put the stand-in in place unless httpx (or its CLI module) is already imported."""
    if "httpx" in sys.modules or _NAME in sys.modules:
        return
    stand_in = types.ModuleType(_NAME, "corral's stand-in for httpx's command line")
    stand_in.main = _main  # type: ignore[attr-defined]
    stand_in.__corral_stand_in__ = True  # type: ignore[attr-defined]
    sys.modules[_NAME] = stand_in


install()
