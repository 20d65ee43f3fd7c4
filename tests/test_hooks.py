"""One test per hook: a recording plugin proves the kernel calls it and honours its answer."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any

import msgspec
import pytest
from corral import hookimpl
from corral.agents import AgentDefinition, AgentDir
from corral.app import App
from corral.commands import CliCommand, CommandDir, DoctorCheck, SendPrompt, SlashCommand
from corral.events import Notice
from corral.extra_config import HookSet, McpServerSet, McpServerStatus
from corral.permissions import Vote
from corral.prompt import PromptSection
from corral.providers import Provider
from corral.session import Session
from corral.stash import StashKey
from corral.tools import Tool, ToolCall, ToolResult
from corral.verdicts import PermissionAnswer, PromptVerdict, ToolVerdict

#: Switches the tests flip on a session to make the recorder answer differently.
LATE: StashKey[bool] = StashKey("late")
GROW: StashKey[bool] = StashKey("grow")
LATE_COMMAND: StashKey[bool] = StashKey("late_command")
REMIND: StashKey[bool] = StashKey("remind")
SKILLS: StashKey[bool] = StashKey("skills")
ANSWER: StashKey[bool] = StashKey("answer")


class Recorder:
    """A plugin that implements every hook and records each call."""

    __name__ = "recorder"

    def __init__(self) -> None:
        self.calls: list[str] = []

    @hookimpl
    def corral_add_settings(self, register: Any) -> None:
        self.calls.append("add_settings")

        class S(msgspec.Struct):
            on: bool = True

        register("recorder", S)

    @hookimpl
    def corral_configure(self, config: Any) -> None:
        self.calls.append(f"configure:{config.plugin_settings('recorder').on}")

    @hookimpl
    def corral_register_tools(self, register: Any, session: Session | None) -> None:
        class Echo(Tool):
            name = "Echo"
            description = "echo"
            input_type = msgspec.defstruct("EchoInput", [("text", str)])

        register(Echo())
        if session is not None and session.stash.get(LATE):
            class Late(Tool):
                name = "Late"
                description = "joins once the session asks for it"
                input_type = msgspec.defstruct("LateInput", [])

            register(Late())

    @hookimpl
    async def corral_prepare_request(self, session: Session) -> None:
        self.calls.append("prepare_request")
        if session.stash.pop(GROW, False):
            session.stash[LATE] = True
            session.refresh_tools()

    @hookimpl
    def corral_register_commands(self, register: Any, session: Session | None) -> None:
        register(SlashCommand(name="hi", description="say hi", run=lambda s, a: "hi " + a))
        if session is not None and session.stash.get(LATE_COMMAND):
            register(SlashCommand(name="ask", description="ask the model",
                                  run=lambda s, a: SendPrompt(f"Tell me {a}")))

    @hookimpl
    def corral_doctor(self, app: App) -> list[DoctorCheck]:
        return [DoctorCheck(ok=True, text="recorder ready"),
                DoctorCheck(ok=False, text="recorder tape is full")]

    @hookimpl
    def corral_add_options(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--recorder-volume", dest="recorder_volume", type=int, default=1)

    @hookimpl
    def corral_register_cli(self, register: Any) -> None:
        register(CliCommand(name="rec", help="h", run=lambda a, app: 7))

    @hookimpl
    def corral_register_agents(self, register: Any) -> None:
        register(AgentDefinition(name="a1", description="d", prompt="p"))

    @hookimpl
    def corral_agent_dirs(self, app: App) -> AgentDir:
        return AgentDir(path=str(app.cwd / "rec-agents"), namespace="rec", source="recorder")

    @hookimpl
    def corral_command_dirs(self, session: Session) -> list[CommandDir]:
        return [CommandDir(path=str(session.cwd / "rec-commands"), namespace="rec",
                           source="recorder")]

    @hookimpl
    def corral_command_hooks(self, app: App) -> HookSet:
        hooks = {"UserPromptSubmit": [{"hooks": [{
            "type": "command", "command": 'echo "$CLAUDE_PLUGIN_ROOT" > root-seen.txt'}]}]}
        return HookSet(hooks=hooks, source="recorder hooks.json", plugin_root="/rec/root")

    @hookimpl
    def corral_mcp_servers(self, app: App) -> McpServerSet:
        return McpServerSet(servers={"rec": {"command": "rec-server"}}, source="recorder")

    @hookimpl
    def corral_mcp_status(self, session: Session) -> list[McpServerStatus]:
        return [McpServerStatus(name="rec", status="pending")]

    @hookimpl
    def corral_register_providers(self, register: Any) -> None:
        async def stream(request: dict[str, Any]) -> Any:
            yield {"type": "message_stop"}

        register(Provider(name="p1", stream=stream))

    @hookimpl
    async def corral_session_start(self, session: Session, source: str) -> None:
        self.calls.append(f"session_start:{source}")

    @hookimpl
    def corral_session_end(self, session: Session, reason: str) -> None:
        self.calls.append(f"session_end:{reason}")

    @hookimpl
    def corral_system_prompt(self, session: Session) -> PromptSection:
        return PromptSection(name="rec", text="recorded", scope="turn")

    @hookimpl
    def corral_memory_sources(self, session: Session) -> Any:
        from corral.memory.instructions import InstructionFile

        return InstructionFile(path="<recorder>", kind="plugin", text="Recorder says: be brief.")

    @hookimpl
    def corral_memory_changed(self, change: Any) -> None:
        self.calls.append(f"memory_changed:{change.added}")

    @hookimpl
    def corral_before_request(self, session: Session, request: dict[str, Any]) -> None:
        request["metadata"] = {"user_id": "rec"}

    @hookimpl
    def corral_on_event(self, session: Session, event: Any) -> None:
        self.calls.append(f"event:{type(event).__name__}")

    @hookimpl
    def corral_pending_context(self, session: Session) -> str | None:
        return "<reminder>tests first</reminder>" if session.stash.get(REMIND) else None

    @hookimpl
    def corral_user_prompt(self, session: Session, text: str, origin: str) -> PromptVerdict | None:
        self.calls.append(f"user_prompt:{origin}")
        if "forbidden" in text:
            return PromptVerdict(blocked=True, reason="recorder forbids it")
        return PromptVerdict(context=["<rec/>"]) if session.stash.get(REMIND) else None

    @hookimpl
    def corral_before_stop(self, session: Session, origin: str, continued: int) -> str | None:
        return "check the tests" if session.stash.get(REMIND) and continued == 0 else None

    @hookimpl
    def corral_before_compact(self, session: Session, trigger: str, instructions: str) -> None:
        self.calls.append(f"before_compact:{trigger}:{instructions}")

    @hookimpl
    async def corral_notify(self, session: Session, message: str, kind: str) -> None:
        self.calls.append(f"notify:{kind}:{message}")

    @hookimpl
    def corral_before_tool(self, session: Session, call: ToolCall,
                           tool: Tool | None) -> ToolVerdict | None:
        if call.input.get("bad"):
            return ToolVerdict(invalid="recorder: bad input")
        if call.input.get("veto"):
            return ToolVerdict(votes=[("rec-pre", Vote(decision="deny", reason="recorder vetoes"))])
        return None

    @hookimpl
    def corral_permission_request(self, session: Session, call: ToolCall,
                                  context: Any) -> PermissionAnswer | None:
        if not session.stash.get(ANSWER):
            return None
        return PermissionAnswer(decision="allow", reason="recorder allows", source="recorder")

    @hookimpl
    def corral_idle(self, session: Session) -> str:
        return "<tick/>"

    @hookimpl
    def corral_compact(self, session: Session, messages: list[dict[str, Any]], reason: str) -> Any:
        self.calls.append(f"compact:{reason}")
        return [{"role": "user", "content": f"compacted {len(messages)} messages"}]

    @hookimpl
    def corral_check_permission(self, session: Session, call: ToolCall) -> Vote | None:
        return Vote(decision="ask", reason="recorder asks") if call.name == "Bash" else None

    @hookimpl
    def corral_rewrite_tool_input(self, session: Session, call: ToolCall) -> dict[str, Any] | None:
        return {**call.input, "rewritten": True}

    @hookimpl
    def corral_after_tool(self, session: Session, call: ToolCall, result: ToolResult) -> ToolResult:
        return ToolResult(content=f"[{result.content}]")

    @hookimpl
    def corral_filter_outbound(self, session: Any, text: str, channel: str) -> str:
        return text.replace("secret", "******") if channel == "commit" else text

    @hookimpl
    def corral_status(self, session: Session) -> str:
        return "rec ok"

    @hookimpl
    def corral_skill_dirs(self, session: Session) -> Any:
        from corral.api import SkillDir

        folder = session.cwd / "recorded-skills"
        return SkillDir(folder, "plugin:recorder") if session.stash.get(SKILLS) else None


@pytest.fixture
def rec() -> Recorder:
    return Recorder()


@pytest.fixture
def app(project: Path, rec: Recorder) -> App:
    return App.create(cwd=project, environ={"CORRAL_LOAD_PLUGINS": ""}, extra_plugins={"recorder": rec})


def test_hook_corral_add_settings(app: App, rec: Recorder) -> None:
    assert "add_settings" in rec.calls
    assert "recorder" in app.host.settings_types


def test_hook_corral_configure(app: App, rec: Recorder) -> None:
    assert "configure:True" in rec.calls
    assert rec.calls.index("add_settings") < rec.calls.index("configure:True")


def test_hook_corral_register_tools(app: App) -> None:
    tools = dict(app.host.register_tools())
    assert tools["recorder"].name == "Echo"
    assert tools["recorder"].input_schema()["required"] == ["text"]


def test_hook_corral_register_commands(app: App) -> None:
    [(plugin, cmd)] = [(p, c) for p, c in app.host.register_commands() if p == "recorder"]
    assert plugin == "recorder" and cmd.run(Session(app), "you") == "hi you"


def test_a_plugin_command_that_appears_later_sends_a_prompt(app: App) -> None:
    import io
    from types import SimpleNamespace

    from corral.cli.slash import SlashTable
    from rich.console import Console

    session = Session(app)
    repl = SimpleNamespace(app=app, session=session, console=Console(file=io.StringIO()))
    table = SlashTable(repl)  # type: ignore[arg-type]
    assert "hi" in table.plugin and "ask" not in table.plugin
    session.stash[LATE_COMMAND] = True
    assert asyncio.run(table.run("/ask why")) == ("prompt", "Tell me why")


def test_hook_corral_register_cli(app: App) -> None:
    [(plugin, cmd)] = [(p, c) for p, c in app.host.register_cli() if p == "recorder"]
    assert (plugin, cmd.name, cmd.run(argparse.Namespace(), app)) == ("recorder", "rec", 7)


def test_hook_corral_doctor(app: App) -> None:
    assert [(p, c.ok) for p, c in app.host.doctor(app)] == [("recorder", True), ("recorder", False)]


def test_hook_corral_add_options(app: App) -> None:
    from corral.cli._parser import build_parser

    parser = build_parser([], app.host.add_options)
    args = parser.parse_args(["--recorder-volume", "11", "-p", "hi"])
    assert (args.recorder_volume, args.prompt) == (11, "hi")
    assert not hasattr(build_parser([]).parse_args(["-p", "hi"]), "recorder_volume")


def test_hook_corral_register_agents(app: App) -> None:
    assert [a.name for _, a in app.host.register_agents()] == ["a1"]


def test_hook_corral_agent_dirs(app: App) -> None:
    [folder] = app.host.agent_dirs(app)
    assert (folder.namespace, folder.path) == ("rec", str(app.cwd / "rec-agents"))


def test_hook_corral_command_dirs(app: App, project: Path) -> None:
    from corral.custom_commands import session_commands

    (project / "rec-commands" / "sub").mkdir(parents=True)
    (project / "rec-commands" / "greet.md").write_text("Greet $ARGUMENTS.")
    (project / "rec-commands" / "sub" / "deep.md").write_text("Deep.")
    (project / ".claude" / "commands").mkdir(parents=True)
    (project / ".claude" / "commands" / "deep.md").write_text("The project's own.")
    found, problems = session_commands(Session(app))
    assert problems == []
    assert found["rec:greet"].body == "Greet $ARGUMENTS." and found["greet"] is found["rec:greet"]
    # a short name another command takes stays that command's
    assert found["rec:sub:deep"].body == "Deep." and found["deep"].body == "The project's own."


def test_hook_corral_command_hooks(app: App, project: Path) -> None:
    from corral.cmdhooks import fire, hook_table

    session = Session(app)
    [hook] = hook_table(session).for_event("UserPromptSubmit")
    assert (hook.source, hook.plugin_root) == ("recorder hooks.json", "/rec/root")
    asyncio.run(fire(session, "UserPromptSubmit", {"prompt": "hi"}))
    assert (project / "root-seen.txt").read_text().strip() == "/rec/root"


def test_hook_corral_mcp_servers(app: App) -> None:
    [servers] = app.host.mcp_servers(app)
    assert servers.servers == {"rec": {"command": "rec-server"}}


def test_hook_corral_mcp_status(app: App) -> None:
    from corral.cli.stream_json import mcp_servers

    session = Session(app)
    assert app.host.mcp_status(session) == [McpServerStatus(name="rec", status="pending")]
    assert mcp_servers(session) == [{"name": "rec", "status": "pending"}]


def test_hook_corral_register_providers(app: App) -> None:
    assert [p.name for _, p in app.host.register_providers()] == ["p1"]


def test_hook_corral_session_start(app: App, rec: Recorder) -> None:
    session = Session(app)
    asyncio.run(session.start())
    assert "session_start:startup" in rec.calls
    session.messages.append({"role": "user", "content": "hi"})
    asyncio.run(session.start())
    assert "session_start:resume" in rec.calls


def test_hook_corral_session_end(app: App, rec: Recorder) -> None:
    asyncio.run(Session(app).end("logout"))
    assert "session_end:logout" in rec.calls


def test_hook_corral_system_prompt(app: App) -> None:
    sections = asyncio.run(app.host.system_prompt(Session(app)))
    assert PromptSection(name="rec", text="recorded", scope="turn") in sections


def test_hook_corral_memory_sources(app: App) -> None:
    from corral.memory.session_memory import session_memory

    session = Session(app)
    files = session_memory(session).files
    mine = [f for f in files if f.text == "Recorder says: be brief."]
    assert mine and mine[0].imported_by == "plugin:recorder"


def test_hook_corral_memory_changed(app: App, rec: Recorder) -> None:
    from corral.memory.session_memory import session_memory

    session = Session(app)
    store = session_memory(session).project_store
    entry = store.add("the build uses tox", type="project", source="test")
    assert rec.calls[-1] == f"memory_changed:{(entry.id,)}"


def test_hook_corral_prepare_request(app: App, rec: Recorder) -> None:
    from corral.engine import Engine

    session = Session(app)
    engine = Engine(session)
    first = asyncio.run(engine.build())
    assert "Late" not in [t["name"] for t in first["tools"]]
    session.stash[GROW] = True
    second = asyncio.run(engine.build())
    assert rec.calls.count("prepare_request") == 2
    assert "Late" in [t["name"] for t in second["tools"]]
    assert "Late" in session.tools


def test_refresh_tools_keeps_a_set_its_owner_chose(app: App) -> None:
    session = Session(app)
    session.set_tools({"Echo": session.tools["Echo"]})
    session.stash[LATE] = True
    session.refresh_tools()
    assert list(session.tools) == ["Echo"]


def test_refresh_tools_of_a_narrowed_set_admits_only_new_tools_its_rule_accepts(
    app: App,
) -> None:
    """A sub-agent's narrowed set with an ``admit`` rule: a tool that appears later joins when
    the rule accepts its name; tools left out at the start stay out."""
    parent = Session(app)
    full = set(parent.tools)
    assert {"Echo", "Read"} <= full and "Late" not in full
    child = parent.child("narrow", tools={"Echo": parent.tools["Echo"]},
                         admit=lambda name: name in ("Late", "Read"))
    child.stash[LATE] = True
    child.refresh_tools()
    assert sorted(child.tools) == ["Echo", "Late"]  # Read was there at the start: left out
    refused = parent.child("strict", tools={"Echo": parent.tools["Echo"]},
                           admit=lambda name: False)
    refused.stash[LATE] = True
    refused.refresh_tools()
    assert list(refused.tools) == ["Echo"]


def test_hook_corral_pending_context(app: App) -> None:
    session = Session(app)
    assert asyncio.run(app.host.pending_context(session)) == []
    session.stash[REMIND] = True
    found = asyncio.run(app.host.pending_context(session))
    assert [text for _, text in found] == ["<reminder>tests first</reminder>"]
    session.messages.append({"role": "user", "content": "go"})
    from corral.engine import Engine

    asyncio.run(Engine(session)._add_pending_context())
    assert "<reminder>tests first</reminder>" in str(session.messages[-1]["content"])


def test_hook_corral_before_request(app: App) -> None:
    request: dict[str, Any] = {"model": "m"}
    asyncio.run(app.host.before_request(Session(app), request))
    assert request["metadata"] == {"user_id": "rec"}


def test_hook_corral_on_event(app: App, rec: Recorder) -> None:
    session = Session(app)
    asyncio.run(session.emit(Notice(text="hello")))
    assert rec.calls[-1] == "event:Notice"


def test_hook_corral_idle(app: App) -> None:
    assert asyncio.run(app.host.idle(Session(app))) == "<tick/>"
    assert asyncio.run(app.host.idle_input(Session(app))) == ("tick", "<tick/>")


def test_hook_corral_compact(app: App, rec: Recorder) -> None:
    from corral.engine import Engine

    session = Session(app)
    session.messages = [{"role": "user", "content": "a"}, {"role": "assistant", "content": []}]
    assert asyncio.run(Engine(session, client=object()).maybe_compact("manual", force=True))
    assert rec.calls[-2:] == ["compact:manual", "event:Compacted"]
    assert session.messages == [{"role": "user", "content": "compacted 2 messages"}]


def test_hook_corral_user_prompt(app: App, rec: Recorder) -> None:
    from corral.engine import Engine

    session = Session(app)
    outcome = asyncio.run(Engine(session, client=object()).run_turn("a forbidden wish"))
    assert outcome.is_error and "recorder forbids it" in outcome.result
    assert session.messages == []  # a blocked message never enters the conversation
    assert "user_prompt:user" in rec.calls
    session.stash[REMIND] = True
    verdict = asyncio.run(app.host.user_prompt(session, "hello", "user"))
    assert not verdict.blocked and verdict.context == ["<rec/>"]


def test_hook_corral_before_stop(app: App) -> None:
    session = Session(app)
    assert asyncio.run(app.host.before_stop(session, "user", 0)) is None
    session.stash[REMIND] = True
    assert asyncio.run(app.host.before_stop(session, "user", 0)) == "check the tests"
    assert asyncio.run(app.host.before_stop(session, "user", 1)) is None


def test_hook_corral_before_compact(app: App, rec: Recorder) -> None:
    from corral.engine import Engine

    session = Session(app)
    session.messages = [{"role": "user", "content": "a"}, {"role": "assistant", "content": []}]
    engine = Engine(session, client=object())
    assert asyncio.run(engine.maybe_compact("manual", force=True, focus="the API"))
    before = rec.calls.index("before_compact:manual:the API")
    assert before < rec.calls.index("compact:manual")


def test_hook_corral_notify(app: App, rec: Recorder) -> None:
    from corral.engine.permission_gate import decide_call

    session = Session(app)

    async def ask(call: ToolCall, decision: Any) -> tuple[str, str]:
        return ("allow", "")

    session.ask_permission = ask
    call = ToolCall(id="1", name="Bash", input={"command": "ls"})  # the recorder asks
    decision = asyncio.run(decide_call(session, call))
    assert decision.decision == "allow" and decision.tier == "prompt"
    assert "notify:permission_prompt:corral needs your permission to use Bash" in rec.calls


def test_hook_corral_before_tool(app: App) -> None:
    from corral.engine.permission_gate import decide_call

    session = Session(app)
    plain = asyncio.run(decide_call(session, ToolCall(id="1", name="Read",
                                                      input={"file_path": "x"})))
    assert plain.decision == "allow"
    bad = asyncio.run(decide_call(session, ToolCall(id="2", name="Read",
                                                    input={"file_path": "x", "bad": True})))
    assert (bad.decision, bad.tier, bad.reason) == ("deny", "hook", "recorder: bad input")
    vetoed = asyncio.run(decide_call(session, ToolCall(id="3", name="Read",
                                                       input={"file_path": "x", "veto": True})))
    assert vetoed.decision == "deny" and "recorder vetoes" in vetoed.reason


def test_hook_corral_permission_request(app: App) -> None:
    from corral.engine.permission_gate import decide_call

    session = Session(app)  # headless: nobody can be asked
    call = ToolCall(id="1", name="Bash", input={"command": "ls"})  # the recorder asks
    assert asyncio.run(decide_call(session, call)).decision == "deny"
    session.stash[ANSWER] = True
    answered = asyncio.run(decide_call(session, call))
    assert (answered.decision, answered.tier, answered.reason) == ("allow", "hook",
                                                                    "recorder allows")
    assert answered.source == "recorder"


def test_hook_corral_check_permission(app: App) -> None:
    call = ToolCall(id="1", name="Bash", input={"command": "ls"})
    votes = asyncio.run(app.host.check_permission(Session(app), call))
    assert votes == [("recorder", Vote(decision="ask", reason="recorder asks"))]


def test_hook_corral_rewrite_tool_input(app: App) -> None:
    call = ToolCall(id="1", name="Read", input={"file_path": "x"})
    new = asyncio.run(app.host.rewrite_tool_input(Session(app), call))
    assert new == {"file_path": "x", "rewritten": True}


def test_hook_corral_after_tool(app: App) -> None:
    call = ToolCall(id="1", name="Read", input={})
    result = asyncio.run(app.host.after_tool(Session(app), call, ToolResult(content="x")))
    assert result.content == "[x]"


def test_hook_corral_filter_outbound(app: App) -> None:
    out = asyncio.run(app.host.filter_outbound(None, "a secret plan", "commit"))
    assert out == "a ****** plan"


def test_hook_corral_status(app: App) -> None:
    assert app.host.status(Session(app)) == [("recorder", "rec ok")]


def test_outbound_filter_sees_file_writes(project: Path) -> None:
    """The kernel passes Write content and Edit new_string through corral_filter_outbound."""
    from corral.errors import CorralError
    from corral.tools.builtin.write_edit import Edit, EditInput, Write, WriteInput

    class Blocked(CorralError):
        pass

    class Filter:
        __name__ = "filter"

        @hookimpl
        def corral_filter_outbound(self, session: Any, text: str, channel: str,
                                   target: str | None) -> str:
            assert target is not None and target.startswith(str(project))
            if "forbidden" in text:
                raise Blocked(f"blocked on {channel}")
            return text.replace("secret", "[redacted]")

    app = App.create(cwd=project, environ={"CORRAL_LOAD_PLUGINS": ""},
                     extra_plugins={"filter": Filter()})
    session = Session(app)
    result = asyncio.run(Write().run(session, WriteInput(file_path="a.txt", content="a secret\n")))
    assert not result.is_error and (project / "a.txt").read_text() == "a [redacted]\n"
    result = asyncio.run(Edit().run(session, EditInput(file_path="a.txt", old_string="a ",
                                                       new_string="more secret ")))
    assert (project / "a.txt").read_text() == "more [redacted] [redacted]\n"
    with pytest.raises(Blocked, match="blocked on file"):
        asyncio.run(Write().run(session, WriteInput(file_path="b.txt", content="forbidden")))
    assert not (project / "b.txt").exists()


def test_hook_corral_skill_dirs(app: App, project: Path) -> None:
    from corral.internal_plugins.skills import catalogue

    skill = project / "recorded-skills" / "greet" / "SKILL.md"
    skill.parent.mkdir(parents=True)
    skill.write_text("---\ndescription: Greets people\n---\nSay hello.\n")
    quiet = Session(app)
    assert catalogue(quiet) is None  # no plugin answered and no kernel folder exists
    session = Session(app)
    session.stash[SKILLS] = True
    found = catalogue(session)
    assert found is not None and list(found.skills) == ["recorder:greet"]
    greet = found.find("greet")
    assert greet is not None and (greet.source, greet.body) == ("plugin:recorder", "Say hello.\n")
