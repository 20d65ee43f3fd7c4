"""``corral doctor``: is this installation healthy? Never prints a secret."""

from __future__ import annotations

import argparse
import os
import platform
import sys
from importlib.metadata import PackageNotFoundError, version

from corral._version import __version__
from corral.app import App


def _package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def run_doctor(app: App) -> int:
    from rich.markup import escape

    from corral.ui.console import get_console

    console = get_console()
    problems = 0
    console.print(f"[bold]corral[/] {__version__} on Python {platform.python_version()}")
    console.print(f"  executable: {sys.executable}")
    console.print(f"  anthropic SDK: {_package_version('anthropic')}")
    console.print("[bold]config files[/]")
    for layer in app.loaded.layers:
        if layer.name in ("defaults", "env", "cli"):
            continue
        console.print(f"  {layer.name}: {layer.source}")
        for problem in layer.warnings:
            console.print(f"    [yellow]warning[/]: {escape(problem)}")
        for note in layer.unused:
            console.print(f"    [dim]not used[/]: {escape(note)}")
    if len([lyr for lyr in app.loaded.layers if lyr.name not in ("defaults", "env")]) == 0:
        console.print("  (none found; defaults apply)")
    console.print("[bold]model endpoint[/]")
    provider = app.config.api.provider
    if provider == "anthropic":
        _anthropic_endpoint(app)
    else:
        problems += _provider_endpoint(app, provider)
    console.print("[bold]plugins[/]")
    known = set(app.host.records)
    for record in sorted(app.host.records.values(), key=lambda r: r.name):
        if record.builtin:
            continue
        state = "enabled" if record.enabled else "disabled"
        line = f"  {record.name} {record.version or ''} ({record.distribution}): {state}"
        console.print(f"{line}, decided by {record.decided_by}")
        if record.error:
            problems += 1
            console.print(f"    [red]error[/]: {record.error}")
    for name, wanted in app.config.features.items():
        if name in known:
            continue
        if wanted:  # asked for and missing: what the user wanted does not run
            problems += 1
            console.print(f"  [red]error[/]: feature {name!r} is enabled but no installed "
                          "plugin has that name (`corral plugins` lists them)")
        else:
            console.print(f"  [yellow]warning[/]: feature flag {name!r} names no installed plugin")
    problems += _hooks_section(app)
    checks = app.host.doctor(app)
    for plugin in dict.fromkeys(name for name, _ in checks):
        console.print(f"[bold]{plugin}[/]")
        for _, check in (c for c in checks if c[0] == plugin):
            mark = "[green]ok[/]" if check.ok else "[red]problem[/]"
            console.print(f"  {mark}: {check.text}", highlight=False)
            problems += 0 if check.ok else 1
    _sandbox_section(app)
    if problems:
        console.print(f"[red]{problems} problem(s) found[/]")
        return 1
    console.print("[green]no problems found[/]")
    return 0


def _hooks_section(app: App) -> int:
    """List the command hooks' problems: entries that cannot run count as problems (the
    tool calls they could guard ask), ignored fields and events are only listed."""
    from rich.markup import escape

    from corral.cmdhooks import read_hooks
    from corral.ui.console import get_console

    console = get_console()
    table = read_hooks(app.loaded.layers, app.host.command_hooks(app))
    count = sum(len(table.for_event(event)) for event in table.hooks)
    console.print(f"[bold]command hooks[/]: {count} configured")
    for note in table.unused:
        console.print(f"  [yellow]not used[/]: {escape(note)}")
    for broken in table.broken:
        console.print(f"  [red]error[/]: {escape(broken.describe())}")
    return len(table.broken)


def _anthropic_endpoint(app: App) -> None:
    from rich.markup import escape

    from corral.ui.console import get_console

    console = get_console()
    console.print("  provider: anthropic")
    base_url = app.config.api.base_url or "https://api.anthropic.com (default)"
    console.print(f"  base URL: {base_url}")
    console.print(f"  model: {app.config.model} -> {app.config.resolve_model()}")
    creds = [k for k in ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN") if os.environ.get(k)]
    helper = app.config.api.key_helper
    if helper:
        origin = app.loaded.origin("api.key_helper")
        console.print(f"  credentials: apiKeyHelper `{escape(helper)}` from {escape(origin)} "
                      "(not run here)")
    elif creds:
        console.print(f"  credentials: {', '.join(creds)} set (value not shown)")
    else:
        console.print("  credentials: [yellow]none[/] (set ANTHROPIC_API_KEY or ANTHROPIC_AUTH_TOKEN)")


def _provider_endpoint(app: App, name: str) -> int:
    """Print a plugin provider's setup; 1 when no installed plugin provides ``name``."""
    from corral.ui.console import get_console

    console = get_console()
    providers = {p.name: p for _, p in app.host.register_providers()}
    console.print(f"  provider: {name}")
    console.print(f"  model: {app.config.model} -> {app.config.resolve_model()}")
    provider = providers.get(name)
    if provider is None:
        known = ", ".join(["anthropic", *sorted(providers)])
        console.print(f"  [red]error[/]: [api] provider names no installed provider (known: {known})")
        return 1
    if provider.describe is not None:
        for label, value in provider.describe(app.config):
            console.print(f"  {label}: {value}")
    return 0


def _sandbox_section(app: App) -> None:
    """The sandbox: on or off and why, and the policy in force (never a problem: it is
    optional, but its absence is said plainly)."""
    from rich.markup import escape

    from corral.sandbox.detect import INSTALL_HINT
    from corral.sandbox.runtime import describe, status
    from corral.session import Session
    from corral.ui.console import get_console

    console = get_console()
    lines = describe(Session(app, headless=True))
    st = status(app.config)
    colour = "green" if st.on else "yellow"
    state = "on" if st.on else "off"
    console.print(f"[bold]sandbox[/]: [{colour}]{state}[/] ({escape(st.reason)})")
    for line in lines[1:]:
        console.print(escape(line), highlight=False)
    if not st.on and not st.by_config and "not installed" in (st.availability.problem or ""):
        console.print(f"  to get one: {escape(INSTALL_HINT)}")


def run(args: argparse.Namespace, app: App) -> int:
    return run_doctor(app)
