"""Finding installed plugins and deciding their feature flags, without importing them."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping

import msgspec

from corral.plugins import entry_points
from corral.plugins.entry_points import PluginEntry

GROUP = "corral"
#: Plugins listed in this group are off unless a flag turns them on (they act on their own
#: or spend tokens). Listing is enough; the value is not loaded.
DEFAULT_OFF_GROUP = "corral.default_off"


class FlagDecision(msgspec.Struct, frozen=True):
    enabled: bool
    decided_by: str


def scan() -> tuple[dict[str, PluginEntry], set[str]]:
    """One pass over the installed distributions: the ``corral`` entry points by name (the
    first one wins on a duplicate name, as for a distribution shadowed on ``sys.path``) and
    the names listed in :data:`DEFAULT_OFF_GROUP`.

    The metadata folders are listed and only ``entry_points.txt`` files that mention corral
    are parsed (:mod:`corral.plugins.entry_points`), without importing ``importlib.metadata``
    unless ``sys.path`` holds something only it can read. Nothing is cached between runs.
    """
    found: dict[str, PluginEntry] = {}
    default_off: set[str] = set()
    for text, dist_path in _entry_point_texts():
        if "corral" not in text:
            continue
        for ep in entry_points.parse(text, dist_path):
            if ep.group == GROUP:
                found.setdefault(ep.name, ep)
            elif ep.group == DEFAULT_OFF_GROUP:
                default_off.add(ep.name)
    return found, default_off


def _entry_point_texts() -> Iterator[tuple[str, str | None]]:
    """The ``entry_points.txt`` text and metadata folder of each distinct distribution."""
    seen: set[str] = set()
    if entry_points.can_read():
        for key, folder in entry_points.metadata_dirs():
            if key in seen:
                continue
            seen.add(key)
            text = entry_points.read_text(os.path.join(folder, "entry_points.txt"))
            if text:
                yield text, folder
        return
    from importlib.metadata import distributions

    for dist in distributions():
        key = getattr(dist, "_normalized_name", None) or dist.metadata["Name"]
        if key in seen:
            continue
        seen.add(key)
        text = dist.read_text("entry_points.txt")
        if text:
            path = getattr(dist, "_path", None)
            yield text, str(path) if path is not None and os.path.isdir(str(path)) else None


def installed_plugins() -> dict[str, PluginEntry]:
    """The ``corral`` entry points by name (the first one wins on a duplicate name)."""
    return scan()[0]


def default_off_names() -> set[str]:
    return scan()[1]


def decide_flags(
    names: list[str],
    features: Mapping[str, bool],
    origins: Mapping[str, str],
    default_off: set[str],
    only: set[str] | None,
) -> dict[str, FlagDecision]:
    """Decide each plugin's flag: its default, then the merged ``[features]`` table (whose
    origin says which layer set it), and ``CORRAL_LOAD_PLUGINS`` above all."""
    decisions: dict[str, FlagDecision] = {}
    for name in names:
        if only is not None:
            decisions[name] = FlagDecision(name in only, "CORRAL_LOAD_PLUGINS")
        elif name in features:
            decisions[name] = FlagDecision(features[name], origins.get(f"features.{name}", "?"))
        else:
            decisions[name] = FlagDecision(name not in default_off, "default")
    return decisions


def distribution_of(ep: PluginEntry) -> tuple[str | None, str | None]:
    """The name and version of the distribution that provides ``ep``.

    Read from the head of its metadata file: the full metadata parser is slower, and these
    two fields are always in the head."""
    head: dict[str, str] = {}
    for line in (ep.read_metadata("METADATA") or ep.read_metadata("PKG-INFO") or "").splitlines():
        if not line:
            break  # the headers end at the first blank line
        key, sep, value = line.partition(":")
        if sep and key in ("Name", "Version"):
            head.setdefault(key, value.strip())
    return head.get("Name"), head.get("Version")
