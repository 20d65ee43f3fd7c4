"""Entry point of corral-coordinator: the hooks the kernel calls.

This module is imported only when the ``coordinator`` feature is enabled; keep its imports light.
"""

from __future__ import annotations

from collections.abc import Callable

import msgspec
from corral import hookimpl

from corral_coordinator.settings import Settings

NAME = "coordinator"


@hookimpl
def corral_add_settings(register: Callable[[str, type[msgspec.Struct]], None]) -> None:
    register(NAME, Settings)
