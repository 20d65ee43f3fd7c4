"""Errors of the dream plugin."""

from __future__ import annotations

from corral.api import CorralError


class DreamError(CorralError):
    """A dream could not run or finish; memory is as it was before."""


class DreamBusy(DreamError):
    """Another dream holds the project's dream lock."""

    exit_code = 3


class DreamModelError(DreamError):
    """A model call failed or answered something unusable; nothing was written."""

    exit_code = 4
