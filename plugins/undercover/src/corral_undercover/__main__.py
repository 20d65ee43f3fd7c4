"""``python -m corral_undercover``: the ``undercover`` commands without the corral CLI.

Reads settings from ``--settings FILE`` (a TOML file with the ``[plugins.undercover]`` keys at
the top level or under that table) instead of corral's layered configuration. Useful in CI,
and as the command git hooks call where ``python -m corral`` is not available.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import msgspec
from corral.api import CorralError

from corral_undercover.cli import configure, run_cli
from corral_undercover.errors import UndercoverConfigError
from corral_undercover.settings import Settings
from corral_undercover.state import NAME


class StandaloneConfig:
    """Just enough of the kernel's ``Config``: ``plugin_settings``."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def plugin_settings(self, name: str) -> Settings | None:
        return self._settings if name == NAME else None


class StandaloneApp:
    """Just enough of the kernel's ``App``: ``config`` and ``cwd``."""

    def __init__(self, settings: Settings, cwd: Path) -> None:
        self.config = StandaloneConfig(settings)
        self.cwd = cwd


def load_settings(path: Path) -> Settings:
    """Settings from a TOML file (top level, or the ``[plugins.undercover]`` table)."""
    try:
        raw: Any = msgspec.toml.decode(path.read_bytes())
    except (OSError, msgspec.DecodeError) as exc:
        raise UndercoverConfigError("--settings", f"cannot read {path}: {exc}") from None
    table = raw.get("plugins", {}).get(NAME, raw) if isinstance(raw, dict) else raw
    try:
        return msgspec.convert(table, Settings)
    except msgspec.ValidationError as exc:
        raise UndercoverConfigError(str(path), str(exc)) from None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m corral_undercover")
    parser.add_argument("--settings", metavar="FILE", help="TOML file with the settings")
    configure(parser)
    args = parser.parse_args(argv)
    try:
        settings = load_settings(Path(args.settings)) if args.settings else Settings()
        return run_cli(args, StandaloneApp(settings, Path.cwd()))
    except CorralError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return exc.exit_code


if __name__ == "__main__":
    sys.exit(main())
