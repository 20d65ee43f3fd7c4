"""Realistic Claude Code settings files (many documented keys at once) load without refusal,
mean what they say, and only keys corral really ignores are listed as not used."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from corral import paths
from corral.cmdhooks import read_hooks
from corral.config import load_config

from tests._distinfo import cli_env

HERE = Path(__file__).parent / "heldout"

#: Keys of the files above that corral does not use (the rest are honoured).
IGNORED = {
    "forceLoginMethod", "spinnerTipsEnabled", "alwaysThinkingEnabled",
    "companyAnnouncements", "awsAuthRefresh", "awsCredentialExport", "otelHeadersHelper",
    "attribution.pr", "verbose", "autoUpdates",
    "theme", "preferredNotifChannel",
}
#: Keys the mcp plugin reads from the same files.
FOR_PLUGINS = {"enableAllProjectMcpServers", "enabledMcpjsonServers", "disabledMcpjsonServers"}


def install(project: Path) -> None:
    shutil.copy(HERE / "project-settings.json", project / ".claude" / "settings.json")
    shutil.copy(HERE / "local-settings.json", project / ".claude" / "settings.local.json")
    user = paths.claude_user_dir()
    user.mkdir(parents=True, exist_ok=True)
    shutil.copy(HERE / "user-settings.json", user / "settings.json")


def test_the_files_load_and_mean_what_they_say(project: Path) -> None:
    install(project)
    loaded = load_config(project, environ={})
    config = loaded.config
    assert config.model == "claude-sonnet-4-5"
    assert config.permissions.default_mode == "plan"  # the local file wins
    assert config.permissions.disable_bypass_mode is True
    assert "Bash(make:*)" in config.permissions.allow and "Read" in config.permissions.allow
    assert "WebSearch" in config.permissions.deny
    assert config.output_style == "Learning"
    assert config.status_line is not None and config.status_line.command == \
        "~/.claude/statusline.sh"
    assert config.cleanup_period_days == 20
    assert config.api.key_helper == "/bin/generate_temp_api_key.sh"
    assert config.attribution == "Co-authored-by: the team's assistant"
    assert config.env["MAX_THINKING_TOKENS"] == "8000"
    assert config.sandbox.excluded_commands == ["docker"]
    # plugin bundles (docs/bundles.md): the project enables one from a marketplace it proposes
    assert config.enabled_plugins == {"formatter@acme-tools": True}
    assert config.extra_known_marketplaces["acme-tools"]["source"]["repo"] == \
        "acme-corp/claude-plugins"
    table = read_hooks(loaded.layers)
    assert table.broken == []
    kinds = {(h.event, h.kind) for event in table.hooks for h in table.hooks[event]}
    assert {("PreToolUse", "prompt"), ("Notification", "http"), ("Stop", "agent"),
            ("Setup", "command"), ("PostToolUse", "command")} <= kinds
    assert [h.run_async for h in table.for_event("PostToolUse")] == [True]
    assert [h.once for h in table.for_event("SessionStart")] == [True]
    warnings = [w for layer in loaded.layers for w in layer.warnings]
    assert warnings == []
    unused = {note.split(": ")[1] for layer in loaded.layers for note in layer.unused}
    assert unused == IGNORED | FOR_PLUGINS
    assert table.unused == []


def test_doctor_lists_the_ignored_keys_and_exits_zero(project: Path) -> None:
    install(project)
    out = subprocess.run([sys.executable, "-m", "corral", "doctor"], cwd=project,
                         env=cli_env(COLUMNS="400"), capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    for key in IGNORED:
        assert f"{key}: not used" in out.stdout, key
    assert "enabledMcpjsonServers: read by the mcp plugin" in out.stdout
    assert "statusLine: not used" not in out.stdout and "apiKeyHelper" in out.stdout
