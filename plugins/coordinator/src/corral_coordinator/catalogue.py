"""The agent catalogue: every definition by name, with precedence and clashes recorded.

Precedence, highest first: managed (``<site config>/agents/``), project
(``.claude/agents/`` at the project root), user (``~/.claude/agents/``), plugins
(``corral_register_agents``, and the folders of ``corral_agent_dirs``: ``namespace:name``), then corral's built-in agents. A name defined in two places
is taken from the higher one; the clash is kept in :attr:`Catalogue.shadowed` and shown.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import msgspec
from corral.api import AgentDefinition, claude_user_dir, project_root, site_config_dir

from corral_coordinator.builtin_agents import builtin_agents
from corral_coordinator.definitions import LoadProblem, load_agent_dir

if TYPE_CHECKING:
    from corral.api import App

#: Layer names, lowest first.
LAYERS = ("builtin", "plugin", "user", "project", "managed")


class Shadowed(msgspec.Struct, frozen=True, kw_only=True):
    """A definition hidden by one of the same name from a higher layer."""

    name: str
    winner: str
    loser: str

    def __str__(self) -> str:
        return f"agent {self.name!r} from {self.winner} overrides the one from {self.loser}"


class Catalogue(msgspec.Struct, kw_only=True):
    agents: dict[str, AgentDefinition]
    shadowed: list[Shadowed]
    problems: list[LoadProblem]

    def get(self, name: str) -> AgentDefinition | None:
        return self.agents.get(name)


def agent_dirs(cwd: Path) -> dict[str, Path]:
    """The folders agent files are read from, by layer."""
    return {
        "user": claude_user_dir() / "agents",
        "project": project_root(cwd) / ".claude" / "agents",
        "managed": site_config_dir() / "agents",
    }


def build_catalogue(app: App, cwd: Path) -> Catalogue:
    layers: dict[str, list[AgentDefinition]] = {"builtin": builtin_agents(), "plugin": []}
    problems: list[LoadProblem] = []
    for plugin, definition in app.host.register_agents():
        if not isinstance(definition, AgentDefinition):
            problems.append(LoadProblem(path=f"plugin:{plugin}", line=0,
                                        problem=f"registered {definition!r}, not an "
                                        "AgentDefinition"))
            continue
        source = definition.source if definition.source.startswith("plugin:") else (
            f"plugin:{plugin}")
        layers["plugin"].append(msgspec.structs.replace(definition, source=source))
    for folder in app.host.agent_dirs(app):  # plugin bundles' agents, named namespace:name
        found, broken = load_agent_dir(Path(folder.path), "plugin")
        layers["plugin"] += [msgspec.structs.replace(d, name=f"{folder.namespace}:{d.name}")
                             for d in found]
        problems.extend(broken)
    dirs = agent_dirs(cwd)
    for layer in ("user", "project", "managed"):
        found, broken = load_agent_dir(dirs[layer], layer)
        layers[layer] = found
        problems.extend(broken)
    agents: dict[str, AgentDefinition] = {}
    shadowed: list[Shadowed] = []
    for layer in LAYERS:
        for definition in layers[layer]:
            previous = agents.get(definition.name)
            if previous is not None:
                shadowed.append(Shadowed(name=definition.name, winner=definition.source,
                                         loser=previous.source))
            agents[definition.name] = definition
    return Catalogue(agents=agents, shadowed=shadowed, problems=problems)

