"""``corral agents [--json]`` and ``/agents``: the catalogue as a table or as JSON."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

import msgspec

from corral_coordinator.catalogue import Catalogue, build_catalogue

if TYPE_CHECKING:
    from corral.api import App, Session


class AgentInfo(msgspec.Struct, kw_only=True):
    name: str
    description: str
    source: str
    #: ``None``: every tool the parent has.
    tools: list[str] | None
    disallowed_tools: list[str]
    model: str | None
    permission_mode: str | None
    max_turns: int | None


class Listing(msgspec.Struct, kw_only=True):
    agents: list[AgentInfo]
    overridden: list[str]
    problems: list[str]


def listing(catalogue: Catalogue) -> Listing:
    agents = [
        AgentInfo(name=a.name, description=a.description, source=a.source, tools=a.tools,
                  disallowed_tools=a.disallowed_tools, model=a.model,
                  permission_mode=a.permission_mode, max_turns=a.max_turns)
        for a in sorted(catalogue.agents.values(), key=lambda a: a.name)
    ]
    return Listing(agents=agents, overridden=[str(s) for s in catalogue.shadowed],
                   problems=[str(p) for p in catalogue.problems])


class ListingView:
    """A rich renderable of the catalogue (the kernel's console prints it)."""

    def __init__(self, data: Listing) -> None:
        self.data = data

    def __rich__(self) -> Any:
        from rich.console import Group
        from rich.table import Table
        from rich.text import Text

        table = Table(title="corral agents", title_justify="left")
        for column in ("name", "source", "tools", "model", "mode", "description"):
            table.add_column(column, overflow="fold")
        for agent in self.data.agents:
            tools = "all" if agent.tools is None else ", ".join(agent.tools) or "none"
            if agent.disallowed_tools:
                tools += " (not " + ", ".join(agent.disallowed_tools) + ")"
            first = agent.description.strip().splitlines()[0] if agent.description else ""
            table.add_row(agent.name, agent.source, tools, agent.model or "inherit",
                          agent.permission_mode or "inherit", first[:100])
        parts: list[Any] = [table]
        parts += [Text(f"note: {line}", style="yellow") for line in self.data.overridden]
        parts += [Text(f"error: {line}", style="red") for line in self.data.problems]
        return Group(*parts)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON")


def run_cli(args: argparse.Namespace, app: App) -> int:
    data = listing(build_catalogue(app, app.cwd))
    if args.json:
        sys.stdout.write(msgspec.json.encode(data).decode() + "\n")
    else:
        from corral.api import get_console

        get_console().print(ListingView(data))
    return 1 if data.problems else 0


def run_slash(session: Session, _rest: str) -> ListingView:
    from corral_coordinator._state import catalogue_of

    return ListingView(listing(catalogue_of(session)))
