"""The system-prompt flags: ``--system-prompt`` / ``--system-prompt-file`` replace corral's own
instructions, ``--append-system-prompt`` / ``--append-system-prompt-file`` add to the end."""

from __future__ import annotations

import argparse
from pathlib import Path

from corral.errors import UsageError


def read_flag_file(flag: str, name: str) -> str:
    """The UTF-8 text of the file a flag names; an unreadable one is a usage error."""
    path = Path(name).expanduser()
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{flag} {name}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{flag} {name}: a directory, not a file") from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"{flag} {name}: not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise UsageError(f"{flag} {name}: cannot read the file ({exc.strerror})") from None


def system_prompt(args: argparse.Namespace) -> str | None:
    """The replacement system prompt the flags give, or ``None`` for corral's own."""
    text: str | None = getattr(args, "system_prompt", None)
    name: str | None = getattr(args, "system_prompt_file", None)
    if name is None:
        return text
    if text is not None:
        raise UsageError("--system-prompt and --system-prompt-file both replace the system "
                         "prompt; give one of them")
    return read_flag_file("--system-prompt-file", name)


def appended_prompt(args: argparse.Namespace) -> str:
    """What the flags add to the end of the system prompt: the text, then the file's."""
    text: str = getattr(args, "append_system_prompt", "") or ""
    name: str | None = getattr(args, "append_system_prompt_file", None)
    if name is None:
        return text
    parts = [text, read_flag_file("--append-system-prompt-file", name)]
    return "\n\n".join(p.strip("\n") for p in parts if p.strip())
