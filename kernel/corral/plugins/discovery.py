"""Finding installed plugins and deciding their feature flags, without importing them."""

from __future__ import annotations

from collections.abc import Mapping
from importlib.metadata import EntryPoint

import msgspec

GROUP = "corral"
#: Plugins listed in this group are off unless a flag turns them on (they act on their own
#: or spend tokens). Listing is enough; the value is not loaded.
DEFAULT_OFF_GROUP = "corral.default_off"


class FlagDecision(msgspec.Struct, frozen=True):
    enabled: bool
    decided_by: str


def scan() -> tuple[dict[str, EntryPoint], set[str]]:
    """One pass over the installed distributions: the ``corral`` entry points by name (the
    first one wins on a duplicate name, as for a distribution shadowed on ``sys.path``) and
    the names listed in :data:`DEFAULT_OFF_GROUP`.

    Only distributions whose ``entry_points.txt`` mentions corral are parsed; the others
    cost one small file read each (``importlib.metadata.entry_points`` parses every one).
    """
    from importlib.metadata import distributions

    found: dict[str, EntryPoint] = {}
    default_off: set[str] = set()
    seen: set[str] = set()
    for dist in distributions():
        key = getattr(dist, "_normalized_name", None) or dist.metadata["Name"]
        if key in seen:
            continue
        seen.add(key)
        text = dist.read_text("entry_points.txt")
        if not text or "corral" not in text:
            continue
        for ep in dist.entry_points:
            if ep.group == GROUP:
                found.setdefault(ep.name, ep)
            elif ep.group == DEFAULT_OFF_GROUP:
                default_off.add(ep.name)
    return found, default_off


def installed_plugins() -> dict[str, EntryPoint]:
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


def distribution_of(ep: EntryPoint) -> tuple[str | None, str | None]:
    """The name and version of the distribution that provides ``ep``.

    Read from the head of its metadata file: the full metadata parser is slower, and these
    two fields are always in the head."""
    dist = getattr(ep, "dist", None)
    if dist is None:
        return None, None
    head: dict[str, str] = {}
    for line in (dist.read_text("METADATA") or dist.read_text("PKG-INFO") or "").splitlines():
        if not line:
            break  # the headers end at the first blank line
        key, sep, value = line.partition(":")
        if sep and key in ("Name", "Version"):
            head.setdefault(key, value.strip())
    if len(head) < 2:
        return dist.metadata["Name"], dist.version
    return head["Name"], head["Version"]
