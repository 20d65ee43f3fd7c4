"""Marketplaces: ``.claude-plugin/marketplace.json`` from a folder, a git URL, or ``owner/repo``.

A marketplace the user adds (``corral plugin marketplace add SOURCE``) is trusted. One that a
settings file proposes (``extraKnownMarketplaces``) is trusted when the file is the user's
own; when it is a project's (``.claude/settings.json``, shared through the repository) the
user is asked before its first install (headless: refused, saying how to trust it).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from corral.bundles import store
from corral.bundles._json import JsonProblem, line_of, read_object
from corral.errors import CorralError, UsageError

if TYPE_CHECKING:
    from corral.config.loader import LoadedConfig

CATALOG = Path(".claude-plugin") / "marketplace.json"
_SHORTHAND = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
_GIT_URL = re.compile(r"^(https?://|ssh://|git://|file://|git@[^:]+:)")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
#: Seconds a git clone or fetch may take.
GIT_TIMEOUT_S = 300.0
#: Layers whose ``extraKnownMarketplaces`` are the user's own (trusted without asking).
USER_LAYERS = frozenset({"claude-user", "user", "managed", "cli", "claude-cli", "env",
                         "defaults"})


class MarketplaceError(CorralError):
    """A marketplace that cannot be added, read or used."""


class TrustNeeded(MarketplaceError):
    """A marketplace proposed by a project's settings, not trusted yet."""

    def __init__(self, name: str, source: store.Source, proposer: str) -> None:
        self.name = name
        self.source = source
        self.proposer = proposer
        super().__init__(
            f"marketplace {name!r} ({source.describe()}) is proposed by {proposer} and is not "
            f"trusted yet; to trust it, run `corral plugin marketplace trust {name}` (or add "
            f"it yourself: `corral plugin marketplace add {source.describe()}`)")


class Catalog(msgspec.Struct, kw_only=True):
    """A marketplace file read."""

    name: str
    folder: str
    path: str
    plugins: list[dict[str, Any]]
    plugin_root: str = ""
    description: str = ""

    def entry(self, name: str) -> dict[str, Any] | None:
        return next((p for p in self.plugins if p.get("name") == name), None)


def parse_source(text: str, cwd: Path) -> store.Source:
    """A source as typed after ``marketplace add``: a folder (or its ``marketplace.json``),
    a git URL (or a local git repository), or ``owner/repo`` on GitHub."""
    text = text.strip()
    if not text:
        raise UsageError("marketplace add: give a folder, a git URL or owner/repo")
    if _GIT_URL.match(text) or text.endswith(".git") and not Path(text).expanduser().is_dir():
        return store.Source(source="git", url=text)
    candidate = Path(text).expanduser()
    if not candidate.is_absolute():
        candidate = cwd / candidate
    if candidate.is_file() and candidate.name == "marketplace.json":
        parent = candidate.parent
        candidate = parent.parent if parent.name == ".claude-plugin" else parent
    if candidate.is_dir():
        if (candidate / CATALOG).is_file():
            return store.Source(source="directory", path=str(candidate.resolve()))
        if (candidate / "HEAD").is_file() or (candidate / ".git").exists():
            return store.Source(source="git", url=str(candidate.resolve()))
        raise MarketplaceError(f"{candidate}: no {CATALOG} in this folder")
    if _SHORTHAND.match(text) and not text.startswith("."):
        return store.Source(source="github", repo=text)
    raise MarketplaceError(f"{text!r} is neither a folder, a git URL nor owner/repo")


def source_from_settings(name: str, value: Any, where: str) -> store.Source:
    """An ``extraKnownMarketplaces`` entry: ``{"source": {"source": "github", "repo": ...}}``."""
    spec = value.get("source") if isinstance(value, dict) else None
    if isinstance(spec, str):
        spec = {"source": "github", "repo": spec} if _SHORTHAND.match(spec) else None
    try:
        source = msgspec.convert(spec, store.Source)
    except (msgspec.ValidationError, TypeError) as exc:
        raise MarketplaceError(f"{where}: extraKnownMarketplaces.{name}.source: {exc}") from None
    if source.source not in ("directory", "git", "github"):
        raise MarketplaceError(f"{where}: extraKnownMarketplaces.{name}.source: source "
                               f"{source.source!r} is not one corral reads (directory, git, "
                               "github)")
    return source


def clone_url(source: store.Source) -> str:
    if source.source == "github":
        return f"https://github.com/{source.repo}.git"
    return source.url or ""


def git(*args: str, cwd: Path | None = None) -> str:
    """Run git without a terminal prompt; a failure is an error with git's own words."""
    if shutil.which("git") is None:
        raise MarketplaceError("git is not installed; it is needed for git marketplaces")
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    try:
        done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True,
                              timeout=GIT_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        raise MarketplaceError(f"git {args[0]} took longer than {GIT_TIMEOUT_S:.0f}s") from None
    if done.returncode != 0:
        raise MarketplaceError(f"git {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def clone(source: store.Source, dest: Path) -> None:
    args = ["clone", "--quiet", "--depth", "1"]
    if source.ref:
        args += ["--branch", source.ref]
    git(*args, clone_url(source), str(dest))


def read_catalog(folder: Path) -> Catalog:
    """The marketplace file of ``folder``; :class:`MarketplaceError` naming file and line."""
    path = folder / CATALOG
    if not path.is_file():
        raise MarketplaceError(f"{folder}: no {CATALOG}")
    try:
        doc, raw = read_object(path)
    except JsonProblem as exc:
        raise MarketplaceError(str(exc)) from None
    name = doc.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise MarketplaceError(f"{path}:{line_of(raw, 'name')}: name: expected a marketplace "
                               f"name (letters, digits, '.', '_', '-'), got {name!r}")
    plugins = doc.get("plugins")
    if not isinstance(plugins, list) or not all(isinstance(p, dict) for p in plugins):
        raise MarketplaceError(f"{path}:{line_of(raw, 'plugins')}: plugins: expected a list of "
                               "objects")
    meta = doc.get("metadata")
    if not isinstance(meta, dict):
        meta = {}
    return Catalog(name=name, folder=str(folder), path=str(path), plugins=plugins,
                   plugin_root=str(meta.get("pluginRoot") or ""),
                   description=str(meta.get("description") or doc.get("description") or ""))


def _fetch(source: store.Source, cwd: Path) -> tuple[Path, Path | None]:
    """The folder to read the marketplace from, and a temporary clone to move into place."""
    if source.source == "directory":
        folder = Path(source.path or "").expanduser()
        return (folder if folder.is_absolute() else cwd / folder).resolve(), None
    store.root().mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".clone-", dir=store.root()))
    try:
        clone(source, tmp / "repo")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return tmp / "repo", tmp


def add(source: store.Source, cwd: Path) -> Catalog:
    """Add (trust) a marketplace; its name comes from its ``marketplace.json``."""
    folder, tmp = _fetch(source, cwd)
    try:
        catalog = read_catalog(folder)
        state = store.load_marketplaces()
        if source.source != "directory":
            dest = store.root() / "marketplaces" / catalog.name
            if dest.exists():
                shutil.rmtree(dest)
            dest.parent.mkdir(parents=True, exist_ok=True)
            folder.rename(dest)
            folder = dest
        state.marketplaces[catalog.name] = store.KnownMarketplace(
            source=source, path=str(folder), added_at=store.now())
        store.save_marketplaces(state)
        return msgspec.structs.replace(catalog, folder=str(folder),
                                       path=str(folder / CATALOG))
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def remove(name: str) -> store.KnownMarketplace:
    state = store.load_marketplaces()
    known = state.marketplaces.pop(name, None)
    if known is None:
        raise UsageError(f"no marketplace named {name!r}; `corral plugin marketplace list` "
                         "shows them")
    store.save_marketplaces(state)
    clone_dir = store.root() / "marketplaces" / name
    if known.source.source != "directory" and clone_dir.exists():
        shutil.rmtree(clone_dir)
    return known


def update(name: str) -> Catalog:
    """Fetch a git marketplace again (a folder is read as it is now)."""
    known = store.load_marketplaces().marketplaces.get(name)
    if known is None:
        raise UsageError(f"no marketplace named {name!r}")
    folder = Path(known.path)
    if known.source.source != "directory":
        ref = known.source.ref or "HEAD"
        git("fetch", "--quiet", "--depth", "1", "origin", ref, cwd=folder)
        git("reset", "--quiet", "--hard", "FETCH_HEAD", cwd=folder)
    return read_catalog(folder)


class Proposed(msgspec.Struct, kw_only=True):
    name: str
    source: store.Source
    #: The settings file that proposes it.
    proposer: str
    #: Whether that file is the user's own (trusted without asking).
    trusted: bool


def proposed(loaded: LoadedConfig) -> dict[str, Proposed]:
    """Marketplaces proposed by ``extraKnownMarketplaces``, lowest layer first, by name."""
    found: dict[str, Proposed] = {}
    for layer in loaded.layers:
        table = layer.data.get("extra_known_marketplaces") or {}
        for name, value in table.items():
            source = source_from_settings(name, value, layer.source)
            found[name] = Proposed(name=name, source=source, proposer=layer.source,
                                   trusted=layer.name in USER_LAYERS)
    return found


def known_folder(name: str, loaded: LoadedConfig, cwd: Path, *,
                 trust: bool = False) -> Path:
    """The folder of marketplace ``name``, adding a proposed one first when it is trusted
    (``trust``: the user just said so); :class:`TrustNeeded` when it is not."""
    known = store.load_marketplaces().marketplaces.get(name)
    if known is not None:
        return Path(known.path)
    offer = proposed(loaded).get(name)
    if offer is None:
        raise UsageError(f"no marketplace named {name!r}; add one with `corral plugin "
                         "marketplace add SOURCE`")
    if not (offer.trusted or trust):
        raise TrustNeeded(name, offer.source, offer.proposer)
    return Path(add(offer.source, cwd).folder)
