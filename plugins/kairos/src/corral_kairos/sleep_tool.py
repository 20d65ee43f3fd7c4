"""The Sleep tool: the model says it has nothing useful to do for a while."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import msgspec
from corral.api import Tool, ToolResult

if TYPE_CHECKING:
    from corral.api import Session

MAX_SLEEP_S = 86_400


class SleepInput(msgspec.Struct, kw_only=True):
    seconds: Annotated[
        int, msgspec.Meta(ge=1, le=MAX_SLEEP_S, description="How long to sleep, in seconds.")
    ]
    reason: Annotated[
        str, msgspec.Meta(max_length=300, description="Why, in a few words (shown to the user).")
    ] = ""


class Sleep(Tool):
    name = "Sleep"
    description = (
        "Pause the periodic <tick> messages for a number of seconds because there is nothing "
        "useful to do right now. Returns at once; end your turn after calling it. You are woken "
        "early when the user types, a watched file changes or a bridge command arrives."
    )
    input_type = SleepInput
    concurrency_safe = True
    read_only = True

    async def run(self, session: Session, params: SleepInput) -> ToolResult:
        from corral_kairos.runtime import runtime_of

        runtime = runtime_of(session)
        assert runtime is not None
        until = runtime.ticker.sleep(params.seconds, params.reason or "no reason given")
        when = datetime.fromtimestamp(until).strftime("%H:%M:%S")
        return ToolResult(
            content=f"Sleeping until {when} ({params.seconds} s). No ticks until then unless "
            "something wakes you.",
            meta={"sleep_until": until, "reason": params.reason},
        )
