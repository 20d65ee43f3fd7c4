"""A marketplace written by the test: one bundle with a command, an agent, a skill, hooks and an
MCP server, as Claude Code plugin authors lay them out."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

GREET = """---
description: Greet someone and make a file
argument-hint: [name]
allowed-tools: Bash(touch:*)
---
Greet $1 warmly.

Shell said: !`echo BANG-$1`
"""

REVIEWER = """---
name: reviewer
description: Reviews a change.
tools: Read, Grep
---
You review changes carefully.
"""

SKILL = """---
name: release-notes
description: Write release notes from the git log.
---
Read the log and write notes.
"""


def write_marketplace(root: Path, *, name: str = "team", version: str = "1.2.0") -> Path:
    """``root`` holding ``.claude-plugin/marketplace.json`` and ``plugins/tools``."""
    bundle = root / "plugins" / "tools"
    (root / ".claude-plugin").mkdir(parents=True, exist_ok=True)
    (root / ".claude-plugin" / "marketplace.json").write_text(json.dumps({
        "name": name, "owner": {"name": "Team"},
        "plugins": [{"name": "tools", "source": "./plugins/tools", "description": "Team tools"}],
    }, indent=2))
    (bundle / ".claude-plugin").mkdir(parents=True, exist_ok=True)
    (bundle / ".claude-plugin" / "plugin.json").write_text(json.dumps({
        "name": "tools", "version": version, "description": "Team tools",
        "author": {"name": "Team"},
    }, indent=2))
    (bundle / "commands").mkdir(exist_ok=True)
    (bundle / "commands" / "greet.md").write_text(GREET)
    (bundle / "agents").mkdir(exist_ok=True)
    (bundle / "agents" / "reviewer.md").write_text(REVIEWER)
    (bundle / "skills" / "release-notes").mkdir(parents=True, exist_ok=True)
    (bundle / "skills" / "release-notes" / "SKILL.md").write_text(SKILL)
    (bundle / "hooks").mkdir(exist_ok=True)
    (bundle / "hooks" / "mark.sh").write_text(
        '#!/bin/sh\necho "$CLAUDE_PLUGIN_ROOT" >> "$CLAUDE_PROJECT_DIR/hook-ran.txt"\n')
    (bundle / "hooks" / "mark.sh").chmod(0o755)
    (bundle / "hooks" / "hooks.json").write_text(json.dumps({"hooks": {"UserPromptSubmit": [
        {"hooks": [{"type": "command", "command": "${CLAUDE_PLUGIN_ROOT}/hooks/mark.sh"}]}]}}))
    (bundle / ".mcp.json").write_text(json.dumps({"mcpServers": {"db": {
        "command": "${CLAUDE_PLUGIN_ROOT}/bin/db", "args": ["--root", "${CLAUDE_PLUGIN_ROOT}"]}}}))
    return root


def git_repo(source: Path, dest: Path) -> Path:
    """A bare git repository ``dest`` holding the files of ``source``."""
    work = dest.parent / (dest.name + "-work")
    subprocess.run(["git", "init", "-q", str(work)], check=True)
    subprocess.run(["cp", "-r", f"{source}/.", str(work)], check=True)
    env = ["-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run(["git", *env, "-C", str(work), "add", "-A"], check=True)
    subprocess.run(["git", *env, "-C", str(work), "commit", "-q", "-m", "init"], check=True)
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(dest)], check=True)
    return dest
