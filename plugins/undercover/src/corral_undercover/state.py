"""Per-session state: the settings, whether undercover is active here, the built scanner."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec
from corral.api import StashKey

from corral_undercover import _git
from corral_undercover.activation import Activity, decide, has_rules
from corral_undercover.settings import Settings

if TYPE_CHECKING:
    from corral_undercover.matcher import Scanner
    from corral_undercover.rules import ScannerCache

NAME = "undercover"


def settings_of(config: Any) -> Settings:
    """Our settings from a kernel ``Config`` (a ``Settings``, a raw table, or nothing)."""
    raw = config.plugin_settings(NAME) if config is not None else None
    if isinstance(raw, Settings):
        return raw
    if raw is None:
        return Settings()
    return msgspec.convert(raw, Settings)


class Undercover:
    """What a session (or a git hook, or the CLI) needs to apply the filter in one directory.

    The repository root is found once, when first needed (with nothing to keep out, never:
    no git runs at a session's start); whether undercover is active is re-decided when the
    settings object or the repository's config file (where remotes live) changes.
    """

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd.resolve()
        self._activity: tuple[tuple[int, float], Activity] | None = None

    @functools.cached_property
    def _scanners(self) -> ScannerCache:
        from corral_undercover.rules import ScannerCache  # the matcher: when text is scanned

        return ScannerCache()

    @functools.cached_property
    def root(self) -> Path | None:
        return _git.repo_root(self.cwd)

    @functools.cached_property
    def _config_file(self) -> Path | None:
        return _git.config_path(self.root) if self.root is not None else None

    def _config_mtime(self) -> float:
        try:
            return self._config_file.stat().st_mtime if self._config_file else 0.0
        except OSError:
            return -1.0

    def activity(self, settings: Settings) -> Activity:
        if settings.mode == "off" or not has_rules(settings):
            return decide(settings, None, [])  # inactive wherever it runs
        key = (id(settings), self._config_mtime())
        if self._activity is None or self._activity[0] != key:
            needs_git = settings.mode == "auto" and has_rules(settings) and self.root is not None
            urls = _git.remote_urls(self.root) if needs_git and self.root is not None else []
            self._activity = (key, decide(settings, self.root, urls))
        return self._activity[1]

    def scanner(self, settings: Settings) -> Scanner | None:
        """The scanner when undercover is active here, else ``None``."""
        if not self.activity(settings).active:
            return None
        return self._scanners.get(settings, self.root)

    def any_scanner(self, settings: Settings) -> Scanner:
        """The scanner whether or not undercover is active (an explicit ``scan``)."""
        return self._scanners.get(settings, self.root)


#: The session's :class:`Undercover`.
STATE: StashKey[Undercover] = StashKey(NAME)


def for_session(session: Any) -> Undercover:
    """The :class:`Undercover` kept in ``session.stash``, made on first use."""
    state: Undercover = session.stash.get_or_create(STATE, lambda: Undercover(Path(session.cwd)))
    return state
