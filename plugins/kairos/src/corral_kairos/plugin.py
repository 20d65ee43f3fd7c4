"""Entry point of corral-kairos: the hooks the kernel calls.

This module is imported only when the ``kairos`` feature is enabled; keep its imports light.
"""

from __future__ import annotations

from collections.abc import Callable

import msgspec
from corral import hookimpl

from corral_kairos.settings import Settings

NAME = "kairos"


@hookimpl
def corral_add_settings(register: Callable[[str, type[msgspec.Struct]], None]) -> None:
    register(NAME, Settings)
