"""The hooks of the example plugin: see docs/writing-plugins.md for the walk-through."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

import msgspec
from corral.api import CliCommand, PromptSection, hookimpl


class Settings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    greeting: str = "hello"
    times: int = 1


_settings = Settings()


@hookimpl
def corral_add_settings(register: Callable[[str, type[msgspec.Struct]], None]) -> None:
    register("example", Settings)


@hookimpl
def corral_configure(config: Any) -> None:
    global _settings
    _settings = config.plugin_settings("example")


@hookimpl
async def corral_system_prompt(session: Any) -> PromptSection:
    return PromptSection(name="example", text=f"Say {_settings.greeting}.", scope="session")


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("who", nargs="?", default="world")


def _run(args: argparse.Namespace, app: Any) -> int:
    settings = app.config.plugin_settings("example")
    for _ in range(settings.times):
        print(f"{settings.greeting}, {args.who}")
    return 0


@hookimpl
def corral_register_cli(register: Callable[[CliCommand], None]) -> None:
    register(CliCommand(name="hello", help="greet someone", run=_run, configure=_configure))
