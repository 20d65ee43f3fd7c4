"""Slash commands (inside a session) and CLI subcommands (``corral NAME``) from plugins."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import msgspec

if TYPE_CHECKING:
    from corral.app import App
    from corral.session import Session


class SlashCommand(msgspec.Struct, frozen=True, kw_only=True):
    """A ``/name`` command typed in the REPL.

    ``run`` receives the session and the text after the command name and returns what to
    show: text, a rich renderable, or ``None``. It may be a coroutine function.
    """

    name: str
    description: str
    run: Callable[[Session, str], Any]
    argument_hint: str = ""


class SendPrompt(msgspec.Struct, frozen=True):
    """Returned by a slash command's ``run``: send ``text`` to the model as the user's next
    message (a prompt template a command expanded)."""

    text: str


class DoctorCheck(msgspec.Struct, frozen=True, kw_only=True):
    """One line of ``corral doctor`` from a plugin: what was checked and whether it is fine.

    A check that is not ``ok`` counts as a problem (``corral doctor`` then exits 1)."""

    ok: bool
    text: str


class CliCommand(msgspec.Struct, frozen=True, kw_only=True):
    """A ``corral NAME`` subcommand.

    ``configure`` adds arguments to the subcommand's parser; ``run`` gets the parsed
    arguments and the application and returns the exit status.
    """

    name: str
    help: str
    run: Callable[[argparse.Namespace, App], int]
    configure: Callable[[argparse.ArgumentParser], None] | None = None
