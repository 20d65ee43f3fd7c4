"""``corral agents [--json]`` and ``/agents``: the catalogue as a table or as JSON."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Collection
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
    #: Tools the definition lists that corral does not have (the agent runs without them).
    unknown_tools: list[str] = msgspec.field(default_factory=list)


class Listing(msgspec.Struct, kw_only=True):
    agents: list[AgentInfo]
    overridden: list[str]
    problems: list[str]
    #: One line per agent that lists tools corral lacks.
    missing_tools: list[str] = msgspec.field(default_factory=list)


def listing(catalogue: Catalogue, known_tools: Collection[str] | None = None) -> Listing:
    """The catalogue; with ``known_tools``, the tools each agent lists that are not among
    them (MCP tools, which come and go with their servers, are not judged)."""
    agents = [
        AgentInfo(name=a.name, description=a.description, source=a.source, tools=a.tools,
                  disallowed_tools=a.disallowed_tools, model=a.model,
                  permission_mode=a.permission_mode, max_turns=a.max_turns,
                  unknown_tools=_unknown(a.tools, known_tools))
        for a in sorted(catalogue.agents.values(), key=lambda a: a.name)
    ]
    missing = [f"agent {a.name!r} ({a.source}) lists tools corral does not have: "
               f"{', '.join(a.unknown_tools)}; it runs without them"
               for a in agents if a.unknown_tools]
    return Listing(agents=agents, overridden=[str(s) for s in catalogue.shadowed],
                   problems=[str(p) for p in catalogue.problems], missing_tools=missing)


def _unknown(tools: list[str] | None, known: Collection[str] | None) -> list[str]:
    if tools is None or known is None:
        return []
    names = [t.split("(", 1)[0].strip() for t in tools]
    return [n for n in dict.fromkeys(names) if n and n not in known and not n.startswith("mcp__")]


def known_tool_names(app: App) -> set[str]:
    """Every tool a session of ``app`` has, under its name and its aliases."""
    from corral.api import Session

    tools = Session(app, headless=True).tools
    return {*tools, *(alias for t in tools.values() for alias in getattr(t, "aliases", ()))}


class ListingView:
    """A rich renderable of the catalogue (the kernel's console prints it)."""

    def __init__(self, data: Listing) -> None:
        self.data = data

    def __rich__(self) -> Any:
        from corral.api import shorten
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
                          agent.permission_mode or "inherit", shorten(first, 100))
        parts: list[Any] = [table]
        parts += [Text(f"note: {line}", style="yellow") for line in self.data.overridden]
        parts += [Text(f"warning: {line}", style="yellow") for line in self.data.missing_tools]
        parts += [Text(f"error: {line}", style="red") for line in self.data.problems]
        return Group(*parts)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON")


def run_cli(args: argparse.Namespace, app: App) -> int:
    data = listing(build_catalogue(app, app.cwd), known_tool_names(app))
    if args.json:
        sys.stdout.write(msgspec.json.encode(data).decode() + "\n")
    else:
        from corral.api import get_console

        get_console().print(ListingView(data))
    return 1 if data.problems else 0


def run_slash(session: Session, _rest: str) -> ListingView:
    from corral_coordinator._state import catalogue_of

    return ListingView(listing(catalogue_of(session), known_tool_names(session.app)))
