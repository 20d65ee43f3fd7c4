"""Project servers (``.mcp.json``) run only once the user approved them.

Read from Claude Code's keys in every settings file (``~/.claude/settings.json``,
``.claude/settings.json``, ``.claude/settings.local.json``, and this project's entry in
``~/.claude.json``) and from ``[plugins.mcp]``: ``enableAllProjectMcpServers``,
``enabledMcpjsonServers``, ``disabledMcpjsonServers``. A refusal anywhere wins. The REPL's
trust prompt writes its answer to ``.claude/settings.local.json``, where Claude Code keeps it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import msgspec
from corral.api import claude_user_dir, project_root, write_atomic

from corral_mcp.config import Servers, claude_json_path, local_entry, read_json
from corral_mcp.settings import Settings

Verdict = Literal["approved", "disabled", "needs-approval"]


class Approvals(msgspec.Struct, kw_only=True):
    enable_all: bool = False
    enabled: set[str] = msgspec.field(default_factory=set)
    disabled: set[str] = msgspec.field(default_factory=set)

    def verdict(self, name: str) -> Verdict:
        if name in self.disabled:
            return "disabled"
        if self.enable_all or name in self.enabled:
            return "approved"
        return "needs-approval"


def _take(doc: dict[str, Any] | None, into: Approvals) -> None:
    if not doc:
        return
    if doc.get("enableAllProjectMcpServers") is True:
        into.enable_all = True
    for key, target in (("enabledMcpjsonServers", into.enabled),
                        ("disabledMcpjsonServers", into.disabled)):
        value = doc.get(key)
        if isinstance(value, list):
            target.update(v for v in value if isinstance(v, str))


def local_settings_path(cwd: Path) -> Path:
    return project_root(cwd) / ".claude" / "settings.local.json"


def read_approvals(cwd: Path, settings: Settings) -> Approvals:
    root = project_root(cwd)
    scratch = Servers()  # broken settings files are the kernel's to report
    out = Approvals(enable_all=settings.enable_all_project_servers,
                    enabled=set(settings.enabled_project_servers),
                    disabled=set(settings.disabled_project_servers))
    for path in (claude_user_dir() / "settings.json", root / ".claude" / "settings.json",
                 local_settings_path(cwd)):
        _take(read_json(path, scratch), out)
    _take(local_entry(read_json(claude_json_path(), scratch), root), out)
    return out


def record_answer(cwd: Path, name: str, approve: bool) -> Path:
    """Keep the user's answer for project server ``name`` in ``settings.local.json``,
    leaving every other key of that file as it was."""
    path = local_settings_path(cwd)
    problems = Servers()
    doc = read_json(path, problems)
    if problems.problems:
        from corral.api import ConfigError

        problem = problems.problems[0]
        raise ConfigError(problem.source, problem.key, problem.message)
    doc = dict(doc or {})
    add, drop = (("enabledMcpjsonServers", "disabledMcpjsonServers") if approve
                 else ("disabledMcpjsonServers", "enabledMcpjsonServers"))
    kept = [v for v in doc.get(add, []) if v != name] if isinstance(doc.get(add), list) else []
    doc[add] = [*kept, name]
    if isinstance(doc.get(drop), list):
        doc[drop] = [v for v in doc[drop] if v != name]
    write_atomic(path, msgspec.json.format(msgspec.json.encode(doc), indent=2) + b"\n")
    return path
