"""What can go wrong before a batch starts."""

from __future__ import annotations

from corral.api import UsageError


class TaskFileError(UsageError):
    """The task file has bad lines; the message lists every one with its line number."""


class BackendUnavailable(UsageError):
    """The chosen backend cannot run here (``ray`` not installed)."""
