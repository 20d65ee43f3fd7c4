"""Errors of corral-kairos."""

from __future__ import annotations

from corral.api import CorralError


class KairosError(CorralError):
    """Something kairos was asked to do cannot be done as configured."""

    exit_code = 2


class DaemonError(CorralError):
    """The kairos daemon could not be started, reached or stopped."""

    exit_code = 1
