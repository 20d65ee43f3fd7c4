"""The one error hierarchy of corral.

Every error a user can meet is a :class:`CorralError`; its message says what was wrong, where
(file, key, tool or plugin) and, where it can, what to do about it.
"""

from __future__ import annotations


class CorralError(Exception):
    """Base class of every error corral raises on purpose."""

    #: Process exit status the CLI uses when this error ends a command.
    exit_code: int = 1


class ConfigError(CorralError):
    """A configuration file, variable or flag is malformed or names an unknown key."""

    exit_code = 2

    def __init__(self, source: str, key: str, problem: str) -> None:
        self.source = source
        self.key = key
        self.problem = problem
        where = f"{source}: {key}" if key else source
        super().__init__(f"{where}: {problem}")


class PluginError(CorralError):
    """A plugin failed to import, implements an unknown hook, or raised in a hook."""

    exit_code = 3

    def __init__(self, plugin: str, distribution: str | None, problem: str) -> None:
        self.plugin = plugin
        self.distribution = distribution
        self.problem = problem
        dist = f" (distribution {distribution})" if distribution else ""
        super().__init__(f"plugin {plugin!r}{dist}: {problem}")


class UsageError(CorralError):
    """The command line asked for something that cannot be done as written."""

    exit_code = 2
