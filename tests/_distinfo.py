"""Make a plugin discoverable through entry points without pip: a ``.dist-info`` folder on
the path is what ``importlib.metadata`` reads, exactly as for an installed distribution."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def make_dist(site: Path, name: str, version: str, entry_points: dict[str, dict[str, str]]) -> Path:
    dist = site / f"{name.replace('-', '_')}-{version}.dist-info"
    dist.mkdir(parents=True, exist_ok=True)
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    lines = []
    for group, eps in entry_points.items():
        lines.append(f"[{group}]")
        lines.extend(f"{key} = {value}" for key, value in eps.items())
        lines.append("")
    (dist / "entry_points.txt").write_text("\n".join(lines))
    return dist


def cli_env(*paths: Path, **extra: str) -> dict[str, str]:
    """The environment for running ``python -m corral`` with ``paths`` importable."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([*(str(p) for p in paths), *sys.path[1:]])
    env.update(extra)
    return env
