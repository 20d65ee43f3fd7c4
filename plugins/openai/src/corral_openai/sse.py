"""Server-sent events from a streamed HTTP response."""

from __future__ import annotations

from collections.abc import AsyncIterator


class SSEvent:
    __slots__ = ("data", "event")

    def __init__(self, event: str | None, data: str) -> None:
        self.event = event
        self.data = data


async def sse_events(lines: AsyncIterator[str]) -> AsyncIterator[SSEvent]:
    """Group ``lines`` (without line ends) into events: ``event:`` names, ``data:`` lines
    joined by newlines, a blank line ends an event; comments (``:``) are skipped."""
    event: str | None = None
    data: list[str] = []
    async for line in lines:
        if not line:
            if data:
                yield SSEvent(event, "\n".join(data))
            event, data = None, []
            continue
        if line.startswith(":"):
            continue
        field, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        if field == "data":
            data.append(value)
        elif field == "event":
            event = value
    # an event cut off before its blank line is dropped, as the format requires


def is_done(event: SSEvent) -> bool:
    return event.data.strip() == "[DONE]"

