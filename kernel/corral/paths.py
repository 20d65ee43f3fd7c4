"""Where corral keeps things on disk.

Every user directory comes from platformdirs, unless ``CORRAL_HOME`` is set: then all of them
live under it (``config/``, ``data/``, ``cache/``, ``state/``, ``logs/``), which is how tests
and portable installs keep corral away from the real home directory.
"""

from __future__ import annotations

import os
from pathlib import Path

APP = "corral"


def _user_dir(sub: str, kind: str) -> Path:
    """``$CORRAL_HOME/<sub>`` when set, else platformdirs' ``user_<kind>_dir`` for corral."""
    home = os.environ.get("CORRAL_HOME")
    if home:
        return Path(home).expanduser() / sub
    import platformdirs

    return Path(getattr(platformdirs, f"user_{kind}_dir")(APP))


def user_config_dir() -> Path:
    """Directory of the user's ``config.toml``."""
    return _user_dir("config", "config")


def user_data_dir() -> Path:
    """Directory for data corral keeps for the user (transcripts, plugin data)."""
    return _user_dir("data", "data")


def user_cache_dir() -> Path:
    return _user_dir("cache", "cache")


def user_state_dir() -> Path:
    return _user_dir("state", "state")


def user_log_dir() -> Path:
    return _user_dir("logs", "log")


def site_config_dir() -> Path:
    """Directory of the managed policy (``managed.toml``), which no user layer overrides.

    ``CORRAL_MANAGED_DIR`` points elsewhere (for tests and for unusual installs).
    """
    override = os.environ.get("CORRAL_MANAGED_DIR")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.site_config_dir(APP))


def claude_user_dir() -> Path:
    """The user's Claude Code directory (``~/.claude``, or ``CLAUDE_CONFIG_DIR``)."""
    override = os.environ.get("CLAUDE_CONFIG_DIR")
    return Path(override).expanduser() if override else Path.home() / ".claude"


def project_key(path: Path) -> str:
    """A folder name for per-project data: readable, and unique per path.

    The path's characters outside ``[A-Za-z0-9]`` become ``-`` (its tail kept readable) and a
    short hash of the whole resolved path follows, so ``my_app`` and ``my-app`` (or ``a/b`` and
    ``a-b``) never share a folder.
    """
    import hashlib

    text = str(path.resolve())
    slug = legacy_project_slug(path)[-48:].strip("-") or "root"
    digest = hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:12]
    return f"{slug}-{digest}"


def legacy_project_slug(path: Path) -> str:
    """The per-project folder name before :func:`project_key` (lossy: paths could share it)."""
    import re

    return re.sub(r"[^A-Za-z0-9]+", "-", str(path.resolve())).strip("-") or "root"


def project_root(cwd: Path) -> Path:
    """The nearest ancestor of ``cwd`` (itself included) holding ``.claude/`` or ``.git``.

    The home directory is never a project root (its ``.claude`` is the user's), so outside
    any project the root is ``cwd`` itself.
    """
    cwd = cwd.resolve()
    home = Path.home().resolve()
    for candidate in (cwd, *cwd.parents):
        if candidate == home:
            break
        if (candidate / ".claude").is_dir() or (candidate / ".git").exists():
            return candidate
    return cwd
