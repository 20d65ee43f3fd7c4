from __future__ import annotations

import json
from pathlib import Path

import msgspec
import pytest
from corral.config import load_config
from corral.config.layers import parse_feature_list
from corral.errors import ConfigError


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_defaults_without_any_file(project: Path) -> None:
    loaded = load_config(project, environ={})
    assert loaded.config.model == "sonnet"
    assert loaded.config.permissions.default_mode == "default"
    assert loaded.origin("model") == "default"


def test_layers_scalars_take_highest_and_lists_merge(project: Path, _isolated_home: Path) -> None:
    user = Path(__import__("os").environ["CORRAL_HOME"]) / "config" / "config.toml"
    write(user, 'model = "opus"\n[permissions]\nallow = ["Read"]\n')
    proj = write(project / ".claude/corral.toml", '[permissions]\nallow = ["Bash(ls *)"]\n')
    local = write(project / ".claude/corral.local.toml", 'model = "haiku"\n')
    loaded = load_config(project, environ={})
    assert loaded.config.model == "haiku"
    assert loaded.origin("model") == str(local)
    assert loaded.config.permissions.allow == ["Read", "Bash(ls *)"]
    assert loaded.item_origins["permissions.allow"] == [str(user), str(proj)]


def test_env_and_cli_layers_order(project: Path) -> None:
    write(project / ".claude/corral.toml", 'model = "opus"\n')
    loaded = load_config(project, environ={"CORRAL_MODEL": "haiku"})
    assert (loaded.config.model, loaded.origin("model")) == ("haiku", "env")
    loaded = load_config(project, cli={"model": "x"}, environ={"CORRAL_MODEL": "haiku"})
    assert (loaded.config.model, loaded.origin("model")) == ("x", "cli")


def test_managed_policy_beats_cli(project: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    managed = tmp_path / "managed"
    monkeypatch.setenv("CORRAL_MANAGED_DIR", str(managed))
    write(managed / "managed.toml", '[permissions]\ndefault_mode = "plan"\ndeny = ["Bash(curl *)"]\n')
    loaded = load_config(project, cli={"permissions": {"default_mode": "bypassPermissions"}}, environ={})
    assert loaded.config.permissions.default_mode == "plan"
    assert "Bash(curl *)" in loaded.config.permissions.deny
    kinds = {(kind, rule) for kind, rule, _, _ in loaded.rule_sources()}
    assert ("deny", "Bash(curl *)") in kinds


def test_claude_settings_json_is_a_layer(project: Path) -> None:
    settings = write(
        project / ".claude/settings.json",
        json.dumps(
            {
                "permissions": {"allow": ["Bash(npm run test:*)"], "defaultMode": "acceptEdits"},
                "env": {"FOO": "1"},
                "model": "opus",
                "statusLine": {"type": "command"},  # no command: a warning, no status line
            }
        ),
    )
    loaded = load_config(project, environ={})
    assert loaded.config.permissions.allow == ["Bash(npm run test:*)"]
    assert loaded.config.permissions.default_mode == "acceptEdits"
    assert loaded.config.env == {"FOO": "1"}
    assert loaded.origin("model") == str(settings)
    assert loaded.config.status_line is None
    [warning] = [w for layer in loaded.layers for w in layer.warnings]
    assert "statusLine.command: expected a non-empty shell command" in warning


def test_misspelled_key_names_file_and_key(project: Path) -> None:
    path = write(project / ".claude/corral.toml", "[permissions]\nalow = ['Read']\n")
    with pytest.raises(ConfigError) as info:
        load_config(project, environ={})
    message = str(info.value)
    assert str(path) in message
    assert "permissions.alow" in message
    assert "did you mean 'allow'" in message
    assert info.value.exit_code == 2


def test_wrong_type_names_file_and_key(project: Path) -> None:
    path = write(project / ".claude/corral.local.toml", "[api]\nmax_retries = 'many'\n")
    with pytest.raises(ConfigError) as info:
        load_config(project, environ={})
    assert str(path) in str(info.value)
    assert "api.max_retries" in str(info.value)
    assert "expected `int`" in str(info.value)


def test_bad_toml_syntax_names_file_and_line(project: Path) -> None:
    path = write(project / ".claude/corral.toml", "model = \n")
    with pytest.raises(ConfigError) as info:
        load_config(project, environ={})
    assert str(path) in str(info.value) and "line 1" in str(info.value)


def test_bad_env_value_is_reported_as_env(project: Path) -> None:
    with pytest.raises(ConfigError, match=r"^env: permissions.default_mode"):
        load_config(project, environ={"CORRAL_PERMISSION_MODE": "yolo"})


def test_feature_list_parsing() -> None:
    assert parse_feature_list("buddy, -kairos,+dream") == {"buddy": True, "kairos": False, "dream": True}
    with pytest.raises(ConfigError, match="empty feature name"):
        parse_feature_list("buddy,-")


class _Settings(msgspec.Struct, forbid_unknown_fields=True):
    seed: int = 1


def test_plugin_tables_validated_per_layer(project: Path) -> None:
    path = write(project / ".claude/corral.toml", "[plugins.demo]\nseed = 'x'\n")
    loaded = load_config(project, environ={})
    with pytest.raises(ConfigError) as info:
        loaded.validate_plugins({"demo": _Settings})
    assert f"{path}: plugins.demo.seed" in str(info.value)


def test_plugin_tables_merge_and_default(project: Path) -> None:
    write(project / ".claude/corral.toml", "[plugins.demo]\nseed = 5\n")
    loaded = load_config(project, environ={})
    loaded.validate_plugins({"demo": _Settings, "other": _Settings})
    assert loaded.config.plugin_settings("demo") == _Settings(seed=5)
    assert loaded.config.plugin_settings("other") == _Settings(seed=1)
