"""The typed facade over pluggy: the only way the kernel calls hooks.

The host calls implementations one at a time, in pluggy's order, so it can await returned
awaitables, know which plugin gave which answer, chain filters, trace calls, and unregister
a plugin that raises without losing the others' answers.
"""

from __future__ import annotations

import inspect
import sys
import time
import traceback
from collections.abc import AsyncIterator, Callable, Iterator
from types import ModuleType
from typing import TYPE_CHECKING, Any

import msgspec
import pluggy

from corral import hookspecs
from corral.errors import CorralError, PluginError
from corral.plugins._manager import PluginManager
from corral.plugins.records import PluginRecord

if TYPE_CHECKING:
    import argparse

    from corral.agents import AgentDefinition, AgentDir
    from corral.app import App
    from corral.commands import CliCommand, CommandDir, DoctorCheck, SlashCommand
    from corral.config.schema import Config
    from corral.events import Event
    from corral.extra_config import HookSet, McpServerSet, McpServerStatus
    from corral.permissions.context import PermissionContext
    from corral.permissions.decision import Vote
    from corral.prompt import PromptSection
    from corral.providers import Provider
    from corral.session import Session
    from corral.skills.model import SkillDir
    from corral.tools.base import Tool, ToolCall, ToolResult
    from corral.verdicts import PermissionAnswer, PromptVerdict, ToolVerdict

Warn = Callable[[str], None]


def _stderr(message: str) -> None:
    sys.stderr.write(message.rstrip("\n") + "\n")


class PluginHost:
    """One plugin manager per application, wrapped in one typed method per hook."""

    def __init__(
        self,
        *,
        strict: bool = False,
        debug: bool = False,
        trace: bool = False,
        warn: Warn = _stderr,
    ) -> None:
        self.pm = PluginManager()
        self.pm.add_hookspecs(hookspecs)
        self.strict = strict
        self.debug = debug
        self.trace = trace
        self.warn = warn
        self.records: dict[str, PluginRecord] = {}
        self.settings_types: dict[str, type[msgspec.Struct]] = {}

    # -- registration -----------------------------------------------------------------------

    def block(self, name: str) -> None:
        self.pm.set_blocked(name)

    def register(self, plugin: ModuleType | object, record: PluginRecord) -> bool:
        """Register ``plugin`` under ``record.name``; on a bad plugin, record and warn."""
        self.records[record.name] = record
        try:
            self.pm.register(plugin, name=record.name)
        except Exception as exc:  # pluggy validation errors and historic-hook failures
            if self.pm.is_registered(plugin):
                self.pm.unregister(plugin)
            self.fail(record.name, exc, "while registering")
            return False
        record.hooks = self._hooks_of(record.name)
        return True

    def record_failure(self, record: PluginRecord, exc: BaseException, when: str) -> None:
        """Record a plugin that could not even be imported."""
        self.records[record.name] = record
        self.fail(record.name, exc, when)

    def check_pending(self) -> None:
        """Unregister every plugin that implements a hook corral does not define."""
        for name, impls in self._pending().items():
            plugin = self.pm.get_plugin(name)
            if plugin is not None:
                self.pm.unregister(plugin)
            exc = PluginError(
                name,
                self._dist(name),
                f"implements unknown hook(s) {', '.join(sorted(impls))}; see docs/hooks.md",
            )
            self.fail(name, exc, "checking its hooks")

    def _pending(self) -> dict[str, list[str]]:
        pending: dict[str, list[str]] = {}
        for hookname, caller in vars(self.pm.hook).items():
            if not hookname.startswith("corral_") or caller.has_spec():
                continue
            for impl in caller.get_hookimpls():
                if not impl.optionalhook:
                    pending.setdefault(impl.plugin_name, []).append(hookname)
        return pending

    def _hooks_of(self, name: str) -> list[str]:
        plugin = self.pm.get_plugin(name)
        callers = self.pm.get_hookcallers(plugin) if plugin is not None else None
        return sorted(c.name for c in callers or [])

    def _dist(self, name: str) -> str | None:
        record = self.records.get(name)
        return record.distribution if record else None

    def fail(self, name: str, exc: BaseException, when: str) -> None:
        """Take plugin ``name`` out of the run and say so once (or raise under --strict)."""
        plugin = self.pm.get_plugin(name)
        if plugin is not None:
            self.pm.unregister(plugin)
        record = self.records.get(name)
        problem = f"{when}: {type(exc).__name__}: {exc}"
        if isinstance(exc, PluginError):
            problem = f"{when}: {exc.problem}"
        if record is not None:
            record.error = problem
            record.hooks = []
        error = PluginError(name, self._dist(name), problem)
        if self.strict:
            raise error from exc
        message = f"corral: warning: {error}; it is disabled for this run"
        if self.debug:
            message += "\n" + "".join(traceback.format_exception(exc))
        else:
            message += " (--debug shows the traceback)"
        self.warn(message)

    # -- calling ----------------------------------------------------------------------------

    def _impls(self, hookname: str) -> Iterator[pluggy.HookImpl]:
        caller = getattr(self.pm.hook, hookname)
        # pluggy runs the last registered (and tryfirst) implementations first.
        yield from reversed(caller.get_hookimpls())

    def _invoke(self, impl: pluggy.HookImpl, hookname: str, kwargs: dict[str, Any]) -> Any:
        args = [kwargs[name] for name in impl.argnames]
        if not self.trace:
            return impl.function(*args)
        start = time.perf_counter()
        try:
            return impl.function(*args)
        finally:
            ms = (time.perf_counter() - start) * 1000
            self.warn(f"corral: trace: {hookname} -> {impl.plugin_name} ({ms:.2f} ms)")

    def _answers_sync(
        self, hookname: str, kwargs: dict[str, Any], *, undo: Callable[[], None] | None = None
    ) -> Iterator[tuple[str, Any]]:
        """``(plugin, answer)`` of each implementation in turn, awaitables run to the end.

        ``kwargs`` is read at each call, so a caller may change it between answers. A
        :class:`CorralError` is the plugin's deliberate refusal and propagates; any other
        exception takes the plugin out (see :meth:`fail`), after ``undo()``, and the
        remaining implementations still answer."""
        for impl in list(self._impls(hookname)):
            try:
                value = self._invoke(impl, hookname, kwargs)
                if inspect.isawaitable(value):
                    value = _run_awaitable(value)
            except CorralError:
                raise
            except Exception as exc:
                if undo is not None:
                    undo()
                self.fail(impl.plugin_name, exc, f"in {hookname}")
                continue
            yield impl.plugin_name, value

    async def _answers(self, hookname: str, kwargs: dict[str, Any]) -> AsyncIterator[tuple[str, Any]]:
        """:meth:`_answers_sync` for the event loop: awaitables are awaited."""
        for impl in list(self._impls(hookname)):
            try:
                value = self._invoke(impl, hookname, kwargs)
                if inspect.isawaitable(value):
                    value = await value
            except CorralError:
                raise
            except Exception as exc:
                self.fail(impl.plugin_name, exc, f"in {hookname}")
                continue
            yield impl.plugin_name, value

    def _call_sync(self, hookname: str, kwargs: dict[str, Any]) -> list[tuple[str, Any]]:
        return [(name, value) for name, value in self._answers_sync(hookname, kwargs)
                if value is not None]

    async def _call(
        self, hookname: str, kwargs: dict[str, Any], *, first: bool = False
    ) -> list[tuple[str, Any]]:
        results: list[tuple[str, Any]] = []
        async for name, value in self._answers(hookname, kwargs):
            if value is not None:
                results.append((name, value))
                if first:
                    break
        return results

    # -- configuration hooks ------------------------------------------------------------------

    def add_settings(self) -> dict[str, type[msgspec.Struct]]:
        """Run the historic ``corral_add_settings`` (later plugins get it on registration)."""

        def register(name: str, struct: type[msgspec.Struct]) -> None:
            self.settings_types[name] = struct

        try:
            self.pm.hook.corral_add_settings.call_historic(kwargs={"register": register})
        except Exception as exc:
            name = _blame(exc, self.pm)
            if name is None:
                raise
            self.fail(name, exc, "in corral_add_settings")
        return self.settings_types

    def configure(self, config: Config) -> None:
        self._call_sync("corral_configure", {"config": config})

    # -- registry hooks ---------------------------------------------------------------------

    def _collect(self, hookname: str, **extra: Any) -> list[tuple[str, Any]]:
        pending: list[Any] = []  # what the plugin now answering registered
        items: list[tuple[str, Any]] = []
        kwargs = {"register": pending.append, **extra}
        for name, _ in self._answers_sync(hookname, kwargs, undo=pending.clear):
            items += [(name, item) for item in pending]
            pending.clear()
        return items

    def register_tools(self, session: Session | None = None) -> list[tuple[str, Tool]]:
        return self._collect("corral_register_tools", session=session)

    def register_commands(self, session: Session | None = None) -> list[tuple[str, SlashCommand]]:
        return self._collect("corral_register_commands", session=session)

    def register_cli(self) -> list[tuple[str, CliCommand]]:
        return self._collect("corral_register_cli")

    def doctor(self, app: App) -> list[tuple[str, DoctorCheck]]:
        """Every plugin's checks, each with the plugin's name."""
        out: list[tuple[str, DoctorCheck]] = []
        for plugin, value in self._call_sync("corral_doctor", {"app": app}):
            for check in value if isinstance(value, list) else [value]:
                out.append((plugin, check))
        return out

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        self._call_sync("corral_add_options", {"parser": parser})

    def skill_dirs(self, session: Session) -> list[tuple[str, SkillDir]]:
        """Every plugin's skill folders, each with the plugin's name, in precedence order."""
        found: list[tuple[str, SkillDir]] = []
        for name, value in self._call_sync("corral_skill_dirs", {"session": session}):
            from corral.skills.model import SkillDir

            values = value if isinstance(value, list) else [value]
            if not all(isinstance(item, SkillDir) for item in values):
                bad = next(type(v).__name__ for v in values if not isinstance(v, SkillDir))
                self.fail(name, TypeError(f"returned {bad}, expected SkillDir"),
                          "in corral_skill_dirs")
                continue
            found += [(name, item) for item in values]
        return found

    def register_agents(self) -> list[tuple[str, AgentDefinition]]:
        return self._collect("corral_register_agents")

    def _listed(self, hookname: str, kwargs: dict[str, Any], kind: type) -> list[Any]:
        """Every item the plugins return (one or a list each); a wrong type takes the
        plugin out."""
        items: list[Any] = []
        for name, value in self._call_sync(hookname, kwargs):
            values = value if isinstance(value, list) else [value]
            bad = next((v for v in values if not isinstance(v, kind)), None)
            if bad is not None:
                self.fail(name, TypeError(f"returned {type(bad).__name__}, expected "
                                          f"{kind.__name__}"), f"in {hookname}")
                continue
            items += values
        return items

    def agent_dirs(self, app: App) -> list[AgentDir]:
        from corral.agents import AgentDir

        return self._listed("corral_agent_dirs", {"app": app}, AgentDir)

    def command_dirs(self, session: Session) -> list[CommandDir]:
        from corral.commands import CommandDir

        return self._listed("corral_command_dirs", {"session": session}, CommandDir)

    def command_hooks(self, app: App) -> list[HookSet]:
        from corral.extra_config import HookSet

        return self._listed("corral_command_hooks", {"app": app}, HookSet)

    def mcp_servers(self, app: App) -> list[McpServerSet]:
        from corral.extra_config import McpServerSet

        return self._listed("corral_mcp_servers", {"app": app}, McpServerSet)

    def mcp_status(self, session: Session) -> list[McpServerStatus]:
        from corral.extra_config import McpServerStatus

        return self._listed("corral_mcp_status", {"session": session}, McpServerStatus)

    def register_providers(self) -> list[tuple[str, Provider]]:
        return self._collect("corral_register_providers")

    # -- session, prompt and loop hooks -----------------------------------------------------

    async def session_start(self, session: Session, source: str = "startup") -> None:
        await self._call("corral_session_start", {"session": session, "source": source})

    async def session_end(self, session: Session, reason: str = "other") -> None:
        await self._call("corral_session_end", {"session": session, "reason": reason})

    async def user_prompt(self, session: Session, text: str, origin: str) -> PromptVerdict:
        """Every plugin's verdict on a message, merged: blocked when any blocks (the
        reasons joined), else the context of all of them."""
        from corral.verdicts import PromptVerdict

        kwargs = {"session": session, "text": text, "origin": origin}
        reasons: list[str] = []
        context: list[str] = []
        for name, verdict in await self._call("corral_user_prompt", kwargs):
            if not isinstance(verdict, PromptVerdict):
                self.fail(name, TypeError("expected a PromptVerdict or None"),
                          "in corral_user_prompt")
            elif verdict.blocked:
                reasons.append(verdict.reason)
            else:
                context.extend(verdict.context)
        if reasons:
            return PromptVerdict(blocked=True, reason="; ".join(reasons))
        return PromptVerdict(context=context)

    async def before_stop(self, session: Session, origin: str, continued: int) -> str | None:
        """The reasons to send the model back to work, joined; ``None`` when there are none."""
        kwargs = {"session": session, "origin": origin, "continued": continued}
        reasons = [str(r) for _, r in await self._call("corral_before_stop", kwargs) if r]
        return "\n".join(reasons) or None

    async def before_compact(self, session: Session, trigger: str, instructions: str) -> None:
        kwargs = {"session": session, "trigger": trigger, "instructions": instructions}
        await self._call("corral_before_compact", kwargs)

    async def notify(self, session: Session, message: str,
                     kind: str = "permission_prompt") -> None:
        await self._call("corral_notify", {"session": session, "message": message, "kind": kind})

    async def system_prompt(self, session: Session) -> list[PromptSection]:
        from corral.prompt import PromptSection

        sections: list[PromptSection] = []
        for name, value in await self._call("corral_system_prompt", {"session": session}):
            values = value if isinstance(value, list) else [value]
            for item in values:
                if not isinstance(item, PromptSection):
                    self.fail(
                        name,
                        TypeError(f"returned {type(item).__name__}, expected PromptSection"),
                        "in corral_system_prompt",
                    )
                    break
                sections.append(item)
        return sections

    def memory_sources(self, session: Session) -> list[tuple[str, Any]]:
        """Extra instruction files, by plugin."""
        return self._call_sync("corral_memory_sources", {"session": session})

    def memory_changed(self, change: Any) -> None:
        self._call_sync("corral_memory_changed", {"change": change})

    async def prepare_request(self, session: Session) -> None:
        await self._call("corral_prepare_request", {"session": session})

    async def before_request(self, session: Session, request: dict[str, Any]) -> None:
        await self._call("corral_before_request", {"session": session, "request": request})

    async def on_event(self, session: Session, event: Event) -> None:
        await self._call("corral_on_event", {"session": session, "event": event})

    async def pending_context(self, session: Session) -> list[tuple[str, str]]:
        """``(plugin, text)`` of every plugin that has something to add before a request."""
        found = await self._call("corral_pending_context", {"session": session})
        return [(name, str(text)) for name, text in found if text]

    async def idle_input(self, session: Session) -> tuple[str, str] | None:
        """The first offered input as ``(origin, text)``."""
        found = await self._call("corral_idle", {"session": session}, first=True)
        if not found:
            return None
        value = found[0][1]
        if isinstance(value, tuple) and len(value) == 2:
            return (str(value[0]), str(value[1]))
        return ("tick", str(value))

    async def idle(self, session: Session) -> str | None:
        """The text of the first offered input."""
        offered = await self.idle_input(session)
        return offered[1] if offered else None

    async def compact(
        self, session: Session, messages: list[dict[str, Any]], reason: str
    ) -> list[dict[str, Any]] | bool | None:
        kwargs = {"session": session, "messages": messages, "reason": reason}
        found = await self._call("corral_compact", kwargs, first=True)
        return found[0][1] if found else None

    # -- tool hooks ---------------------------------------------------------------------------

    async def check_permission(self, session: Session, call: ToolCall) -> list[tuple[str, Vote]]:
        """Every plugin's vote on ``call``, with the plugin's name."""
        from corral.permissions.decision import Vote

        votes: list[tuple[str, Vote]] = []
        kwargs = {"session": session, "call": call}
        for name, vote in await self._call("corral_check_permission", kwargs):
            if isinstance(vote, Vote):
                votes.append((name, vote))
            else:
                self.fail(name, TypeError("expected a Vote or None"), "in corral_check_permission")
        return votes

    async def before_tool(self, session: Session, call: ToolCall,
                          tool: Tool | None) -> list[ToolVerdict]:
        """Every plugin's verdict on ``call``, in order."""
        from corral.verdicts import ToolVerdict

        verdicts: list[ToolVerdict] = []
        kwargs = {"session": session, "call": call, "tool": tool}
        for name, verdict in await self._call("corral_before_tool", kwargs):
            if isinstance(verdict, ToolVerdict):
                verdicts.append(verdict)
            else:
                self.fail(name, TypeError("expected a ToolVerdict or None"), "in corral_before_tool")
        return verdicts

    async def permission_request(self, session: Session, call: ToolCall,
                                 context: PermissionContext) -> PermissionAnswer | None:
        kwargs = {"session": session, "call": call, "context": context}
        found = await self._call("corral_permission_request", kwargs, first=True)
        return found[0][1] if found else None

    async def rewrite_tool_input(self, session: Session, call: ToolCall) -> dict[str, Any] | None:
        kwargs = {"session": session, "call": call}
        found = await self._call("corral_rewrite_tool_input", kwargs, first=True)
        return dict(found[0][1]) if found else None

    async def after_tool(self, session: Session, call: ToolCall, result: ToolResult) -> ToolResult:
        """Run the result through every implementation as a chain."""
        kwargs: dict[str, Any] = {"session": session, "call": call, "result": result}
        async for _, value in self._answers("corral_after_tool", kwargs):
            if value is not None:
                kwargs["result"] = value  # the next implementation sees this one's result
        replaced: ToolResult = kwargs["result"]
        return replaced

    # -- output and UI hooks ----------------------------------------------------------------

    async def filter_outbound(
        self, session: Session | None, text: str, channel: str, target: str | None = None
    ) -> str:
        """Run the outbound filters as a chain; a plugin may block by raising CorralError."""
        kwargs = {"session": session, "text": text, "channel": channel, "target": target}
        async for _, value in self._answers("corral_filter_outbound", kwargs):
            if value is not None:
                kwargs["text"] = str(value)  # the next filter sees this one's output
        return str(kwargs["text"])

    def status(self, session: Session) -> list[tuple[str, Any]]:
        """Renderables for the status area, by plugin."""
        return self._call_sync("corral_status", {"session": session})


def _run_awaitable(value: Any) -> Any:
    import asyncio  # here: `corral --help` and `corral plugins` run no event loop

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(_await(value))
    if inspect.iscoroutine(value):
        value.close()
    raise TypeError("returned an awaitable from a hook the kernel calls synchronously")


async def _await(value: Any) -> Any:
    return await value


def _blame(exc: BaseException, pm: pluggy.PluginManager) -> str | None:
    """The registered plugin whose code raised ``exc``, found from the traceback."""
    modules: dict[str, str] = {}
    for name, plugin in pm.list_name_plugin():
        module = getattr(plugin, "__name__", None) or type(plugin).__module__
        modules[module] = name
    tb = exc.__traceback__
    blamed: str | None = None
    while tb is not None:
        module = tb.tb_frame.f_globals.get("__name__", "")
        if module in modules:
            blamed = modules[module]
        tb = tb.tb_next
    return blamed
