"""Checks every plugin's test suite needs: found through its entry point, settings validated.

::

    from corral.testing import check_settings_table
    from corral_mine.settings import Settings

    def test_settings_table(tmp_path):
        check_settings_table(tmp_path, "mine", Settings(), distribution="corral-mine",
                         enabled_by_default=False)

The kernel is imported only when a check runs, so importing :mod:`corral.testing` stays cheap.
"""

from __future__ import annotations

from pathlib import Path

import msgspec


def check_settings_table(
    tmp_path: Path,
    name: str,
    defaults: msgspec.Struct,
    *,
    distribution: str,
    enabled_by_default: bool,
) -> None:
    """Assert what corral promises about a plugin's ``[plugins.<name>]`` table.

    - the plugin is found through the ``corral`` entry point of ``distribution``, enabled or
      not by default as ``enabled_by_default`` says;
    - an unknown key in its table is a :class:`~corral.errors.ConfigError` naming the file
      and the key;
    - with no table, the settings the plugin reads are ``defaults``.

    Each check runs in its own project folder under ``tmp_path``.
    """
    from corral.app import App
    from corral.errors import ConfigError

    found = tmp_path / "found"
    found.mkdir(parents=True)
    record = App.create(cwd=found, environ={}).host.records[name]
    assert record.distribution == distribution, record
    assert record.enabled is enabled_by_default and record.decided_by == "default", record

    bad = tmp_path / "bad"
    (bad / ".claude").mkdir(parents=True)
    path = bad / ".claude" / "corral.toml"
    path.write_text(f"[features]\n{name} = true\n[plugins.{name}]\nno_such_key = 1\n")
    try:
        App.create(cwd=bad, environ={})
    except ConfigError as exc:
        expected = f"{path}: plugins.{name}.no_such_key: unknown key"
        assert expected in str(exc), f"{expected!r} not in {str(exc)!r}"
    else:
        raise AssertionError(f"an unknown key in [plugins.{name}] was accepted")

    plain = tmp_path / "plain"
    plain.mkdir(parents=True)
    app = App.create(cwd=plain, environ={}, cli={"features": {name: True}})
    assert app.config.plugin_settings(name) == defaults
