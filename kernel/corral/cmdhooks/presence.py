"""Whether a session has command hooks at all, and the session markers the hook machinery
shares, without loading that machinery.

Most runs configure no hooks; the internal plugin :mod:`corral.internal_plugins.command_hooks`
asks :func:`configured` first and loads the parsing, matching and firing modules only when
some configuration layer or plugin gives a ``hooks`` table. When none does, the hook table
would be empty (no hooks, no broken entries, nothing to warn about), so every event would
fire nothing: skipping it changes no outcome.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

from corral.stash import StashKey

if TYPE_CHECKING:
    import asyncio
    from pathlib import Path

    from corral.cmdhooks.model_hooks import ModelHookRunner
    from corral.config.loader import LoadedConfig
    from corral.extra_config import HookSet
    from corral.session import Session

#: The ``origin`` of a sub-agent's turn: it fires SubagentStop instead of Stop, and no
#: UserPromptSubmit.
SUBAGENT_ORIGIN = "agent"
#: What runs prompt and agent hooks for a session (the engine puts it there).
MODEL_HOOKS: StashKey[ModelHookRunner] = StashKey("model_hooks")
#: Set on a hook's own agent session: command hooks do not fire inside it.
NO_HOOKS: StashKey[bool] = StashKey("no_command_hooks")
#: Background (``async``) hooks of a session still running.
BACKGROUND: StashKey[set[asyncio.Task[None]]] = StashKey("cmdhooks_background")
#: The folder of the session's ``CLAUDE_ENV_FILE``, once a hook got one.
ENV_DIR: StashKey[Path] = StashKey("hook_env_dir")

#: Per loaded configuration: the plugins' hook sets, and whether any hooks are given.
_PLUGIN_SETS: weakref.WeakKeyDictionary[LoadedConfig, list[HookSet]] = (
    weakref.WeakKeyDictionary())
_GIVEN: weakref.WeakKeyDictionary[LoadedConfig, bool] = weakref.WeakKeyDictionary()


def plugin_hook_sets(session: Session) -> list[HookSet]:
    """The hooks plugins add (``corral_command_hooks``), asked once per loaded
    configuration."""
    loaded = session.app.loaded
    found = _PLUGIN_SETS.get(loaded)
    if found is None:
        found = session.app.host.command_hooks(session.app)
        _PLUGIN_SETS[loaded] = found
    return found


def gives_hooks(section: Any) -> bool:
    """Whether a ``hooks`` value is one the hook table reads (anything but absent or
    ``{}``: a malformed one becomes a broken entry). :func:`corral.cmdhooks.config.read_hooks`
    skips exactly the values this refuses, so :func:`configured` and the table agree."""
    return section is not None and section != {}


def configured(session: Session) -> bool:
    """Whether the session's configuration, or a plugin, gives any ``hooks`` table; when
    not, its hook table is empty."""
    loaded = session.app.loaded
    given = _GIVEN.get(loaded)
    if given is None:
        given = (any(gives_hooks(layer.data.get("hooks")) for layer in loaded.layers)
                 or any(gives_hooks(item.hooks) for item in plugin_hook_sets(session)))
        _GIVEN[loaded] = given
    return given


def left_behind(session: Session) -> bool:
    """Whether hooks that ran in the session left something its end settles: background
    runs or a ``CLAUDE_ENV_FILE``."""
    return BACKGROUND in session.stash or ENV_DIR in session.stash
