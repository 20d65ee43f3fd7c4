"""The plugin is found through its entry point, registers its settings, and validates them."""

from __future__ import annotations

from pathlib import Path

import pytest
from corral.app import App
from corral.errors import ConfigError
from corral_dream.settings import Settings

NAME = "dream"


def test_flag_default_and_entry_point(tmp_path: Path) -> None:
    app = App.create(cwd=tmp_path, environ={})
    record = app.host.records[NAME]
    assert record.distribution == "corral-dream"
    assert record.enabled is True and record.decided_by == "default"


def test_settings_table_is_validated(tmp_path: Path) -> None:
    (tmp_path / ".claude").mkdir()
    path = tmp_path / ".claude" / "corral.toml"
    path.write_text(f"[features]\n{NAME} = true\n[plugins.{NAME}]\nno_such_key = 1\n")
    with pytest.raises(ConfigError) as info:
        App.create(cwd=tmp_path, environ={})
    assert f"{path}: plugins.{NAME}.no_such_key: unknown key" in str(info.value)


def test_settings_defaults_reach_the_config(tmp_path: Path) -> None:
    app = App.create(cwd=tmp_path, environ={}, cli={"features": {NAME: True}})
    assert app.config.plugin_settings(NAME) == Settings()
