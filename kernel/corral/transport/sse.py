"""Server-sent events: split a byte stream into the ``data`` payloads of its events."""

from __future__ import annotations

from collections.abc import AsyncIterator


async def sse_data(chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """Yield the ``data`` of each event (several ``data:`` lines joined by newlines).

    Lines end in ``\\n``, ``\\r\\n`` or ``\\r``; comments (``:``) and the ``event``, ``id`` and
    ``retry`` fields are skipped, since every Messages-API payload names its own type.
    """
    buffer = b""
    data: list[bytes] = []
    async for chunk in chunks:
        buffer += chunk
        if b"\r" in buffer:
            buffer = buffer.replace(b"\r\n", b"\n")
            if buffer.endswith(b"\r"):  # maybe half of a \r\n: wait for the next chunk
                buffer, pending = buffer[:-1], b"\r"
            else:
                pending = b""
            buffer = buffer.replace(b"\r", b"\n")
        else:
            pending = b""
        *lines, rest = buffer.split(b"\n")
        buffer = rest + pending
        for line in lines:
            if not line:
                if data:
                    yield b"\n".join(data)
                    data = []
            elif line.startswith(b"data:"):
                value = line[5:]
                data.append(value[1:] if value.startswith(b" ") else value)
    # An event not closed by a blank line when the stream ends is incomplete: dropped.
