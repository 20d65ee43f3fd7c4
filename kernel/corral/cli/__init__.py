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
        import threading

        from corral.transport.warm import warm

        threading.Thread(target=warm, name="corral-warm-transport", daemon=True).start()
    from corral.cli._main import run

    return run(args)
