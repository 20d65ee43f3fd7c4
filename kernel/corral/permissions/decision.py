"""The values the permission chain deals in: plugin votes and final decisions."""

from __future__ import annotations

from typing import Literal

import msgspec

Verdict = Literal["allow", "ask", "deny"]

#: Which tier of the chain decided. ``critical`` and ``protected`` are the built-in checks
#: that no rule or mode can loosen; ``sandbox`` lifted a prompt because the command runs in
#: the OS sandbox.
Tier = Literal["managed", "critical", "protected", "hook", "rule", "sandbox", "mode", "prompt"]


class Vote(msgspec.Struct, frozen=True, kw_only=True):
    """A plugin's answer from ``corral_check_permission``. ``None`` instead of a vote abstains."""

    decision: Verdict
    reason: str = ""


class Decision(msgspec.Struct, frozen=True, kw_only=True):
    """The chain's decision on one tool call, with who made it and why."""

    decision: Verdict
    tier: Tier
    reason: str
    #: The rule text that matched, if a rule decided.
    rule: str | None = None
    #: Where that rule or vote came from: a config file path, or ``plugin:<name>``.
    source: str | None = None
    #: One line per part of the call that was judged (each simple command of a shell
    #: command, each file it writes), for ``corral permissions explain``.
    details: tuple[str, ...] = ()
