"""A seccomp filter that keeps sandboxed commands off unix sockets (Linux).

A network namespace does not cover sockets in the file system (``/var/run/docker.sock``,
D-Bus): connecting to one needs no network. The filter makes ``socket(AF_UNIX, …)`` fail
with EPERM (``socketpair`` still works: it reaches nothing), and refuses ``io_uring_setup``
(which can create sockets around the filter), x32 system calls and other architectures'
calls (another way around it). Handed to bubblewrap with ``--seccomp FD``, or installed by the
relay for the command it starts.
"""

from __future__ import annotations

import platform
import struct

#: (audit arch, socket syscall number) per machine.
_ARCHES = {
    "x86_64": (0xC000003E, 41),
    "aarch64": (0xC00000B7, 198),
}
_IO_URING_SETUP = 425
_X32_BIT = 0x40000000
_AF_UNIX = 1
_LD_ABS = 0x20
_JEQ = 0x15
_JGE = 0x35
_RET = 0x06
_ALLOW = 0x7FFF0000
_DENY = 0x00050000 | 1  # SECCOMP_RET_ERRNO | EPERM


def _insn(code: int, jt: int, jf: int, k: int) -> bytes:
    return struct.pack("=HBBI", code, jt, jf, k)


def unix_socket_filter(machine: str | None = None) -> bytes | None:
    """The compiled filter for this machine, or ``None`` where corral has none."""
    arch = _ARCHES.get(machine or platform.machine())
    if arch is None:
        return None
    audit, nr_socket = arch
    x32 = _X32_BIT if audit == 0xC000003E else 0xFFFFFFFF
    program = [
        _insn(_LD_ABS, 0, 0, 4),                 # 0: arch
        _insn(_JEQ, 0, 7, audit),                # 1: another arch -> deny
        _insn(_LD_ABS, 0, 0, 0),                 # 2: syscall number
        _insn(_JGE, 5, 0, x32),                  # 3: x32 -> deny
        _insn(_JEQ, 4, 0, _IO_URING_SETUP),      # 4: io_uring -> deny
        _insn(_JEQ, 0, 2, nr_socket),            # 5: not socket() -> allow
        _insn(_LD_ABS, 0, 0, 16),                # 6: first argument (domain)
        _insn(_JEQ, 1, 0, _AF_UNIX),             # 7: AF_UNIX -> deny
        _insn(_RET, 0, 0, _ALLOW),               # 8
        _insn(_RET, 0, 0, _DENY),                # 9
    ]
    return b"".join(program)
