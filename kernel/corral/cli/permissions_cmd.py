"""``corral permissions explain`` and ``corral permissions list``: the chain, inspected.

``explain`` decides a call without running anything: the plugins' votes count, command
hooks do not run (they could have effects). ``list`` shows every effective rule with the
file it came from, the mode, the working directories, the locks and the command hooks.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any, cast

from corral.errors import UsageError

if TYPE_CHECKING:
    from corral.app import App
    from corral.session import Session

_MODES = ["default", "acceptEdits", "plan", "dontAsk", "bypassPermissions"]


def configure(perms: argparse.ArgumentParser) -> None:
    """The ``explain`` and ``list`` actions of ``corral permissions``."""
    from corral.cli._options import add_subcommand_globals

    actions = perms.add_subparsers(dest="permissions_command", metavar="ACTION", required=True)
    explain = actions.add_parser(
        "explain", help="decide a tool call without running it, and say why",
        description="Decide TOOL with INPUT_JSON (default {}) as the permission chain would, "
        "without running anything. Command hooks are not run.")
    explain.add_argument("tool", metavar="TOOL", help="tool name, e.g. Bash, Edit, Read")
    explain.add_argument("input", metavar="INPUT_JSON", nargs="?", default="{}",
                         help='the tool input as a JSON object, e.g. \'{"command": "ls"}\'')
    explain.add_argument("--mode", choices=_MODES, default=None,
                         help="decide as in this permission mode (default: the session's)")
    explain.add_argument("--json", action="store_true", help="print one JSON object")
    listing = actions.add_parser("list", help="list the effective rules and where each is from")
    listing.add_argument("--json", action="store_true", help="print JSON")
    for action in (explain, listing):
        add_subcommand_globals(action)


def run(args: argparse.Namespace, app: App) -> int:
    return run_permissions(args, app)


def run_permissions(args: argparse.Namespace, app: App) -> int:
    if args.permissions_command == "explain":
        return run_explain(app, args.tool, args.input, mode=args.mode, as_json=args.json)
    return run_list(app, as_json=args.json)


def _session(app: App) -> Session:
    from corral.session import Session

    return Session(app, headless=True)


def _parse_input(text: str) -> dict[str, Any]:
    import msgspec

    try:
        value = msgspec.json.decode(text)
    except msgspec.DecodeError as exc:
        raise UsageError(f"INPUT_JSON is not valid JSON ({exc}); give the tool input as a "
                         "JSON object, e.g. '{\"command\": \"git status\"}'") from exc
    if not isinstance(value, dict):
        raise UsageError(f"INPUT_JSON must be a JSON object, not {type(value).__name__}")
    return value


def explain_call(app: App, tool: str, tool_input: dict[str, Any],
                 mode: str | None = None) -> dict[str, Any]:
    """The decision on ``tool`` with ``tool_input`` as one JSON-ready object."""
    import asyncio

    from corral.permissions.context import DEFAULT_TOOL_KINDS, Mode
    from corral.permissions.explanation import decision_dict, explain
    from corral.sandbox.runtime import sandboxed_context
    from corral.tools.base import ToolCall

    session = _session(app)
    ctx = sandboxed_context(session)
    if tool not in DEFAULT_TOOL_KINDS:
        found = session.tools.get(tool)
        if found is not None and found.read_only:
            ctx = ctx.with_tools({tool: "readonly"})
    call = ToolCall(id="explain", name=tool, input=tool_input)
    votes = asyncio.run(session.hooks.check_permission(session, call))
    if mode is not None:
        ctx = ctx.with_mode(cast(Mode, mode))
    decision = explain(tool, tool_input, ctx, votes=votes)
    effective = ctx.effective_mode
    out = decision_dict(decision, tool=tool, mode=effective)
    out["input"] = tool_input
    out["sandbox"] = None
    if ctx.kind_of(tool) == "bash":
        from corral.sandbox.runtime import explain_sandbox

        out["sandbox"] = explain_sandbox(session, str(tool_input.get("command", "")), tool_input)
    return out


def run_explain(app: App, tool: str, text: str, *, mode: str | None, as_json: bool) -> int:
    import msgspec

    out = explain_call(app, tool, _parse_input(text), mode)
    if as_json:
        sys.stdout.write(msgspec.json.encode(out).decode() + "\n")
        return 0
    rows = [("decision", out["decision"]), ("tier", out["tier"]),
            ("rule", out["rule"] or "-"), ("source", out["source"] or "-"),
            ("reason", out["reason"]), ("mode", out["mode"])]
    if out["sandbox"] is not None:
        rows.append(("sandbox", out["sandbox"]))
    lines = [f"{key:<9}{value}" for key, value in rows]
    if out["details"]:
        lines.append("details")
        lines += [f"  {line}" for line in out["details"]]
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


def list_data(app: App) -> dict[str, Any]:
    """The effective rules (managed first), mode, directories, locks and command hooks."""
    from corral.cmdhooks import hook_table
    from corral.permissions.session import permission_context

    session = _session(app)
    ctx = permission_context(session)
    rules = [_rule_row(r, "managed", True) for r in ctx.managed.rules]
    rules += [_rule_row(r, "settings", not ctx.managed_rules_only) for r in ctx.rules.rules]
    table = hook_table(session)
    hooks = [
        {"event": h.event, "matcher": h.matcher, "command": h.command, "timeout": h.timeout,
         "source": h.source}
        for event in table.hooks for h in table.for_event(event)
    ]
    return {
        "mode": ctx.mode,
        "effective_mode": ctx.effective_mode,
        "working_directories": list(ctx.working_dirs),
        "locks": {"disable_bypass_mode": ctx.disable_bypass_mode,
                  "managed_rules_only": ctx.managed_rules_only,
                  "managed_hooks_only": table.managed_only},
        "rules": rules,
        "hooks": hooks,
    }


def _rule_row(rule: Any, tier: str, active: bool) -> dict[str, Any]:
    return {"kind": rule.kind, "rule": rule.text, "tier": tier, "source": rule.source,
            "active": active}


def _describe(data: dict[str, Any]) -> list[str]:
    mode = data["mode"]
    if data["effective_mode"] != mode:
        mode += f" (acts as {data['effective_mode']}: bypass is disabled by managed policy)"
    lines = [f"mode: {mode}", "working directories:"]
    lines += [f"  {d}" for d in data["working_directories"]]
    locks = [name for name, on in data["locks"].items() if on]
    lines.append(f"managed locks: {', '.join(locks) if locks else 'none'}")
    lines.append("rules (deny, then ask, then allow; the first match of a kind wins):")
    if not data["rules"]:
        lines.append("  none")
    for kind in ("deny", "ask", "allow"):
        for row in data["rules"]:
            if row["kind"] == kind:
                note = "" if row["active"] else "  [ignored: managed_rules_only]"
                tier = " (managed)" if row["tier"] == "managed" else ""
                lines.append(f"  {kind:<6}{row['rule']}  # {row['source']}{tier}{note}")
    lines.append("command hooks:")
    if not data["hooks"]:
        lines.append("  none")
    for hook in data["hooks"]:
        matcher = f"[{hook['matcher']}]" if hook["matcher"] else ""
        lines.append(f"  {hook['event']}{matcher}  {hook['command']}  # {hook['source']}")
    return lines


def run_list(app: App, *, as_json: bool) -> int:
    import msgspec

    data = list_data(app)
    if as_json:
        sys.stdout.write(msgspec.json.encode(data).decode() + "\n")
    else:
        sys.stdout.write("\n".join(_describe(data)) + "\n")
    return 0


__all__ = ["configure", "run", "explain_call", "list_data", "run_permissions"]
