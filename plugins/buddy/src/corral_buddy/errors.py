"""Errors of corral-buddy: each says what was wrong, where, and what to do."""

from __future__ import annotations

from pathlib import Path

from corral.api import CorralError


class BuddyError(CorralError):
    """Base of every error corral-buddy raises on purpose."""


class StoredFileError(BuddyError):
    """A file buddy keeps in the user data dir cannot be read or does not decode."""

    def __init__(self, path: Path, problem: str, remedy: str) -> None:
        self.path = path
        super().__init__(f"buddy: {path}: {problem}. {remedy}")


class BadNameError(BuddyError):
    """A new name for the pet is empty, too long or has control characters."""

    def __init__(self, name: str, problem: str) -> None:
        self.name = name
        super().__init__(
            f"buddy: cannot rename to {name!r}: {problem}. "
            "Pick 1 to 24 printable characters on one line."
        )
