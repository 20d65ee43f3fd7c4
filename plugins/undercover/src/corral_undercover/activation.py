"""Whether undercover mode is on for a working directory (``mode`` and the repo's remotes)."""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path

import msgspec

from corral_undercover import _git
from corral_undercover.settings import Settings

# patterns compiled (by re's cache) when a remote is first read, not when the plugin loads
_SCP = r"^(?:[^@/]+@)?(?P<host>[^:/]+):(?!//)"
_URL = r"^[a-z][a-z0-9+.-]*://(?:[^@/]+@)?(?P<host>[^:/]+)"


class Activity(msgspec.Struct, frozen=True, kw_only=True):
    """The answer, with the reason shown by ``corral undercover status``."""

    active: bool
    reason: str
    repo_root: str | None = None


def remote_host(url: str) -> str | None:
    """The host of a git remote URL (``https://h/x``, ``ssh://u@h:22/x``, ``u@h:x``)."""
    m = re.match(_URL, url, re.IGNORECASE) or re.match(_SCP, url)
    return m.group("host").lower() if m else None


def is_internal(url: str, internal: list[str]) -> bool:
    """Whether ``url`` matches an ``internal_remotes`` entry: a host (or parent domain),
    a URL prefix, or a glob over the URL."""
    host = remote_host(url)
    for entry in internal:
        entry = entry.strip()
        if not entry:
            continue
        if (
            url == entry
            or url.startswith(entry.rstrip("/") + "/")
            or fnmatch.fnmatchcase(url, entry)
        ):
            return True
        e = entry.lower()
        if host is not None and (host == e or host.endswith("." + e)):
            return True
    return False


def has_rules(settings: Settings) -> bool:
    return bool(
        settings.terms
        or settings.terms_file
        or settings.patterns
        or settings.internal_hosts
        or settings.channels
    )


def decide(settings: Settings, root: Path | None, urls: list[str]) -> Activity:
    """The decision for a repository at ``root`` (``None``: not a repository) with ``urls``."""
    where = str(root) if root is not None else None
    if settings.mode == "off":
        return Activity(active=False, reason="mode is off", repo_root=where)
    if not has_rules(settings):
        return Activity(active=False, reason="nothing is configured to keep out", repo_root=where)
    if settings.mode == "on":
        return Activity(active=True, reason="mode is on", repo_root=where)
    if root is None:
        return Activity(active=True, reason="not in a git repository (counts as public)")
    if not urls:
        return Activity(
            active=True, reason="the repository has no remote (counts as public)", repo_root=where
        )
    public = [u for u in urls if not is_internal(u, settings.internal_remotes)]
    if public:
        return Activity(
            active=True,
            reason=f"{len(public)} remote URL(s) not listed in internal_remotes",
            repo_root=where,
        )
    return Activity(active=False, reason="every remote is internal", repo_root=where)


def activity(settings: Settings, cwd: Path) -> Activity:
    """Decide for the repository holding ``cwd``."""
    if settings.mode == "off" or not has_rules(settings):
        return decide(settings, None, [])
    root = _git.repo_root(cwd)
    urls = _git.remote_urls(root) if root is not None else []
    return decide(settings, root, urls)
