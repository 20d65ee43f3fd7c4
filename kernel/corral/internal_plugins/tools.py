"""The kernel's built-in tools, offered through ``corral_register_tools`` like any plugin's.

Registered first (``tryfirst``), so their schemas lead the request and a plugin tool that
takes a built-in name is the one refused.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from corral import hookimpl

if TYPE_CHECKING:
    from corral.tools.base import Tool


@hookimpl(tryfirst=True)
def corral_register_tools(register: Callable[[Tool], None]) -> None:
    from corral.tools.builtin import BUILTIN_TOOLS

    for cls in BUILTIN_TOOLS:
        register(cls())
