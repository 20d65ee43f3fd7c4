"""The chain's verdict on reading or writing one file, shared by file tools and Bash."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from corral.permissions._parts import Part, allow_rule, allow_tier, rule_part
from corral.permissions.context import Mode, PermissionContext
from corral.permissions.paths import protected_reason, within_any
from corral.permissions.rules import CompiledRule
from corral.permissions.secrets import names_files, secret_pattern


def _any_path(ctx: PermissionContext, paths: Sequence[str]) -> Callable[[CompiledRule], bool]:
    def test(r: CompiledRule) -> bool:
        return r.matcher == "any" or (
            r.matcher == "path" and any(r.matches_path(p, ctx.cwd, ctx.home) for p in paths)
        )

    return test


def _all_paths(ctx: PermissionContext, paths: Sequence[str]) -> Callable[[CompiledRule], bool]:
    def test(r: CompiledRule) -> bool:
        return r.matcher == "any" or (
            r.matcher == "path" and all(r.matches_path(p, ctx.cwd, ctx.home) for p in paths)
        )

    return test


def check_write(ctx: PermissionContext, mode: Mode, tool: str, loose: Sequence[str],
                resolved: Sequence[str], what: str) -> Part:
    """Edit/Write/…, or a shell redirection, to ``resolved`` (``loose`` adds lexical forms)."""
    hit = rule_part(ctx, tool, "edit", _any_path(ctx, [*loose, *resolved]), what)
    if hit is not None:
        return hit
    if mode == "bypassPermissions":
        return Part("allow", "mode", "bypassPermissions mode allows writes")
    for path in resolved:
        reason = protected_reason(path, ctx.home)
        if reason is not None:
            return Part("ask", "protected", f"{reason}; protected paths always ask")
    if mode == "plan":
        return Part("deny", "mode", f"plan mode does not write files ({what})")
    rule = allow_rule(ctx, tool, "edit", _all_paths(ctx, resolved))
    if rule is not None:
        return Part("allow", allow_tier(ctx, rule),
                    f"{what} matches allow rule {rule.rule.text!r}", rule)
    inside = all(within_any(p, ctx.working_dirs) for p in resolved)
    if not inside:
        return Part("ask", "mode", f"{what} is outside the working directories", liftable=True)
    if mode == "acceptEdits":
        return Part("allow", "mode", f"acceptEdits mode allows {what} in the working directories")
    return Part("ask", "mode", f"{mode} mode asks before {what}", liftable=True)


def check_read(ctx: PermissionContext, mode: Mode, tool: str, loose: Sequence[str],
               resolved: Sequence[str], what: str) -> Part:
    """Read/Grep/Glob/…, or a shell input redirection, of ``resolved``."""
    hit = rule_part(ctx, tool, "read", _any_path(ctx, [*loose, *resolved]), what)
    if hit is not None:
        return hit
    if mode == "bypassPermissions":
        return Part("allow", "mode", "bypassPermissions mode allows reads")
    secret = secret_of(ctx, [*loose, *resolved])
    rule = allow_rule(ctx, tool, "read", _all_paths(ctx, resolved))
    if rule is not None and (secret is None or names_files(rule)):
        return Part("allow", allow_tier(ctx, rule),
                    f"{what} matches allow rule {rule.rule.text!r}", rule)
    if secret is not None:
        path, pattern = secret
        return Part("ask", "protected", f"{what}: {path} looks like a secret file (matches "
                    f"{pattern!r} in secret_files); reading it asks unless an allow rule "
                    "names it")
    if all(within_any(p, ctx.working_dirs) for p in resolved):
        return Part("allow", "mode", f"{what} stays inside the working directories")
    return Part("ask", "mode", f"{what} reaches outside the working directories", liftable=True,
                keep_in_sandbox=True)


def secret_of(ctx: PermissionContext, paths: Sequence[str]) -> tuple[str, str] | None:
    """The first of ``paths`` that looks like a secret file, and the pattern it matches."""
    for path in paths:
        pattern = secret_pattern(path, ctx.cwd, ctx.secret_files)
        if pattern is not None:
            return path, pattern
    return None
