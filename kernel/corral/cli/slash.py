"""Slash commands of the interactive session: the kernel's, plugins', and Markdown ones."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from corral.commands import SendPrompt, SlashCommand
from corral.custom_commands import CustomCommand, session_commands

if TYPE_CHECKING:
    from corral.cli.repl import Repl

#: What a command asks the REPL to do next: nothing, send a prompt, or exit.
Action = tuple[str, str]


class SlashTable:
    def __init__(self, repl: Repl) -> None:
        self.repl = repl
        self.builtin: dict[str, tuple[str, Callable[[str], Awaitable[Action]]]] = {
            "help": ("list the commands", self.help),
            "clear": ("start a fresh conversation", self.clear),
            "compact": ("summarize the conversation to free context [focus]", self.compact),
            "cost": ("tokens and cost of this session", self.cost),
            "model": ("show or set the model [name]", self.model),
            "resume": ("resume an earlier session [id]", self.resume),
            "permissions": ("list the permission rules and where they come from", self.perms),
            "plugins": ("list plugins", self.plugins),
            "plugin": ("plugin bundles: list, install NAME@MARKETPLACE, enable, disable, "
                       "uninstall, marketplace add|list|remove|update", self.bundles),
            "sandbox": ("show whether shell commands run sandboxed, and the policy", self.sandbox),
            "exit": ("leave corral", self.exit),
        }
        self.plugin: dict[str, SlashCommand] = {}
        self.refresh_plugin_commands()
        self.custom: dict[str, CustomCommand] = {}
        self.custom, self.problems = session_commands(repl.session)

    def refresh_plugin_commands(self) -> None:
        self.plugin = {}
        for _, command in self.repl.app.host.register_commands(self.repl.session):
            self.plugin.setdefault(command.name, command)

    def skill_names(self) -> dict[str, str]:
        """Skills the user may run as ``/name``, with their descriptions (none are looked
        for when no skill folder exists)."""
        from corral.internal_plugins.skills import catalogue

        found = catalogue(self.repl.session)
        if found is None:
            return {}
        names = {s.name: s.description for s in found.skills.values() if s.user_invocable}
        for skill in found.skills.values():  # plugin skills answer to their short name too
            short = skill.name.rpartition(":")[2]
            if skill.user_invocable and short not in names and found.find(short) is skill:
                names[short] = skill.description
        return names

    def names(self) -> list[str]:
        return sorted({*self.builtin, *self.plugin, *self.custom, *self.skill_names()})

    async def run(self, line: str) -> Action:
        name, _, rest = line[1:].partition(" ")
        rest = rest.strip()
        if name in self.builtin:
            return await self.builtin[name][1](rest)
        if name not in self.plugin and name not in self.custom:
            self.refresh_plugin_commands()  # a plugin's commands may have appeared since
        if name in self.plugin:
            result = self.plugin[name].run(self.repl.session, rest)
            if inspect.isawaitable(result):
                result = await result
            if isinstance(result, SendPrompt):
                return ("prompt", result.text)
            if result:
                self.repl.console.print(result)
            return ("none", "")
        if name in self.custom:  # the engine expands and runs it (corral.engine.command_turn)
            return ("prompt", line.strip())
        if name in self.skill_names():  # the engine sends the skill's instructions
            return ("prompt", line.strip())
        self.repl.console.print(f"[red]unknown command /{name}[/]; /help lists them")
        return ("none", "")

    async def help(self, _: str) -> Action:
        out = self.repl.console
        for name, (text, _fn) in self.builtin.items():
            out.print(f"  /{name:12} {text}", highlight=False)
        for name, command in sorted(self.plugin.items()):
            out.print(f"  /{name:12} {command.description}", highlight=False)
        short = {c.name: n for n, c in self.custom.items() if n != c.name}
        for name, custom in sorted(self.custom.items()):
            if name != custom.name:
                continue  # a plugin command's short name, shown beside its full name
            also = f" (also /{short[name]})" if name in short else ""
            out.print(f"  /{name:12} {custom.description} [dim]({custom.source}){also}[/]",
                      highlight=False)
        taken = {*self.builtin, *self.plugin, *self.custom}
        for name, description in sorted(self.skill_names().items()):
            if name not in taken:
                out.print(f"  /{name:12} {description[:100]} [dim](skill)[/]", highlight=False)
        for problem in self.problems:
            out.print(f"  [yellow]{problem}[/]")
        out.print("  Enter sends; Esc then Enter adds a line; Shift+Tab cycles the permission "
                  "mode (bypassPermissions asks first); Ctrl-C cancels a turn or clears the line "
                  "(twice on an empty prompt exits); Ctrl-D exits.")
        return ("none", "")

    async def sandbox(self, _: str) -> Action:
        from corral.sandbox.runtime import describe

        for line in describe(self.repl.session):
            self.repl.console.print(line, highlight=False, markup=False)
        return ("none", "")

    async def clear(self, _: str) -> Action:
        await self.repl.new_session()
        self.repl.console.print("[dim]started a fresh conversation[/]")
        return ("none", "")

    async def compact(self, focus: str) -> Action:
        from corral.errors import CorralError

        try:
            done = await self.repl.engine.maybe_compact("manual", force=True,
                                                        focus=focus or None)
        except CorralError as exc:  # the summary request failed: the conversation is as it was
            self.repl.console.print(f"[red]{exc}[/]")
            return ("none", "")
        if not done:
            self.repl.console.print("nothing to compact")
        return ("none", "")

    async def cost(self, _: str) -> Action:
        s = self.repl.session
        u = s.usage
        cost = "unknown (no price for this model)" if not s.cost_known else f"${s.cost_usd or 0:.4f}"
        self.repl.console.print(
            f"cost {cost}; tokens in {u.input_tokens}, out {u.output_tokens}, cache write "
            f"{u.cache_creation_input_tokens}, cache read {u.cache_read_input_tokens}; "
            f"{s.num_turns} model requests", highlight=False)
        return ("none", "")

    async def model(self, name: str) -> Action:
        if name:
            self.repl.session.model = self.repl.app.config.resolve_model(name)
        self.repl.console.print(f"model: {self.repl.session.model}")
        return ("none", "")

    async def resume(self, session_id: str) -> Action:
        await self.repl.resume(session_id or None)
        return ("none", "")

    async def perms(self, _: str) -> Action:
        from corral.cli.permissions_cmd import list_data

        data = list_data(self.repl.app)
        out = self.repl.console
        out.print(f"mode: {self.repl.session.permission_mode} (Shift+Tab cycles)")
        rules = data.get("rules", [])
        if not rules:
            out.print("no permission rules")
        for row in rules:
            out.print(f"  {row.get('kind', ''):5} {row.get('rule', '')}  "
                      f"[dim]{row.get('source', '')}[/]", highlight=False)
        return ("none", "")

    async def plugins(self, _: str) -> Action:
        from corral.cli.plugins_cmd import run_plugins

        run_plugins(self.repl.app, as_json=False)
        return ("none", "")

    async def bundles(self, text: str) -> Action:
        """``/plugin …``: the ``corral plugin`` actions; a marketplace a project proposes
        is installed from once the user says yes here."""
        from corral.bundles import cli
        from corral.bundles.marketplace import TrustNeeded
        from corral.errors import CorralError

        def out(line: str) -> None:
            self.repl.console.print(line, highlight=False, markup=False)

        app = self.repl.app
        try:
            args = cli.slash_args(text)
            try:
                cli.dispatch(args, app, out)
            except TrustNeeded as need:
                if not await self.repl.confirm(cli.trust_question(need)):
                    out("not installed: the marketplace is not trusted")
                    return ("none", "")
                cli.install(args.spec, app, out, trust=True)
        except CorralError as exc:
            self.repl.console.print(f"[red]{exc}[/]", highlight=False)
            return ("none", "")
        if args.plugin_action in ("install", "uninstall", "enable", "disable"):
            app.reload_config()  # a fresh configuration: bundles are read again
            self.custom, self.problems = session_commands(self.repl.session)
            out("commands, agents and hooks follow at once; MCP servers with the next session")
        return ("none", "")

    async def exit(self, _: str) -> Action:
        return ("exit", "")
