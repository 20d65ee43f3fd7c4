"""Runs inside the sandbox: forwards loopback ports to unix sockets outside, then runs the
command. Standard library only (started with ``python -I -S``).

Usage: ``_relay.py [seccomp=HEX] PORT=SOCKET [PORT=SOCKET …] -- COMMAND [ARG …]``; exits
with the command's status (128 + signal number when a signal ended it). ``seccomp=`` is a
compiled filter the command (not the relay, which must reach the sockets) starts under.
"""

from __future__ import annotations

import asyncio
import sys


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while chunk := await reader.read(65536):
            writer.write(chunk)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        try:
            writer.close()
        except (ConnectionError, OSError):
            pass


def _forwarder(path: str):  # type: ignore[no-untyped-def]
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_unix_connection(path)
        except OSError:
            writer.close()
            return
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))

    return handle


def _installer(program: bytes):  # type: ignore[no-untyped-def]
    """A pre-exec function that puts the child under the seccomp ``program``."""
    import ctypes

    class _Prog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    buffer = ctypes.create_string_buffer(program, len(program))
    prog = _Prog(len(program) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    libc = ctypes.CDLL(None, use_errno=True)

    def install() -> None:
        keep = buffer  # noqa: F841 - the filter must outlive the call
        if libc.prctl(38, 1, 0, 0, 0) != 0:  # PR_SET_NO_NEW_PRIVS
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS)")
        if libc.prctl(22, 2, ctypes.byref(prog), 0, 0) != 0:  # PR_SET_SECCOMP, FILTER
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_SECCOMP)")

    return install


async def _main(argv: list[str]) -> int:
    split = argv.index("--")
    servers = []
    preexec = None
    for item in argv[:split]:
        key, _, value = item.partition("=")
        if key == "seccomp":
            preexec = _installer(bytes.fromhex(value))
            continue
        servers.append(await asyncio.start_server(_forwarder(value), "127.0.0.1", int(key)))
    proc = await asyncio.create_subprocess_exec(*argv[split + 1:], preexec_fn=preexec)
    code = await proc.wait()
    for server in servers:
        server.close()
    return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.exit(asyncio.run(_main(sys.argv[1:])))
