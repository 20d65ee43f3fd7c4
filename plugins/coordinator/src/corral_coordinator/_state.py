"""Per-session state of the plugin, kept in ``session.stash[STATE]``."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import msgspec
from corral.api import StashKey

from corral_coordinator.settings import Settings

if TYPE_CHECKING:
    from corral.api import Session

    from corral_coordinator.catalogue import Catalogue
    from corral_coordinator.workers import WorkerPool

#: The plugin's settings table (``[plugins.coordinator]``).
KEY = "coordinator"


class State(msgspec.Struct):
    #: 0 for the main agent, 1 for its sub-agents, and so on.
    depth: int = 0
    #: The agent this session runs (``None`` for the main agent).
    agent: str | None = None
    parent_id: str | None = None
    #: The main session of the tree (``None`` on the main session itself).
    root: Session | None = None
    catalogue: Catalogue | None = None
    #: Caps how many sub-agents this session runs at once.
    slots: asyncio.Semaphore | None = None
    #: Sub-agent runs started from this session, for the status line.
    running: dict[str, str] = msgspec.field(default_factory=dict)
    #: The model client every sub-agent of this tree shares (kept on the main session).
    client: Any = None
    #: Coordinator mode: the workers of this (main) session.
    pool: WorkerPool | None = None


#: The session's :class:`State`.
STATE: StashKey[State] = StashKey("coordinator")


def state_of(session: Session) -> State:
    return session.stash.get_or_create(STATE, State)


def settings_of(session: Session) -> Settings:
    settings = session.config.plugin_settings(KEY)
    return settings if isinstance(settings, Settings) else Settings()


def catalogue_of(session: Session) -> Catalogue:
    from corral_coordinator.catalogue import build_catalogue

    state = state_of(session)
    if state.catalogue is None:
        state.catalogue = build_catalogue(session.app, session.cwd)
    return state.catalogue


def shared_client(session: Session) -> Any:
    """One model client for all the sub-agents under the main session: creating a client
    per sub-agent costs a TLS context each, which serializes a large fan-out."""
    root = state_of(session)
    if root.client is None:
        from corral.api import make_client

        root.client = make_client(session.config)
    return root.client


async def close_client(session: Session) -> None:
    state = state_of(session)
    client, state.client = state.client, None
    if client is not None:
        await client.close()
