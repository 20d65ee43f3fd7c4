"""``[sandbox]``: how shell commands are confined (docs/sandbox.md).

The same keys are read from Claude Code's ``sandbox`` block in ``settings.json`` (camelCase,
converted by :func:`from_claude`), so an existing setup carries over.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec

from corral.errors import ConfigError


class SandboxNetworkSettings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """``[sandbox.network]``: what a sandboxed command may reach."""

    #: Hosts reachable through corral's filtering proxy (``example.com``, ``*.example.com``);
    #: empty: no network at all.
    allowed_domains: list[str] = msgspec.field(default_factory=list)
    #: Unix socket paths a command may connect to (enforced per path on macOS; on Linux a
    #: non-empty list lets every unix socket through, see docs/sandbox.md).
    allow_unix_sockets: list[str] = msgspec.field(default_factory=list)
    allow_all_unix_sockets: bool = False
    #: Let commands listen on loopback ports (on Linux the sandbox has its own loopback,
    #: unreachable from outside, so binding is always possible there).
    allow_local_binding: bool = False
    #: Use your own HTTP proxy on this host port instead of corral's (it then decides what
    #: is reachable).
    http_proxy_port: int | None = msgspec.field(default=None)
    #: Your own SOCKS5 proxy on this host port, offered to commands as ``ALL_PROXY``.
    socks_proxy_port: int | None = msgspec.field(default=None)


class SandboxSettings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """``[sandbox]``: the OS sandbox under every shell command."""

    #: ``None`` (unset): on wherever a sandbox works; ``false`` turns it off.
    enabled: bool | None = None
    #: Sandboxed shell commands run without a prompt (deny rules, ask rules, critical
    #: deletions, managed policy and reads outside the working directories still apply).
    auto_allow_bash_if_sandboxed: bool = True
    #: Whether the Bash tool's ``dangerouslyDisableSandbox`` is honoured (it always asks).
    allow_unsandboxed_commands: bool = True
    #: Commands that always run outside the sandbox (Bash rule syntax: ``docker``,
    #: ``docker *``); they go through the permission chain like unsandboxed commands.
    excluded_commands: list[str] = msgspec.field(default_factory=list)
    network: SandboxNetworkSettings = msgspec.field(default_factory=SandboxNetworkSettings)
    #: For running inside a container that cannot mount a fresh /proc: bind the host's
    #: /proc and share its process namespace (weaker isolation).
    enable_weaker_nested_sandbox: bool = False


_TOP_KEYS = {
    "enabled": "enabled",
    "autoAllowBashIfSandboxed": "auto_allow_bash_if_sandboxed",
    "allowUnsandboxedCommands": "allow_unsandboxed_commands",
    "excludedCommands": "excluded_commands",
    "enableWeakerNestedSandbox": "enable_weaker_nested_sandbox",
}
_NETWORK_KEYS = {
    "allowedDomains": "allowed_domains",
    "allowUnixSockets": "allow_unix_sockets",
    "allowAllUnixSockets": "allow_all_unix_sockets",
    "allowLocalBinding": "allow_local_binding",
    "httpProxyPort": "http_proxy_port",
    "socksProxyPort": "socks_proxy_port",
}


def from_claude(block: object, source: str, warnings: list[str],
                where: Callable[..., str] = lambda *keys: "") -> dict[str, Any]:
    """Claude Code's ``sandbox`` object in corral's shape. Network keys are accepted at the
    top level too. A key corral does not know is left out with a line in ``warnings``
    (Claude Code may know it); a block that is not an object is an error naming ``source``.
    ``where(*keys)`` gives a key's position in the file for messages."""
    if not isinstance(block, dict):
        raise ConfigError(source, "sandbox", "expected an object" + where("sandbox"))
    out: dict[str, Any] = {}
    network: dict[str, Any] = {}

    def unknown(*keys: str) -> None:
        import difflib  # only for a key corral does not know

        known = sorted([*_TOP_KEYS, *_NETWORK_KEYS, "network"] if len(keys) == 2
                       else _NETWORK_KEYS)
        close = difflib.get_close_matches(keys[-1], known, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(known)}"
        warnings.append(f"{source}: {'.'.join(keys)}: not a sandbox key corral knows ({hint}); "
                        f"ignored{where(*keys)}")

    for key, value in block.items():
        if key in _TOP_KEYS:
            out[_TOP_KEYS[key]] = value
        elif key in _NETWORK_KEYS:
            network[_NETWORK_KEYS[key]] = value
        elif key == "network":
            if not isinstance(value, dict):
                raise ConfigError(source, "sandbox.network",
                                  "expected an object" + where("sandbox", "network"))
            for sub, item in value.items():
                if sub in _NETWORK_KEYS:
                    network[_NETWORK_KEYS[sub]] = item
                else:
                    unknown("sandbox", "network", sub)
        else:
            unknown("sandbox", key)
    if network:
        out["network"] = network
    return out
