"""The ``sandbox`` settings: Claude Code's block, corral's ``[sandbox]``, flags and env."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from corral.app import App
from corral.cli._parser import cli_overrides, pre_parser
from corral.errors import ConfigError
from corral.sandbox.runtime import gate, status


def _write_settings(project: Path, block: object) -> None:
    (project / ".claude" / "settings.json").write_text(json.dumps({"sandbox": block}))


def test_claude_code_block_is_honoured_as_written(project: Path) -> None:
    _write_settings(project, {
        "enabled": True, "autoAllowBashIfSandboxed": False, "excludedCommands": ["docker"],
        "enableWeakerNestedSandbox": False,
        "network": {"allowedDomains": ["pypi.org"], "allowUnixSockets": ["/run/x.sock"],
                    "allowAllUnixSockets": False, "allowLocalBinding": True,
                    "httpProxyPort": 8080, "socksProxyPort": 8081}})
    s = App.create(cwd=project).config.sandbox
    assert (s.enabled, s.auto_allow_bash_if_sandboxed, s.excluded_commands) == (
        True, False, ["docker"])
    n = s.network
    assert (n.allowed_domains, n.allow_unix_sockets, n.allow_local_binding,
            n.http_proxy_port, n.socks_proxy_port) == (["pypi.org"], ["/run/x.sock"], True,
                                                       8080, 8081)


def test_unknown_key_in_the_block_is_listed_not_used(project: Path) -> None:
    _write_settings(project, {"network": {"allowedDomain": ["x"]}, "ignoreViolations": {}})
    layer = next(lyr for lyr in App.create(cwd=project).loaded.layers
                 if lyr.name == "claude-project")
    text = "\n".join(layer.warnings)
    assert "settings.json: sandbox.network.allowedDomain" in text
    assert "did you mean 'allowedDomains'" in text
    assert "sandbox.ignoreViolations" in text


def test_a_bad_value_in_the_block_names_file_and_key(project: Path) -> None:
    _write_settings(project, {"autoAllowBashIfSandboxed": "yes"})
    with pytest.raises(ConfigError) as err:
        App.create(cwd=project)
    assert "settings.json" in str(err.value)
    assert "auto_allow_bash_if_sandboxed" in str(err.value)


def test_toml_table_and_lists_merge_with_settings(project: Path) -> None:
    _write_settings(project, {"excludedCommands": ["docker"]})
    (project / ".claude" / "corral.toml").write_text(
        '[sandbox]\nexcluded_commands = ["podman"]\n[sandbox.network]\n'
        'allowed_domains = ["example.com"]\n')
    s = App.create(cwd=project).config.sandbox
    assert s.excluded_commands == ["docker", "podman"]
    assert s.network.allowed_domains == ["example.com"]


def test_toml_rejects_a_misspelled_key(project: Path) -> None:
    (project / ".claude" / "corral.toml").write_text("[sandbox]\nenable = false\n")
    with pytest.raises(ConfigError) as err:
        App.create(cwd=project)
    assert "sandbox" in str(err.value) and "enable" in str(err.value)


def test_no_sandbox_flag_and_env_turn_it_off(project: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    ns = pre_parser().parse_known_args(["--no-sandbox"])[0]
    app = App.create(cwd=project, cli=cli_overrides(ns))
    st = status(app.config)
    assert not st.on and st.by_config and gate(app.config) is None
    monkeypatch.setenv("CORRAL_SANDBOX", "off")
    assert not status(App.create(cwd=project).config).on
    monkeypatch.setenv("CORRAL_SANDBOX", "maybe")
    with pytest.raises(ConfigError, match="CORRAL_SANDBOX"):
        App.create(cwd=project)


def test_default_is_on_wherever_bubblewrap_works(project: Path) -> None:
    config = App.create(cwd=project).config
    st = status(config)
    assert st.on == (st.availability.backend is not None)
    if st.on:
        g = gate(config)
        assert g is not None and g.auto_allow and g.allow_unsandboxed


def test_without_a_backend_the_sandbox_is_off_with_a_reason(project: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    from corral.sandbox import detect

    monkeypatch.setenv("PATH", str(project))  # no bwrap on PATH
    detect._bwrap.cache_clear()
    try:
        st = status(App.create(cwd=project).config)
    finally:
        detect._bwrap.cache_clear()
    if os.uname().sysname == "Linux":
        assert not st.on and "bubblewrap" in st.reason and "apt-get install" in st.reason
