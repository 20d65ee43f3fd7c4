"""What is installed, on disk in corral's user data directory (``<data>/bundles/``).

- ``installed.json``: every installed bundle by ``name@marketplace``: its version, the folder
  of its copy, whether the user enabled it;
- ``marketplaces.json``: every marketplace the user added (or trusted), by name, with its
  source and the folder its ``.claude-plugin/marketplace.json`` is read from;
- ``marketplaces/<name>/``: clones of git marketplaces;
- ``cache/<marketplace>/<name>/<version>/``: the copies of installed bundles.

Both files are written atomically (:func:`corral.atomic.write_atomic`); a broken file is an
error naming it, never silently replaced.
"""

from __future__ import annotations

import time
from pathlib import Path

import msgspec

from corral import paths
from corral.atomic import write_atomic
from corral.errors import CorralError


class StoreError(CorralError):
    """A state file corral cannot read; the message names it."""


class Source(msgspec.Struct, kw_only=True, omit_defaults=True):
    """Where a marketplace comes from, in Claude Code's ``extraKnownMarketplaces`` shape."""

    #: ``directory``, ``git`` or ``github``.
    source: str
    path: str | None = None
    url: str | None = None
    repo: str | None = None
    ref: str | None = None

    def describe(self) -> str:
        return self.path or self.url or self.repo or "?"


class KnownMarketplace(msgspec.Struct, kw_only=True):
    source: Source
    #: The folder holding ``.claude-plugin/marketplace.json``.
    path: str
    added_at: float = 0.0


class Installed(msgspec.Struct, kw_only=True):
    name: str
    marketplace: str
    version: str
    path: str
    enabled: bool = True
    installed_at: float = 0.0

    @property
    def key(self) -> str:
        return f"{self.name}@{self.marketplace}"


class InstalledFile(msgspec.Struct, kw_only=True):
    version: int = 1
    bundles: dict[str, Installed] = msgspec.field(default_factory=dict)


class MarketplacesFile(msgspec.Struct, kw_only=True):
    version: int = 1
    marketplaces: dict[str, KnownMarketplace] = msgspec.field(default_factory=dict)


def root() -> Path:
    return paths.user_data_dir() / "bundles"


def installed_path() -> Path:
    return root() / "installed.json"


def marketplaces_path() -> Path:
    return root() / "marketplaces.json"


def _read(path: Path, kind: type[msgspec.Struct]) -> msgspec.Struct:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return kind()
    except OSError as exc:
        raise StoreError(f"{path}: cannot read the file: {exc.strerror}") from exc
    try:
        return msgspec.json.decode(raw, type=kind)
    except msgspec.DecodeError as exc:
        raise StoreError(f"{path}: {exc}; fix or remove the file (corral never overwrites "
                         "a file it cannot read)") from exc


def _write(path: Path, value: msgspec.Struct) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, msgspec.json.format(msgspec.json.encode(value), indent=2) + b"\n")


def load_installed() -> InstalledFile:
    result = _read(installed_path(), InstalledFile)
    assert isinstance(result, InstalledFile)
    return result


def save_installed(state: InstalledFile) -> None:
    _write(installed_path(), state)


def load_marketplaces() -> MarketplacesFile:
    result = _read(marketplaces_path(), MarketplacesFile)
    assert isinstance(result, MarketplacesFile)
    return result


def save_marketplaces(state: MarketplacesFile) -> None:
    _write(marketplaces_path(), state)


def now() -> float:
    return round(time.time(), 3)
