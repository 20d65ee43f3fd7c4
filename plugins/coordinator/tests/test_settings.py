"""The plugin is found through its entry point, registers its settings, and validates them."""

from __future__ import annotations

from pathlib import Path

from corral.testing import check_settings_table
from corral_coordinator.settings import Settings


def test_settings_table(tmp_path: Path) -> None:
    check_settings_table(tmp_path, "coordinator", Settings(), distribution="corral-coordinator",
                         enabled_by_default=True)
