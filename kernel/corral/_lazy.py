"""Thin package faces: a package's public names load from their home modules on first use.

A package ``__init__`` that imports every module behind its names makes ``import
corral.engine.transcript`` load the whole engine. With :func:`lazy_getattr` the package
names each public name's home instead (PEP 562); ``from corral.engine import Engine`` still
works and imports only what ``Engine`` needs. Type checkers see ordinary imports under
``TYPE_CHECKING``.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_getattr(package: str, homes: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package``: each name of ``homes`` is imported from its
    home module the first time it is looked up, then kept on the package."""

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
