"""The interactive session: a prompt_toolkit prompt, rich output, slash commands.

The model transport (its wire, its TLS context and a connection to the endpoint) is made ready
in a background thread while the user types the first prompt, so the first request does not pay
for it.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import signal
from typing import TYPE_CHECKING, Any

from corral import cmdhooks
from corral.app import App
from corral.cli.headless import make_session, setup_trigger
from corral.engine import Engine
from corral.errors import CorralError
from corral.session import PromptAnswer
from corral.ui.console import get_console
from corral.ui.render import EventRenderer, tool_line

if TYPE_CHECKING:
    from corral.permissions.decision import Decision
    from corral.tools.base import ToolCall

MODES = ["default", "acceptEdits", "plan", "dontAsk", "bypassPermissions"]
#: What the prompt returns when an idle tick pre-empts it (never typed by a user).
_TICK = "\x00tick"
#: What the prompt returns for Ctrl-C on an empty line.
_INTERRUPT = "\x00interrupt"
#: What the prompt returns when Shift+Tab reaches bypassPermissions unconfirmed.
_CONFIRM_BYPASS = "\x00bypass"
#: Seconds between ``corral_idle`` polls while the prompt waits.
IDLE_POLL_S = 1.0


class Repl:
    def __init__(self, args: argparse.Namespace, app: App) -> None:
        from corral.cli.slash import SlashTable

        self.args = args
        self.app = app
        self.console = get_console()
        self.renderer = EventRenderer(self.console, status=self.status_renderables)
        self.session, warnings = make_session(args, app, headless=False)
        for warning in warnings:
            self.console.print(f"[yellow]warning[/]: {warning}")
        self._wire()
        self.slash = SlashTable(self)
        #: A Ctrl-C on the empty prompt was just pressed: the next one exits.
        self.exit_armed = False
        #: The user agreed to bypassPermissions once this session (Shift+Tab asks once).
        self.bypass_confirmed = self.session.permission_mode == "bypassPermissions"
        #: Text the prompt held when it was left to ask something; typed back in after.
        self.draft = ""
        self.asking = asyncio.Lock()

    def _wire(self) -> None:
        self.renderer.session = self.session
        old: Engine | None = getattr(self, "engine", None)
        self.session.listeners.append(self.renderer)
        self.session.ask_permission = self.ask
        # a fresh or resumed session keeps the model client (and its connections)
        self.engine = Engine(self.session, client=old._client if old is not None else None)
        if old is not None:
            self.engine.adopt_connection(old)

    async def new_session(self) -> None:
        """``/clear``: end this session and start a fresh one with the same mode and model."""
        mode = self.session.permission_mode
        model = self.session.model
        await self.session.end("clear")
        # a fresh session gets a fresh id: --session-id named the first one only
        ns = argparse.Namespace(**{**vars(self.args), "continue_": False, "resume": None,
                                   "session_id": None})
        self.session, _ = make_session(ns, self.app, headless=False)
        self.session.permission_mode = mode
        self.session.model = model
        self._wire()
        await self.session.start("clear")

    async def resume(self, session_id: str | None) -> None:
        ns = argparse.Namespace(**{**vars(self.args), "continue_": session_id is None,
                                   "resume": session_id, "session_id": None})
        try:
            session, warnings = make_session(ns, self.app, headless=False)
        except CorralError as exc:
            self.console.print(f"[red]{exc}[/]")
            return
        await self.session.end("resume")
        self.session = session
        self._wire()
        await self.session.start("resume")
        for warning in warnings:
            self.console.print(f"[yellow]warning[/]: {warning}")
        self.console.print(f"resumed session {session.id} ({len(session.messages)} messages)")

    # -- the permission prompt ------------------------------------------------------------------

    async def ask(self, call: ToolCall, decision: Decision) -> PromptAnswer:
        # one question at a time: parallel sub-agents may all want to ask at once
        async with self.asking:
            return await self._ask(call, decision)

    async def _ask(self, call: ToolCall, decision: Decision) -> PromptAnswer:
        from prompt_toolkit import PromptSession

        self.renderer.pause()
        who = f" (sub-agent {call.agent})" if call.agent else ""
        self.console.print(f"[bold yellow]?[/] corral{who} wants to run "
                           f"{tool_line(call.name, call.input)}"
                           f"\n  [dim]{decision.reason}[/]", highlight=False)
        asker: PromptSession[str] = PromptSession()
        while True:
            try:
                answer = (await asker.prompt_async("  allow? [y]es / [a]lways / [n]o: ")).strip()
            except (KeyboardInterrupt, EOFError):
                return ("deny", "the user interrupted the prompt")
            if answer.lower() in ("y", "yes"):
                return ("allow", "")
            if answer.lower() in ("a", "always"):
                return ("always", "")
            if answer.lower().startswith("n"):
                message = (await asker.prompt_async("  tell the model why (optional): ")).strip()
                return ("deny", message)

    # -- the status line ------------------------------------------------------------------------

    def status_renderables(self) -> list[Any]:
        """What plugins show in the status area (the REPL's toolbar, and the live area
        under a running turn)."""
        return [renderable for _plugin, renderable in self.app.host.status(self.session)]

    def status_text(self) -> Any:
        from prompt_toolkit.formatted_text import ANSI

        s = self.session
        window = 200_000
        used = self.engine.last_context_tokens
        cost = "?" if not s.cost_known else f"${s.cost_usd or 0:.3f}"
        mode = f"{s.permission_mode} (shift+tab)"
        if s.permission_mode == "bypassPermissions":
            mode = f"\x1b[1;31m{mode}\x1b[39;22m"  # a warning colour: nothing asks now
        line = (f" {s.model} | mode: {mode} | context "
                f"{100 * used / window:.0f}% | tokens in {s.usage.input_tokens} out "
                f"{s.usage.output_tokens} | {cost}")
        extra = []
        from rich.console import Console

        for renderable in self.status_renderables():
            buf = io.StringIO()
            Console(file=buf, force_terminal=True, width=self.console.width).print(renderable)
            extra.append(buf.getvalue().rstrip("\n"))
        return ANSI("\n".join([*extra, line]))

    # -- the loop -------------------------------------------------------------------------------

    async def main(self) -> int:
        from prompt_toolkit import PromptSession
        from prompt_toolkit.completion import WordCompleter
        from prompt_toolkit.history import FileHistory
        from prompt_toolkit.key_binding import KeyBindings

        from corral import paths
        from corral.transport.warm import start

        start()
        history_path = paths.user_state_dir() / "history"
        history_path.parent.mkdir(parents=True, exist_ok=True)
        bindings = KeyBindings()

        @bindings.add("s-tab")
        def _cycle(event: Any) -> None:
            index = MODES.index(self.session.permission_mode)
            mode = MODES[(index + 1) % len(MODES)]
            if mode == "bypassPermissions" and not self.bypass_confirmed:
                self.draft = event.current_buffer.text
                event.app.exit(result=_CONFIRM_BYPASS)
                return
            self.session.permission_mode = mode
            event.app.invalidate()

        @bindings.add("c-c")
        def _interrupt(event: Any) -> None:
            buffer = event.current_buffer
            if buffer.text:
                buffer.reset()  # one Ctrl-C clears what was typed
                self.exit_armed = False
                return
            event.app.exit(result=_INTERRUPT)

        @bindings.add("escape", "enter")
        def _newline(event: Any) -> None:
            event.current_buffer.insert_text("\n")

        completer = WordCompleter([f"/{n}" for n in self.slash.names()], sentence=True)
        prompt: PromptSession[str] = PromptSession(
            history=FileHistory(str(history_path)), key_bindings=bindings,
            completer=completer, complete_while_typing=True,
            bottom_toolbar=self.status_text, refresh_interval=0.5,
        )
        self.console.print(f"[bold]corral[/] — {self.session.cwd}  [dim](/help for commands)[/]")
        self.show_resumed()
        self.check_credentials()
        from corral.sandbox.status import unavailable_notice

        notice = unavailable_notice(self.session)
        if notice is not None:
            self.console.print(notice, style="yellow", highlight=False, markup=False)
        trigger = setup_trigger(self.args)
        if trigger is not None:
            await cmdhooks.setup(self.session, trigger)
        await self.session.start()
        try:
            while True:
                try:
                    origin, text = await self.read_input(prompt)
                except KeyboardInterrupt:
                    text, origin = _INTERRUPT, "user"
                except EOFError:
                    return 0
                if text == _INTERRUPT:
                    if self.exit_armed:
                        return 0
                    self.exit_armed = True
                    self.console.print("[dim](press Ctrl-C again to exit)[/]")
                    continue
                self.exit_armed = False
                if text == _CONFIRM_BYPASS:
                    await self.confirm_bypass()
                    continue
                text = text.strip()
                if not text:
                    continue
                if origin != "user":
                    await self.turn(text, origin=origin)
                    continue
                if text.startswith("#"):
                    await self.remember(text.lstrip("#").strip())
                    continue
                if text.startswith("/"):
                    action, payload = await self.slash.run(text)
                    if action == "exit":
                        return 0
                    if action != "prompt":
                        continue
                    text = payload
                await self.turn(text)
        finally:
            self.renderer.pause()
            await self.engine.aclose()
            await self.session.end("prompt_input_exit")

    def show_resumed(self) -> None:
        """``corral -c`` / ``-r``: say which session goes on, and how it ended."""
        resumed = self.args.continue_ or self.args.resume is not None
        if not resumed or not self.session.messages:
            return
        from corral.ui.render import shorten

        self.console.print(f"[dim]resumed session {self.session.id} "
                           f"({len(self.session.messages)} messages); the last exchange:[/]")
        shown = 0
        for message in reversed(self.session.messages):
            text = _plain_text(message["content"])
            if not text:
                continue
            who = "you" if message["role"] == "user" else "corral"
            self.console.print(f"  [dim]{who}:[/] {shorten(text, 200)}", highlight=False)
            shown += 1
            if shown == 2:
                break

    def check_credentials(self) -> None:
        """Say at once when no model can be reached, not at the first prompt."""
        if self.session.config.api.provider != "anthropic" or self.session.config.api.key_helper:
            return
        from corral.transport.credentials import credentials

        try:
            credentials()
        except CorralError as exc:
            self.console.print(f"[yellow]warning[/]: {exc}", highlight=False)

    async def confirm_bypass(self) -> None:
        """Shift+Tab reached bypassPermissions: ask once per session before entering it."""
        from prompt_toolkit import PromptSession

        self.console.print(
            "[bold red]bypassPermissions[/] runs every tool call without asking "
            "(deny rules and managed policy still apply).")
        asker: PromptSession[str] = PromptSession()
        try:
            answer = (await asker.prompt_async("  switch to bypassPermissions? [y/N] ")).strip()
        except (KeyboardInterrupt, EOFError):
            answer = ""
        if answer.lower() in ("y", "yes"):
            self.bypass_confirmed = True
            self.session.permission_mode = "bypassPermissions"
            self.console.print("[bold red]mode: bypassPermissions[/] (Shift+Tab leaves it)")
        else:
            self.console.print(f"[dim]mode stays {self.session.permission_mode}[/]")

    async def confirm(self, question: str) -> bool:
        """Ask a yes/no question at the prompt; anything but yes (or Ctrl-C) is no."""
        from prompt_toolkit import PromptSession

        asker: PromptSession[str] = PromptSession()
        try:
            answer = (await asker.prompt_async(f"  {question} [y/N] ")).strip()
        except (KeyboardInterrupt, EOFError):
            answer = ""
        return answer.lower() in ("y", "yes")

    async def remember(self, text: str) -> None:
        """``# text``: save a memory entry, asking whether it is for this project or for
        every project of the user."""
        from prompt_toolkit import PromptSession

        from corral.memory.session_memory import session_memory

        if not text:
            self.console.print("nothing to remember: write the memory after the #")
            return
        memory = session_memory(self.session)
        asker: PromptSession[str] = PromptSession()
        try:
            answer = (await asker.prompt_async(
                "  remember for [p]roject or [u]ser (all projects)? ")).strip().lower()
        except (KeyboardInterrupt, EOFError):
            return
        store = memory.user_store if answer.startswith("u") else memory.project_store
        if store is None:
            self.console.print("[yellow]the user-level store is off ([memory] user_store)[/]")
            return
        entry = store.add(text, type="user" if store is memory.user_store else "project",
                          source=self.session.id)
        self.console.print(f"[dim]saved memory {entry.id} in {store.root}[/]")

    async def read_input(self, prompt: Any) -> tuple[str, str]:
        """The next input: typed by the user, or a tick a plugin offers through
        ``corral_idle`` while the prompt sits empty. Typing always wins over a tick."""
        draft, self.draft = self.draft, ""
        task = asyncio.ensure_future(prompt.prompt_async("› ", default=draft))
        while True:
            done, _ = await asyncio.wait({task}, timeout=IDLE_POLL_S)
            if done:
                return ("user", task.result())
            if prompt.app.current_buffer.text:
                continue
            offered = await self.app.host.idle_input(self.session)
            if offered and not prompt.app.current_buffer.text and not task.done():
                origin, tick = offered
                prompt.app.exit(result=_TICK)
                if await task == _TICK:
                    self.console.print(f"[dim]{origin}: {tick.splitlines()[0][:80]}[/]")
                    return (origin, tick)
                return ("user", task.result())

    async def turn(self, text: str, *, origin: str = "user") -> None:
        loop = asyncio.get_running_loop()
        task = asyncio.create_task(self.engine.run_turn(text, origin=origin))
        loop.add_signal_handler(signal.SIGINT, task.cancel)
        self.renderer.start_waiting()
        try:
            outcome = await task
        except CorralError as exc:
            self.console.print(f"[red]error[/]: {exc}")
            return
        finally:
            loop.remove_signal_handler(signal.SIGINT)
            self.renderer.pause()
        if outcome.reason == "interrupted":
            self.console.print("[yellow]interrupted[/]")
        elif outcome.is_error and outcome.result != self.renderer.last_error:
            self.console.print(f"[red]{outcome.result}[/]")


def _plain_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    return " ".join(str(b.get("text", "")) for b in content
                    if isinstance(b, dict) and b.get("type") == "text").strip()


def run_repl(args: argparse.Namespace, app: App) -> int:
    return asyncio.run(Repl(args, app).main())
