"""Layer 1: the command line. ``main`` is the ``corral`` console script."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Run corral with ``argv`` (default: the process arguments); return the exit status."""
    args = sys.argv[1:] if argv is None else argv
    if args[:1] in (["--version"], ["-V"]):
        # The fast path: no config, no plugins, nothing heavy.
        from corral._version import __version__

        sys.stdout.write(f"corral {__version__}\n")
        return 0
    if any(a in ("-p", "--print") or a.startswith("--print=") for a in args):
        # A model request follows for sure: get the transport ready beside start-up.
        from corral.transport.warm import start

        start()
    from corral.cli._main import run

    return run(args)


def entry() -> None:
    """The ``corral`` process: run, then leave without the interpreter's slow teardown.

    By the time :func:`main` returns, the result is printed, the session ended and its
    transcript closed, and work that must outlive the process (an automatic dream, the kairos
    daemon) runs detached in its own process. Tearing down every module and collecting every
    object would only delay the exit the caller waits for, so the streams are flushed and the
    process exits at once. ``main(argv)`` itself returns normally, for callers in-process.
    """
    from corral.cli import startup_gc

    startup_gc.pause()  # back on once a session has started (see corral.cli.startup_gc)
    code = main()
    _exit_now(code)


def _exit_now(code: int) -> None:
    import os

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing left to say
            pass
    if "logging" in sys.modules:
        sys.modules["logging"].shutdown()
    os._exit(code)

