"""Plugin bundles (docs/bundles.md), wired to the run through ordinary hooks.

Enabled bundles add command folders, agent folders, skill folders, command hooks and MCP
servers; the
``corral plugin`` subcommand manages marketplaces and installs; ``corral doctor`` lists
bundles that failed to load. A run with no bundle installed and no ``--plugin-dir`` imports
nothing of :mod:`corral.bundles`: every hook first looks for the state file.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING

from corral import hookimpl, paths

if TYPE_CHECKING:
    from corral.agents import AgentDir
    from corral.app import App
    from corral.commands import CliCommand, CommandDir, DoctorCheck
    from corral.extra_config import HookSet, McpServerSet
    from corral.session import Session
    from corral.skills.model import SkillDir


def in_use(app: App) -> bool:
    """Whether any bundle could be on: one is installed, or a folder was given."""
    if getattr(app.options, "plugin_dir", None):
        return True
    return (paths.user_data_dir() / "bundles" / "installed.json").is_file()


@hookimpl
def corral_add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--plugin-dir", dest="plugin_dir", action="append", default=[], metavar="DIR",
        help="use the plugin bundle in DIR for this run (docs/bundles.md)")


@hookimpl
def corral_register_cli(register: Callable[[CliCommand], None]) -> None:
    from corral.commands import CliCommand

    register(CliCommand.lazy(
        name="plugin", module="corral.bundles.cli", run="run_plugin_command",
        configure="configure_parser",
        help="plugin bundles and marketplaces: install, enable, disable, list (`corral "
        "plugins` lists pip plugins too)"))


@hookimpl
def corral_command_dirs(session: Session) -> list[CommandDir] | None:
    if not in_use(session.app):
        return None
    from corral.bundles.active import command_dirs

    return command_dirs(session.app)


@hookimpl
def corral_skill_dirs(session: Session) -> list[SkillDir] | None:
    if not in_use(session.app):
        return None
    from pathlib import Path

    from corral.bundles.active import skill_paths
    from corral.skills.model import SkillDir

    return [SkillDir(Path(path), f"plugin:{name}") for path, name in skill_paths(session.app)]


@hookimpl
def corral_agent_dirs(app: App) -> list[AgentDir] | None:
    if not in_use(app):
        return None
    from corral.bundles.active import agent_dirs

    return agent_dirs(app)


@hookimpl
def corral_command_hooks(app: App) -> list[HookSet] | None:
    if not in_use(app):
        return None
    from corral.bundles.active import hook_sets

    return hook_sets(app)


@hookimpl
def corral_mcp_servers(app: App) -> list[McpServerSet] | None:
    if not in_use(app):
        return None
    from corral.bundles.active import mcp_sets

    return mcp_sets(app)


@hookimpl
def corral_doctor(app: App) -> list[DoctorCheck] | None:
    if not in_use(app) and not app.config.enabled_plugins:
        return None
    from corral.bundles.active import states
    from corral.commands import DoctorCheck

    checks: list[DoctorCheck] = []
    for state in states(app):
        what = "enabled" if state.enabled else "disabled"
        checks.append(DoctorCheck(ok=not (state.enabled and state.installed and state.problems),
                                  text=f"bundle {state.key} {state.version or ''}: {what}"))
        # a bundle the settings enable but nobody installed yet is a note, not a fault
        broken = state.enabled and state.installed
        checks += [DoctorCheck(ok=not broken, text=f"  {p}") for p in state.problems]
    return checks
