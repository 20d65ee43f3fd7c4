"""The rules "always allow" should save for a call: as narrow as the call itself.

For a shell command that is one rule per simple command (and per written file) the chain did
not already allow, since ``Bash(a && b)`` as a single rule would never match anything.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from corral.permissions._bash import cd_bases, command_part, file_part
from corral.permissions.context import PermissionContext
from corral.permissions.paths import resolve
from corral.permissions.shell import analyze
from corral.tools.base import ToolCall


def suggest_rules(call: ToolCall, ctx: PermissionContext) -> list[str]:
    """Allow rules that would let ``call`` through next time (protected paths still ask)."""
    kind = ctx.kind_of(call.name)
    if kind == "bash":
        command = call.input.get("command")
        if not isinstance(command, str):
            return []
        analysis = analyze(command, ctx.home, ctx.cwd)
        if analysis.problems:
            return [f"Bash({command})"] if "\n" not in command else []
        bases = cd_bases(ctx, analysis)
        mode = ctx.effective_mode
        rules: list[str] = []
        for cmd in analysis.commands:
            if cmd.container or not cmd.words or cmd.words[0].dynamic:
                continue
            if command_part(ctx, mode, cmd, bases).verdict != "allow":
                rules.append(f"Bash({cmd.text})")
        for f in analysis.files:
            if file_part(ctx, mode, f.path, f.write, bases, f.how).verdict != "allow":
                rules.append(_path_rule("Edit" if f.write else "Read", f.path, ctx))
        return list(dict.fromkeys(rules))
    if kind in ("read", "edit"):
        for key in ("file_path", "notebook_path", "path"):
            value = call.input.get(key)
            if isinstance(value, str):
                return [_path_rule("Read" if kind == "read" else "Edit", value, ctx)]
        return []
    if kind == "webfetch":
        try:
            host = urlsplit(str(call.input.get("url", ""))).hostname
        except ValueError:
            host = None
        return [f"WebFetch(domain:{host})"] if host else []
    return [call.name]


def _path_rule(tool: str, path: str, ctx: PermissionContext) -> str:
    real = resolve(path, ctx.cwd, ctx.home)
    if real == ctx.cwd or real.startswith(ctx.cwd + "/"):
        return f"{tool}(./{os.path.relpath(real, ctx.cwd)})"
    return f"{tool}(/{real})"
