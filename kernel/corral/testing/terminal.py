"""A program in a pseudo-terminal, its screen kept by the pyte terminal emulator: for tests
that drive corral's interactive session as a person at a terminal would.

pyte is a test dependency; it is imported only when a :class:`PseudoTerminal` is made.
"""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path
from typing import Any


class PseudoTerminal:
    """``argv`` run in ``cwd`` with ``env`` on a ``columns`` x ``lines`` pseudo-terminal.

    A reader thread feeds everything the program writes to the emulator and answers
    cursor-position queries as a real terminal does (prompt libraries wait for them).
    """

    def __init__(self, argv: list[str], cwd: Path, env: dict[str, str], *, columns: int = 120,
                 lines: int = 40, history: int = 400) -> None:
        import fcntl
        import pty
        import struct
        import termios

        import pyte

        self.vt: Any = pyte.HistoryScreen(columns, lines, history=history)
        self._stream = pyte.ByteStream(self.vt)
        self.lock = threading.Lock()
        pid, fd = pty.fork()
        if pid == 0:  # the child: become the program
            os.chdir(cwd)
            os.execve(argv[0], argv, env)
        self.pid, self.fd = pid, fd
        self._reaped = False
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                return
            if not data:
                return
            with self.lock:
                self._stream.feed(data)
                for _ in range(data.count(b"\x1b[6n")):  # a cursor-position query
                    cursor = self.vt.cursor
                    os.write(self.fd, f"\x1b[{cursor.y + 1};{cursor.x + 1}R".encode())

    def text(self) -> str:
        """What scrolled off the top, then what the screen shows now."""
        with self.lock:
            history = ["".join(ch.data for ch in line.values()) for line in self.vt.history.top]
            return "\n".join([*history, *self.vt.display])

    def write(self, data: str) -> None:
        os.write(self.fd, data.encode())

    def alive(self) -> bool:
        """Whether the program still runs (it is reaped once it has ended)."""
        if not self._reaped:
            self._reaped = os.waitpid(self.pid, os.WNOHANG)[0] != 0
        return not self._reaped

    def close(self) -> None:
        """Kill the program if it still runs, and close the terminal."""
        if self.alive():
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        os.close(self.fd)
