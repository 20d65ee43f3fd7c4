"""check_settings_table fails for the reasons it names (run against an installed plugin)."""

from __future__ import annotations

from pathlib import Path

import pytest
from corral.testing import check_settings_table


def test_passes_for_a_plugin_that_keeps_the_promise(tmp_path: Path, corral_isolated: Path) -> None:
    settings = pytest.importorskip("corral_dream.settings")
    check_settings_table(tmp_path, "dream", settings.Settings(), distribution="corral-dream",
                         enabled_by_default=True)


def test_fails_on_the_wrong_distribution_and_the_wrong_defaults(
    tmp_path: Path, corral_isolated: Path
) -> None:
    settings = pytest.importorskip("corral_dream.settings")
    with pytest.raises(AssertionError):
        check_settings_table(tmp_path / "a", "dream", settings.Settings(), distribution="other",
                             enabled_by_default=True)
    changed = settings.Settings(**{f: not getattr(settings.Settings(), f)
                                   for f in settings.Settings.__struct_fields__
                                   if isinstance(getattr(settings.Settings(), f), bool)})
    assert changed != settings.Settings()
    with pytest.raises(AssertionError):
        check_settings_table(tmp_path / "b", "dream", changed, distribution="corral-dream",
                             enabled_by_default=True)
    with pytest.raises(AssertionError):
        check_settings_table(tmp_path / "c", "dream", settings.Settings(),
                             distribution="corral-dream", enabled_by_default=False)
