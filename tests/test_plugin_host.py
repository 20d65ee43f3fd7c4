from __future__ import annotations

import asyncio
import types
from collections.abc import Callable
from pathlib import Path

import msgspec
import pytest
from corral import hookimpl
from corral.app import App
from corral.errors import PluginError
from corral.permissions import Vote
from corral.prompt import PromptSection
from corral.session import Session
from corral.tools import ToolCall


def plugin(name: str, **hooks: object) -> types.SimpleNamespace:
    for fn in hooks.values():
        hookimpl(fn)  # type: ignore[call-overload]
    return types.SimpleNamespace(__name__=name, **hooks)


def make_app(project: Path, warnings: list[str], **plugins: object) -> App:
    return App.create(
        cwd=project, environ={"CORRAL_LOAD_PLUGINS": ""}, warn=warnings.append, extra_plugins=plugins
    )


def test_a_fresh_manager_per_app(project: Path) -> None:
    a = make_app(project, [])
    b = make_app(project, [])
    assert a.host.pm is not b.host.pm


def test_raising_plugin_is_unregistered_and_others_still_answer(project: Path) -> None:
    def bad(session: Session) -> None:
        raise ValueError("boom")

    def good(session: Session) -> PromptSection:
        return PromptSection(name="good", text="hi")

    warnings: list[str] = []
    app = make_app(project, warnings, bad=plugin("bad", corral_system_prompt=bad),
                   good=plugin("good", corral_system_prompt=good))
    session = Session(app)
    names = [s.name for s in asyncio.run(app.host.system_prompt(session))]
    assert "good" in names and "corral" in names
    assert len(warnings) == 1 and "plugin 'bad'" in warnings[0] and "ValueError: boom" in warnings[0]
    assert app.host.pm.get_plugin("bad") is None
    assert app.host.records["bad"].error is not None
    # a second call does not warn again: the plugin is gone
    asyncio.run(app.host.system_prompt(session))
    assert len(warnings) == 1


def test_strict_mode_turns_a_raising_plugin_into_an_error(project: Path) -> None:
    def bad(session: Session) -> None:
        raise ValueError("boom")

    app = App.create(cwd=project, environ={"CORRAL_LOAD_PLUGINS": ""}, strict=True,
                     extra_plugins={"bad": plugin("bad", corral_system_prompt=bad)})
    with pytest.raises(PluginError, match="plugin 'bad'.*ValueError: boom"):
        asyncio.run(app.host.system_prompt(Session(app)))


def test_unknown_hook_unregisters_the_plugin(project: Path) -> None:
    def corral_not_a_hook() -> None:
        return None

    warnings: list[str] = []
    app = make_app(project, warnings, odd=plugin("odd", corral_not_a_hook=corral_not_a_hook))
    assert app.host.pm.get_plugin("odd") is None
    assert "corral_not_a_hook" in (app.host.records["odd"].error or "")
    assert any("unknown hook" in w for w in warnings)


def test_awaitable_implementations_are_awaited(project: Path) -> None:
    async def corral_idle(session: Session) -> str:
        await asyncio.sleep(0)
        return "tick"

    app = make_app(project, [], ticker=plugin("ticker", corral_idle=corral_idle))
    assert asyncio.run(app.host.idle(Session(app))) == "tick"


def test_idle_may_name_its_origin(project: Path) -> None:
    def corral_idle(session: Session) -> tuple[str, str]:
        return ("schedule", "run the nightly report")

    app = make_app(project, [], sched=plugin("sched", corral_idle=corral_idle))
    assert asyncio.run(app.host.idle_input(Session(app))) == ("schedule", "run the nightly report")


def test_votes_carry_the_plugin_name(project: Path) -> None:
    def deny(session: Session, call: ToolCall) -> Vote:
        return Vote(decision="deny", reason="no")

    def abstain(session: Session, call: ToolCall) -> None:
        return None

    app = make_app(project, [], a=plugin("a", corral_check_permission=deny),
                   b=plugin("b", corral_check_permission=abstain))
    call = ToolCall(id="t1", name="Bash", input={"command": "ls"})
    votes = asyncio.run(app.host.check_permission(Session(app), call))
    assert votes == [("a", Vote(decision="deny", reason="no"))]


def test_outbound_filters_form_a_chain(project: Path) -> None:
    def upper(session: object, text: str, channel: str) -> str:
        return text.upper()

    def exclaim(session: object, text: str, channel: str) -> str:
        return text + "!"

    # pluggy calls the last registered first: exclaim runs, then upper sees its output
    app = make_app(project, [], up=plugin("up", corral_filter_outbound=upper),
                   ex=plugin("ex", corral_filter_outbound=exclaim))
    assert asyncio.run(app.host.filter_outbound(None, "hi", "commit")) == "HI!"


def test_settings_struct_validates_plugin_table(project: Path) -> None:
    class S(msgspec.Struct, forbid_unknown_fields=True):
        level: int = 0

    def corral_add_settings(register: object) -> None:
        register("demo", S)  # type: ignore[operator]

    (project / ".claude/corral.toml").write_text("[plugins.demo]\nlevel = 3\n")
    app = make_app(project, [], demo=plugin("demo", corral_add_settings=corral_add_settings))
    assert app.config.plugin_settings("demo") == S(level=3)


def test_trace_prints_each_hook_call(project: Path) -> None:
    def corral_idle(session: Session) -> None:
        return None

    lines: list[str] = []
    app = App.create(cwd=project, environ={"CORRAL_LOAD_PLUGINS": "", "CORRAL_TRACE_PLUGINS": "1"},
                     warn=lines.append, extra_plugins={"t": plugin("t", corral_idle=corral_idle)})
    asyncio.run(app.host.idle(Session(app)))
    assert any(line.startswith("corral: trace: corral_idle -> t") for line in lines)


def test_load_plugins_env_limits_loading(project: Path) -> None:
    pytest.importorskip("corral_buddy")
    app = App.create(cwd=project, environ={"CORRAL_LOAD_PLUGINS": "buddy"})
    records = app.host.records
    assert records["buddy"].enabled and records["buddy"].decided_by == "CORRAL_LOAD_PLUGINS"
    others = [r for r in records.values() if not r.builtin and r.name != "buddy"]
    assert others and all(not r.enabled for r in others)


def test_registration_is_not_module_global(project: Path) -> None:
    # Registering into one app leaves a later app untouched.
    def corral_idle(session: Session) -> str:
        return "x"

    make_app(project, [], once=plugin("once", corral_idle=corral_idle))
    later = make_app(project, [])
    assert asyncio.run(later.host.idle(Session(later))) is None
    assert "once" not in later.host.records


def test_a_registry_hook_that_raises_keeps_nothing_it_registered(project: Path) -> None:
    from corral.commands import SlashCommand

    def half(register: Callable[[SlashCommand], None]) -> None:
        register(SlashCommand(name="half", description="", run=lambda s, a: None))
        raise ValueError("broke after one")

    def whole(register: Callable[[SlashCommand], None]) -> None:
        register(SlashCommand(name="whole", description="", run=lambda s, a: None))

    warnings: list[str] = []
    app = make_app(project, warnings, half=plugin("half", corral_register_commands=half),
                   whole=plugin("whole", corral_register_commands=whole))
    found = [(owner, command.name) for owner, command in app.host.register_commands()]
    assert ("whole", "whole") in found and all(owner != "half" for owner, _ in found)
    assert len(warnings) == 1 and "broke after one" in warnings[0]


def test_outbound_filters_form_a_chain_and_a_broken_one_is_skipped(project: Path) -> None:
    def upper(text: str) -> str:
        return text.upper()

    def broken(text: str) -> str:
        raise RuntimeError("filter broke")

    def exclaim(text: str) -> str:
        return text + "!"

    warnings: list[str] = []
    app = make_app(project, warnings, a=plugin("a", corral_filter_outbound=upper),
                   b=plugin("b", corral_filter_outbound=broken),
                   c=plugin("c", corral_filter_outbound=exclaim))
    out = asyncio.run(app.host.filter_outbound(None, "hi", "commit"))
    assert out == "HI!"  # both working filters applied, one after the other
    assert len(warnings) == 1 and "filter broke" in warnings[0]
