"""Finding installed plugins and deciding their feature flags, without importing them."""

from __future__ import annotations

from collections.abc import Mapping
from importlib.metadata import EntryPoint, entry_points

import msgspec

GROUP = "corral"
#: Plugins listed in this group are off unless a flag turns them on (they act on their own
#: or spend tokens). Listing is enough; the value is not loaded.
DEFAULT_OFF_GROUP = "corral.default_off"


class FlagDecision(msgspec.Struct, frozen=True):
    enabled: bool
    decided_by: str


def installed_plugins() -> dict[str, EntryPoint]:
    """The ``corral`` entry points by name (the first one wins on a duplicate name)."""
    found: dict[str, EntryPoint] = {}
    for ep in entry_points(group=GROUP):
        found.setdefault(ep.name, ep)
    return found


def default_off_names() -> set[str]:
    return {ep.name for ep in entry_points(group=DEFAULT_OFF_GROUP)}


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
    dist = getattr(ep, "dist", None)
    if dist is None:
        return None, None
    return dist.metadata["Name"], dist.version
