"""Installing, removing, enabling and disabling bundles (``corral plugin install`` …).

An install copies the bundle's folder from its marketplace into
``<data>/bundles/cache/<marketplace>/<name>/<version>/`` and records it, enabled, in
``installed.json``. The version is the manifest's, else the marketplace entry's, else a
hash of the files (``0.0.0-<hash>``), so a changed bundle gets a new folder.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corral.bundles import marketplace, store
from corral.bundles.manifest import Bundle, load_bundle
from corral.errors import UsageError

if TYPE_CHECKING:
    from corral.config.loader import LoadedConfig

_IGNORE = shutil.ignore_patterns(".git")


def split_key(spec: str) -> tuple[str, str | None]:
    name, sep, where = spec.strip().partition("@")
    if not name:
        raise UsageError(f"{spec!r}: expected NAME or NAME@MARKETPLACE")
    return name, (where or None) if sep else None


def find_marketplace(name: str, loaded: LoadedConfig) -> str:
    """The one known or proposed marketplace listing bundle ``name``."""
    holders: list[str] = []
    known = store.load_marketplaces().marketplaces
    for mkt, entry in known.items():
        try:
            if marketplace.read_catalog(Path(entry.path)).entry(name) is not None:
                holders.append(mkt)
        except marketplace.MarketplaceError:
            continue
    if not holders:
        raise UsageError(f"no known marketplace lists a bundle named {name!r}; "
                         "`corral plugin marketplace list` shows the marketplaces")
    if len(holders) > 1:
        raise UsageError(f"bundle {name!r} is in several marketplaces ({', '.join(holders)}); "
                         f"say which: {name}@{holders[0]}")
    return holders[0]


def _content_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and ".git" not in p.parts):
        digest.update(str(path.relative_to(folder)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _entry_folder(catalog: marketplace.Catalog, entry: dict[str, Any],
                  tmp: Path) -> Path:
    """Where the entry's files are: a path in the marketplace, or a git clone into ``tmp``."""
    spec = entry.get("source", "./" + str(entry.get("name")))
    if isinstance(spec, str):
        base = Path(catalog.folder)
        if catalog.plugin_root and not spec.startswith(("./", "../")):
            base = base / catalog.plugin_root
        folder = (base / spec).resolve()
        if not folder.is_relative_to(Path(catalog.folder).resolve()):
            raise marketplace.MarketplaceError(
                f"{catalog.path}: plugin {entry.get('name')!r}: source {spec!r} is outside "
                "the marketplace")
        if not folder.is_dir():
            raise marketplace.MarketplaceError(
                f"{catalog.path}: plugin {entry.get('name')!r}: source {spec!r} is not a folder")
        return folder
    if isinstance(spec, dict) and spec.get("source") in ("github", "git", "url"):
        kind = "github" if spec.get("source") == "github" else "git"
        source = store.Source(source=kind, repo=spec.get("repo"), url=spec.get("url"),
                              ref=spec.get("ref"))
        marketplace.clone(source, tmp / "repo")
        sub = spec.get("path")
        return tmp / "repo" / sub if isinstance(sub, str) else tmp / "repo"
    raise marketplace.MarketplaceError(
        f"{catalog.path}: plugin {entry.get('name')!r}: source {spec!r} is not one corral "
        "installs from (a relative path, github or a git url)")


def install(spec: str, loaded: LoadedConfig, cwd: Path, *, trust: bool = False
            ) -> tuple[store.Installed, Bundle]:
    """Install ``NAME@MARKETPLACE`` (or ``NAME`` when one marketplace lists it)."""
    name, where = split_key(spec)
    mkt = where or find_marketplace(name, loaded)
    folder = marketplace.known_folder(mkt, loaded, cwd, trust=trust)
    catalog = marketplace.read_catalog(folder)
    entry = catalog.entry(name)
    if entry is None:
        listed = ", ".join(str(p.get("name")) for p in catalog.plugins) or "none"
        raise UsageError(f"marketplace {mkt!r} has no bundle {name!r} (it lists: {listed})")
    store.root().mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".install-", dir=store.root()) as tmp:
        source = _entry_folder(catalog, entry, Path(tmp))
        overrides = {k: v for k, v in entry.items() if k != "source"}
        found = load_bundle(source, mkt, overrides)
        version = found.version or f"0.0.0-{_content_hash(source)}"
        dest = store.root() / "cache" / mkt / name / version
        staging = Path(tmp) / "copy"
        shutil.copytree(source, staging, ignore=_IGNORE, symlinks=True)
        if dest.exists():
            shutil.rmtree(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        staging.rename(dest)
    state = store.load_installed()
    previous = state.bundles.get(f"{name}@{mkt}")
    record = store.Installed(name=name, marketplace=mkt, version=version, path=str(dest),
                             enabled=True, installed_at=store.now())
    state.bundles[record.key] = record
    store.save_installed(state)
    if previous is not None and previous.path != record.path:
        shutil.rmtree(previous.path, ignore_errors=True)
    return record, load_bundle(dest, mkt, overrides)


def _record(spec: str) -> tuple[store.InstalledFile, store.Installed]:
    name, where = split_key(spec)
    state = store.load_installed()
    matches = [r for r in state.bundles.values()
               if r.name == name and (where is None or r.marketplace == where)]
    if not matches:
        raise UsageError(f"no installed bundle {spec!r}; `corral plugin list` shows them")
    if len(matches) > 1:
        raise UsageError(f"several installed bundles are named {name!r}: "
                         f"{', '.join(r.key for r in matches)}; say which")
    return state, matches[0]


def uninstall(spec: str) -> store.Installed:
    state, record = _record(spec)
    del state.bundles[record.key]
    store.save_installed(state)
    shutil.rmtree(record.path, ignore_errors=True)
    return record


def set_enabled(spec: str, enabled: bool) -> store.Installed:
    state, record = _record(spec)
    record.enabled = enabled
    store.save_installed(state)
    return record
