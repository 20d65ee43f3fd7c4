"""System-prompt sections: the unit plugins contribute to the system prompt."""

from __future__ import annotations

from typing import Literal

import msgspec

#: How long a section stays the same. The kernel places prompt-cache breakpoints after the
#: stable prefix: every ``static`` section, then every ``session`` section; ``turn`` sections
#: come last because they change on every request.
Scope = Literal["static", "session", "turn"]


class PromptSection(msgspec.Struct, frozen=True, kw_only=True):
    """One titled piece of the system prompt."""

    name: str
    text: str
    scope: Scope = "static"
