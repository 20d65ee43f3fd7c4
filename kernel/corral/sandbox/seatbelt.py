"""macOS backend: a Seatbelt profile for ``sandbox-exec`` with the same policy as Linux.

Untested on a Mac (corral's CI runs Linux); the profile text is unit-tested. Reads are
allowed except hidden paths; writes only in the writable directories (never in their
protected paths); network only to corral's proxy socket, the relay's loopback port and the
unix sockets the settings allow. There is no process namespace: the command's process group
is what gets killed.
"""

from __future__ import annotations

from collections.abc import Sequence

from corral.sandbox.policy import SandboxPolicy

#: Device files every command may write (terminals, null, the fd links).
_DEVICES = ("/dev/null", "/dev/zero", "/dev/tty", "/dev/dtracehelper", "/dev/stdout",
            "/dev/stderr")


def _q(path: str) -> str:
    return '"' + path.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _path(path: str) -> str:
    return f"(subpath {_q(path)})"


def profile(policy: SandboxPolicy, *, proxy_sockets: Sequence[str] = (),
            relay_ports: Sequence[int] = ()) -> str:
    """The Seatbelt profile text for ``policy``."""
    lines = ["(version 1)", "(allow default)", "", ";; writes: the working directories and "
             "the session temp dir only", "(deny file-write*)"]
    writable = [_path(p) for p in policy.writable]
    writable += [f"(literal {_q(d)})" for d in _DEVICES]
    writable.append('(regex #"^/dev/fd/")')
    writable.append('(regex #"^/dev/ttys[0-9]+$")')
    lines.append("(allow file-write*\n    " + "\n    ".join(writable) + ")")
    if policy.read_only:
        lines.append(";; protected even inside the working directories")
        lines.append("(deny file-write*\n    "
                     + "\n    ".join(_path(p) for p in policy.read_only) + ")")
    if policy.hidden:
        lines.append(";; credentials and Read(...) deny rules")
        lines.append("(deny file-read* file-write*\n    "
                     + "\n    ".join(_path(p) for p in policy.hidden) + ")")
    lines.append(";; network: nothing but the proxy")
    lines.append("(deny network*)")
    sockets = [*proxy_sockets, *policy.allow_unix_sockets]
    if policy.allow_all_unix_sockets:
        lines.append("(allow network* (remote unix-socket))")
    elif sockets:
        lines.append("(allow network-outbound\n    " + "\n    ".join(
            f"(remote unix-socket (path-literal {_q(s)}))" for s in sockets) + ")")
    for port in relay_ports:
        lines.append(f'(allow network-bind network-inbound (local ip "localhost:{port}"))')
        lines.append(f'(allow network-outbound (remote ip "localhost:{port}"))')
    if policy.allow_local_binding:
        lines.append('(allow network-bind network-inbound (local ip "localhost:*"))')
    return "\n".join(lines) + "\n"


def build_argv(policy: SandboxPolicy, command: Sequence[str], sandbox_exec: str = "sandbox-exec",
               *, proxy_sockets: Sequence[str] = (), relay_ports: Sequence[int] = ()) -> list[str]:
    text = profile(policy, proxy_sockets=proxy_sockets, relay_ports=relay_ports)
    return [sandbox_exec, "-p", text, *command]
