"""The sandbox policy: what a shell command may write, must not see, and may reach."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

import msgspec

from corral.permissions.context import PermissionContext
from corral.permissions.rules import CompiledRule
from corral.sandbox.credentials import credential_paths
from corral.sandbox.settings import SandboxSettings

#: Inside a writable directory, these stay read-only: they decide what runs later, outside
#: the sandbox (git's hooks and config, corral's and Claude Code's settings).
PROTECTED_INSIDE: tuple[str, ...] = (".git/config", ".git/hooks", ".claude")
#: How many directory entries one glob ``Read(...)`` deny rule may scan for files to hide.
_SCAN_LIMIT = 20_000
_GLOB = set("*?[{")


class SandboxPolicy(msgspec.Struct, frozen=True, kw_only=True):
    """Everything a backend needs to confine one session's shell commands."""

    #: Directories commands may write (working directories and the session temp dir).
    writable: tuple[str, ...]
    #: Paths inside ``writable`` that stay read-only.
    read_only: tuple[str, ...] = ()
    #: Paths commands must not see at all (credentials, ``Read(...)`` deny rules).
    hidden: tuple[str, ...] = ()
    #: The per-session temp dir (``TMPDIR`` inside the sandbox).
    temp_dir: str
    #: Hosts reachable through the filtering proxy; empty with no proxy port: no network.
    allowed_domains: tuple[str, ...] = ()
    allow_unix_sockets: tuple[str, ...] = ()
    allow_all_unix_sockets: bool = False
    allow_local_binding: bool = False
    http_proxy_port: int | None = None
    socks_proxy_port: int | None = None
    weaker_nested: bool = False

    @property
    def block_unix_sockets(self) -> bool:
        """On Linux unix sockets are refused unless any is allowed (the list cannot be
        enforced per path there)."""
        return not (self.allow_all_unix_sockets or self.allow_unix_sockets)

    @property
    def network(self) -> bool:
        """Whether any traffic may leave the sandbox (through a proxy)."""
        return bool(self.allowed_domains) or self.http_proxy_port is not None \
            or self.socks_proxy_port is not None

    def describe(self) -> list[str]:
        """The policy as lines for ``/sandbox`` and ``corral doctor``."""
        lines = ["writable:"] + [f"  {p}" for p in self.writable]
        lines += ["read-only inside them:"] + [f"  {p}" for p in self.read_only or ("none",)]
        lines += ["hidden:"] + [f"  {p}" for p in self.hidden or ("none",)]
        if self.http_proxy_port is not None:
            net = f"through your HTTP proxy on port {self.http_proxy_port}"
        elif self.allowed_domains:
            net = "only to " + ", ".join(self.allowed_domains) + " (through corral's proxy)"
        else:
            net = "none (loopback included)"
        if self.socks_proxy_port is not None:
            net += f"; SOCKS proxy on port {self.socks_proxy_port}"
        lines.append(f"network: {net}")
        if self.allow_all_unix_sockets:
            lines.append("unix sockets: all allowed")
        elif self.allow_unix_sockets:
            lines.append("unix sockets: " + ", ".join(self.allow_unix_sockets)
                         + " (on Linux: every unix socket)")
        else:
            lines.append("unix sockets: none")
        if self.weaker_nested:
            lines.append("weaker nested mode: host /proc and process namespace are shared")
        return lines


def build_policy(settings: SandboxSettings, ctx: PermissionContext, temp_dir: str, *,
                 claude_dir: str | None = None, corral_dirs: tuple[str, ...] = ()) -> SandboxPolicy:
    """The policy for a session whose permission context is ``ctx``."""
    writable = _unique(os.path.realpath(d) for d in (*ctx.working_dirs, temp_dir))
    read_only = _unique(os.path.join(d, rel) for d in writable[:-1] for rel in PROTECTED_INSIDE
                        if os.path.lexists(os.path.join(d, rel)))
    hidden = _unique([*credential_paths(ctx.home, claude_dir, corral_dirs),
                      *denied_read_paths(ctx)])
    net = settings.network
    return SandboxPolicy(
        writable=tuple(writable),
        read_only=tuple(read_only),
        hidden=tuple(p for p in hidden if os.path.lexists(p)),
        temp_dir=temp_dir,
        allowed_domains=tuple(d.strip().lower().rstrip(".") for d in net.allowed_domains),
        allow_unix_sockets=tuple(net.allow_unix_sockets),
        allow_all_unix_sockets=net.allow_all_unix_sockets,
        allow_local_binding=net.allow_local_binding,
        http_proxy_port=net.http_proxy_port,
        socks_proxy_port=net.socks_proxy_port,
        weaker_nested=settings.enable_weaker_nested_sandbox,
    )


def denied_read_paths(ctx: PermissionContext) -> list[str]:
    """Existing paths some ``Read(...)`` deny rule names (settings and managed)."""
    rules: list[CompiledRule] = list(ctx.managed.for_tool("deny", "Read", "read"))
    if not ctx.managed_rules_only:
        rules += ctx.rules.for_tool("deny", "Read", "read")
    out: list[str] = []
    for rule in rules:
        if rule.matcher == "path":
            out += _rule_paths(rule, ctx)
    return out


def _rule_paths(rule: CompiledRule, ctx: PermissionContext) -> list[str]:
    spec = rule.rule.specifier or ""
    base = {"/": "/", "~": ctx.home, "cwd": ctx.cwd}.get(rule.anchor, rule.root or ctx.cwd)
    cut = {"/": 2, "~": 2, "root": 1}.get(rule.anchor, 2 if spec.startswith("./") else 0)
    pattern = spec[cut:]
    static: list[str] = []
    pieces = [p for p in pattern.split("/") if p]
    for piece in pieces:
        if _GLOB & set(piece):
            break
        static.append(piece)
    root = os.path.join(base, *static)
    rest = pieces[len(static):]
    # a bare name (no slash) matches at any depth, as in .gitignore
    anywhere = rule.anchor == "cwd" and not spec.startswith("./") and "/" not in pattern.strip("/")
    if not rest and not anywhere:
        return [root]
    if rest in (["**"], ["*"]) and not anywhere:
        return [root]
    return list(_matching(rule, base if anywhere else root, ctx))


def _matching(rule: CompiledRule, root: str, ctx: PermissionContext) -> Iterator[str]:
    seen = 0
    for dirpath, dirnames, filenames in os.walk(root):
        for name in [*dirnames, *filenames]:
            seen += 1
            if seen > _SCAN_LIMIT:
                return
            path = os.path.join(dirpath, name)
            if rule.matches_path(path, ctx.cwd, ctx.home):
                yield path
        dirnames[:] = [d for d in dirnames
                       if not rule.matches_path(os.path.join(dirpath, d), ctx.cwd, ctx.home)]


def _unique(paths: Iterable[str]) -> list[str]:
    out: list[str] = []
    for p in paths:
        if p not in out:
            out.append(p)
    return out
