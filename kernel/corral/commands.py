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

    ``headless``: the command also works as the prompt of ``corral -p "/name args"`` (and of
    a stream-json user message): a :class:`SendPrompt` it returns is sent to the model; any
    other reply ends the run as an error with that text, since nothing was asked.
    """

    name: str
    description: str
    run: Callable[[Session, str], Any]
    argument_hint: str = ""
    headless: bool = False


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
    arguments and the application and returns the exit status. ``help`` is the one line
    ``corral --help`` lists; ``description`` (default: ``help``) heads ``corral NAME --help``.

    ``configure`` is called only when the subcommand is the one being run (or its help is
    shown), never for ``corral -p`` or another subcommand, so what it imports costs nothing
    elsewhere. Registering should stay as cheap: import the implementation inside ``run`` and
    ``configure``, or let :meth:`lazy` do it.
    """

    name: str
    help: str
    run: Callable[[argparse.Namespace, App], int]
    configure: Callable[[argparse.ArgumentParser], None] | None = None
    description: str = ""

    @classmethod
    def lazy(cls, *, name: str, help: str, module: str, description: str = "",
             run: str = "run", configure: str = "configure") -> CliCommand:
        """A subcommand implemented by ``module``, imported only when the subcommand runs.

        ``module`` (a dotted name) defines the function named by ``run`` (``(args, app) ->
        int``) and may define the one named by ``configure`` (``(parser) -> None``).
        """
        return cls(name=name, help=help, description=description,
                   run=_Deferred(module, run), configure=_Deferred(module, configure, True))


class _Deferred:
    """Calls ``module.attr``, importing ``module`` on the first call.

    An ``optional`` attribute the module does not define is a call that does nothing."""

    def __init__(self, module: str, attr: str, optional: bool = False) -> None:
        self.module = module
        self.attr = attr
        self.optional = optional

    def __call__(self, *args: Any) -> Any:
        import importlib

        target = getattr(importlib.import_module(self.module), self.attr, None)
        if target is None:
            if self.optional:
                return None
            raise AttributeError(f"{self.module} defines no {self.attr}() for its subcommand")
        return target(*args)

    def __repr__(self) -> str:
        return f"<{self.module}.{self.attr}, imported when called>"


class CommandDir(msgspec.Struct, frozen=True, kw_only=True):
    """Markdown command files a plugin contributes (``corral_command_dirs``).

    ``path`` is a folder, read like ``.claude/commands/`` (sub-folders give ``a:b``), or one
    ``.md`` file. Each command is named ``namespace:name`` and is also reachable as
    ``/name`` while no other command takes that name."""

    path: str
    namespace: str
    #: What the user sees as its origin (``bundle tools@team``).
    source: str
