"""Entry point of corral-undercover: the hooks the kernel calls.

This module is imported only when the ``undercover`` feature is enabled; keep its imports light
(the scanner and its automaton load on first use).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec
from corral.api import hookimpl

from corral_undercover.settings import Settings

if TYPE_CHECKING:
    from corral.api import CliCommand, PromptSection, ToolCall, Vote

    from corral_undercover.state import Undercover

NAME = "undercover"

#: The configuration seen by ``corral_configure``, for hook calls made outside a session
#: (``corral_filter_outbound`` from a git hook gets ``session=None``).
_configured: dict[str, Any] = {}


@hookimpl
def corral_add_settings(register: Callable[[str, type[msgspec.Struct]], None]) -> None:
    register(NAME, Settings)


@hookimpl
def corral_configure(config: Any) -> None:
    _configured["config"] = config
    _configured.pop("undercover", None)


@hookimpl
def corral_register_cli(register: Callable[[CliCommand], None]) -> None:
    from corral.api import CliCommand

    # corral_undercover.cli (and its scanner) is imported only when `corral undercover` runs
    register(CliCommand.lazy(name="undercover", module="corral_undercover.cli",
                             help="keep confidential terms out of public artifacts: scan "
                             "text, install git hooks"))


def _context(session: Any) -> tuple[Settings, Undercover]:
    from corral_undercover.state import Undercover, for_session, settings_of

    if session is not None:
        return settings_of(session.config), for_session(session)
    und = _configured.get("undercover")
    if not isinstance(und, Undercover):
        und = Undercover(Path.cwd())
        _configured["undercover"] = und
    return settings_of(_configured.get("config")), und


@hookimpl
def corral_system_prompt(session: Any) -> PromptSection | None:
    from corral.api import PromptSection

    from corral_undercover._prompt import section_text

    settings, und = _context(session)
    if not und.activity(settings).active:
        return None
    return PromptSection(name=NAME, text=section_text(settings), scope="session")


@hookimpl
def corral_session_start(session: Any) -> None:
    """With ``strip_attribution``: drop corral's own commit/PR trailer for this session.

    Only the kernel's ``session.attribution`` changes; trailers people write are never
    touched, and nothing asks the model to pass itself off as a person.
    """
    settings, und = _context(session)
    if settings.strip_attribution and und.activity(settings).active:
        session.attribution = ""


#: Channels that do not publish anything: text sent to the model provider is the user's
#: own conversation, not a public artifact.
_PRIVATE_CHANNELS = frozenset({"model"})


@hookimpl
def corral_filter_outbound(session: Any, text: str, channel: str, target: str | None) -> str | None:
    """Block (raise) or redact outbound text, as ``action`` says.

    On the ``file`` channel the kernel passes the path being written (``target``): a file
    outside the repository or ignored by git passes, by the same rule as
    ``corral_check_permission``. File text without a path is checked like any other text.
    """
    from corral.api import CorralError

    from corral_undercover.errors import UndercoverBlocked
    from corral_undercover.guard import inside, leaves_alone

    if channel in _PRIVATE_CHANNELS:
        return None
    settings, und = _context(session)
    place = _place(settings, und)
    to_file = channel == "file" and target is not None
    try:
        scanner = und.scanner(settings)
    except CorralError:
        # Fail closed, except where the vote lets the write through as well.
        if to_file and not inside(place, str(target)):
            return None
        raise
    if scanner is None:
        return None
    findings = scanner.scan(text)
    if not findings or (to_file and leaves_alone(place, str(target))):
        return None
    if settings.action == "redact":
        return scanner.redact(text)[0]
    raise UndercoverBlocked(channel, findings)


def _place(settings: Settings, und: Undercover) -> Any:
    from corral_undercover.guard import Place

    return Place(cwd=und.cwd, root=und.root, action=settings.action)


@hookimpl
def corral_check_permission(session: Any, call: ToolCall) -> Vote | None:
    """Deny a call that would write a finding into the repository, a commit, a PR or a push."""
    from corral.api import CorralError, Vote

    from corral_undercover.guard import check, publishes

    settings, und = _context(session)
    place = _place(settings, und)
    try:
        scanner = und.scanner(settings)
    except CorralError as exc:
        # Fail closed: a broken setting must not quietly switch the check off.
        if not publishes(place, call.name, call.input):
            return None
        return Vote(
            decision="deny",
            reason=f"undercover cannot check this call because of a setting: {exc}. "
            "Ask the user to fix it.",
        )
    if scanner is None:
        return None
    verdict = check(scanner, place, call.name, call.input)
    if verdict is None:
        return None
    return Vote(decision="deny", reason=verdict.reason)


@hookimpl
def corral_rewrite_tool_input(session: Any, call: ToolCall) -> dict[str, Any] | None:
    """With ``action = "redact"``: replace findings in Write/Edit input before the call runs."""
    from corral.api import CorralError

    from corral_undercover.guard import rewrite

    settings, und = _context(session)
    if settings.action != "redact":
        return None
    try:
        scanner = und.scanner(settings)
    except CorralError:
        return None  # corral_check_permission refuses the call and says why
    if scanner is None:
        return None
    return rewrite(scanner, _place(settings, und), call.name, call.input)
