"""Turning settings into a scanner: labels for every rule, the terms file, a small cache."""

from __future__ import annotations

import os
from pathlib import Path

from corral_undercover.errors import UndercoverConfigError
from corral_undercover.matcher import Labeled, Scanner
from corral_undercover.settings import Settings


def _labeled(key: str, values: list[str]) -> list[Labeled]:
    return [(f"{key}[{i}]", v) for i, v in enumerate(values)]


def terms_file_path(settings: Settings) -> Path | None:
    if not settings.terms_file:
        return None
    return Path(os.path.expandvars(os.path.expanduser(settings.terms_file))).resolve()


def load_terms_file(settings: Settings, repo_root: Path | None) -> list[Labeled]:
    """Terms from ``terms_file``: one a line, blank lines and ``#`` comments skipped.

    The file must lie outside ``repo_root``: a list of confidential terms inside a public
    repository is one ``git add .`` away from being published.
    """
    path = terms_file_path(settings)
    if path is None:
        return []
    if repo_root is not None and path.is_relative_to(repo_root.resolve()):
        raise UndercoverConfigError(
            "terms_file",
            f"{path} is inside the repository {repo_root}; move it outside the repository "
            "(for example to your corral config directory) so the list is never committed",
        )
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise UndercoverConfigError(
            "terms_file", f"cannot read {path} ({exc.strerror}); fix the path or remove the key"
        ) from None
    out: list[Labeled] = []
    for number, line in enumerate(lines, start=1):
        term = line.strip()
        if term and not term.startswith("#"):
            out.append((f"terms_file:{number}", term))
    return out


def build_scanner(settings: Settings, repo_root: Path | None = None) -> Scanner:
    """A scanner for ``settings``; ``repo_root`` is checked against ``terms_file``."""
    return Scanner(
        terms=_labeled("terms", settings.terms) + load_terms_file(settings, repo_root),
        patterns=_labeled("patterns", settings.patterns),
        hosts=_labeled("internal_hosts", settings.internal_hosts),
        channels=_labeled("channels", settings.channels),
        short_link_prefixes=settings.short_link_prefixes,
        leetspeak=settings.leetspeak,
        word_boundary=settings.word_boundary,
        short_term_length=settings.short_term_length,
    )


class ScannerCache:
    """Keeps the scanner of the last settings seen; rebuilds when the settings object or the
    terms file's modification time changes."""

    def __init__(self) -> None:
        self._key: tuple[int, Path | None, float] | None = None
        self._settings: Settings | None = None
        self._scanner: Scanner | None = None

    def get(self, settings: Settings, repo_root: Path | None) -> Scanner:
        path = terms_file_path(settings)
        try:
            mtime = path.stat().st_mtime if path is not None else 0.0
        except OSError:
            mtime = -1.0
        key = (id(settings), repo_root, mtime)
        if self._scanner is None or key != self._key or self._settings is not settings:
            self._scanner = build_scanner(settings, repo_root)
            self._key = key
            self._settings = settings
        return self._scanner
