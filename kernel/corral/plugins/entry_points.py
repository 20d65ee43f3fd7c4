"""Reading the installed distributions' entry points straight from their metadata folders.

``importlib.metadata`` costs a start-up tens of milliseconds before it reads anything (it
imports the email parser, zipfile and more) and then builds objects for every distribution.
A corral run needs only the entry points of the few distributions whose
``entry_points.txt`` mentions corral, so this module lists the ``*.dist-info`` and
``*.egg-info`` folders of each ``sys.path`` directory and reads those files itself, in the
same order ``importlib.metadata.distributions()`` visits them: nothing is cached between
runs, so a plugin installed, removed or upgraded (editable installs too) is seen by the next
run. Where ``sys.path`` holds something this reader does not follow (a zip archive, an
``.egg`` directory, another finder that provides distributions), :func:`can_read` says no
and the caller asks ``importlib.metadata``.
"""

from __future__ import annotations

import functools
import importlib
import os
import re
import sys
from collections.abc import Iterator

import msgspec

_VALUE = re.compile(r"(?P<module>[\w.]+)\s*(:\s*(?P<attr>[\w.]+)\s*)?((?P<extras>\[.*\])\s*)?$")


class PluginEntry(msgspec.Struct, frozen=True):
    """One entry point: ``name = value`` in ``group`` of the distribution in ``dist_path``."""

    name: str
    value: str
    group: str
    #: The distribution's ``.dist-info`` / ``.egg-info`` folder (``None``: not known).
    dist_path: str | None = None

    def load(self) -> object:
        """Import the module the value names and return it, or the attribute it names."""
        match = _VALUE.match(self.value)
        if match is None:
            raise ValueError(f"entry point {self.name!r}: malformed value {self.value!r}")
        module = importlib.import_module(match.group("module"))
        attrs = filter(None, (match.group("attr") or "").split("."))
        return functools.reduce(getattr, attrs, module)

    def read_metadata(self, filename: str) -> str | None:
        """The text of ``filename`` in the distribution's folder, ``None`` when absent."""
        if self.dist_path is None:
            return None
        return read_text(os.path.join(self.dist_path, filename))


def read_text(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as file:
            return file.read()
    except (OSError, UnicodeDecodeError):
        return None


def can_read(path: list[str] | None = None) -> bool:
    """Whether :func:`metadata_dirs` sees every distribution ``importlib.metadata`` would:
    no finder but the standard one provides distributions, and no ``path`` entry is a zip
    archive or an ``.egg`` directory."""
    from importlib.machinery import PathFinder

    for finder in sys.meta_path:
        if finder is not PathFinder and hasattr(finder, "find_distributions"):
            return False
    for entry in sys.path if path is None else path:
        if entry.lower().endswith(".egg") or os.path.isfile(entry):
            return False
    return True


def normalize(name: str) -> str:
    """A distribution name as ``importlib.metadata`` compares them (PEP 503, ``_``)."""
    return re.sub(r"[-_.]+", "-", name).lower().replace("-", "_")


def metadata_dirs(path: list[str] | None = None) -> Iterator[tuple[str, str]]:
    """``(normalized name, folder)`` of every distribution on ``path`` (default
    ``sys.path``), in ``importlib.metadata``'s order: the path entries in turn, and within
    one directory grouped by name in the order the names first appear in its listing."""
    for entry in sys.path if path is None else path:
        root = entry or "."
        try:
            children = os.listdir(root)
        except OSError:
            continue
        grouped: dict[str, list[str]] = {}
        for child in children:
            low = child.lower()
            if low.endswith((".dist-info", ".egg-info")):
                name = normalize(low.rpartition(".")[0].partition("-")[0])
                grouped.setdefault(name, []).append(os.path.join(entry, child))
        for name, folders in grouped.items():
            for folder in folders:
                yield name, folder


def parse(text: str, dist_path: str | None = None) -> Iterator[PluginEntry]:
    """The entry points in an ``entry_points.txt``: ``[group]`` headers, ``name = value``
    lines; blank lines, ``#`` comments and lines without ``=`` are skipped."""
    group: str | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            group = line.strip("[]")
            continue
        name, sep, value = line.partition("=")
        if group is None or not sep:
            continue
        yield PluginEntry(name.strip(), value.strip(), group, dist_path)
