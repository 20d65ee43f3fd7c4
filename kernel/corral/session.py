"""A session: one conversation in one working directory, with its own state."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from corral.app import App
    from corral.config.schema import Config
    from corral.events import Event
    from corral.plugins.host import PluginHost


class Session:
    """State of one conversation.

    Tools keep per-session state (files read, background jobs, the todo list) in
    :attr:`tool_state` under their own keys; plugins keep theirs in :attr:`plugin_state`.
    """

    def __init__(
        self,
        app: App,
        *,
        cwd: Path | None = None,
        session_id: str | None = None,
        headless: bool = False,
        permission_mode: str | None = None,
    ) -> None:
        self.app = app
        self.id = session_id or uuid.uuid4().hex
        self.cwd = (cwd or app.cwd).resolve()
        self.headless = headless
        self.permission_mode = permission_mode or app.config.permissions.default_mode
        self.started_at = time.time()
        self.tool_state: dict[str, Any] = {}
        self.plugin_state: dict[str, Any] = {}

    @property
    def config(self) -> Config:
        return self.app.config

    @property
    def hooks(self) -> PluginHost:
        return self.app.host

    async def emit(self, event: Event) -> None:
        """Stamp ``event`` and deliver it to every ``corral_on_event`` subscriber."""
        if not event.ts:
            event.ts = time.time()
        await self.hooks.on_event(self, event)
