"""The bridge's message-size and rate limits close the connection, as docs/kairos.md says."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from corral_kairos.daemon import Daemon

from .conftest import bounded

CONFIG = (
    "[features]\nkairos = true\n"
    "[plugins.kairos]\ninterval_s = 600\npoll_s = 0.02\nwatch = false\n"
    "bridge_max_message_bytes = 1024\nbridge_rate_per_s = 2\n"
)


def test_oversized_messages_and_floods_close_the_connection(project: Path) -> None:
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed

    (project / ".claude" / "corral.toml").write_text(CONFIG)

    async def close_code(daemon: Daemon, frames: list[bytes]) -> tuple[int, int | None]:
        assert daemon.bridge is not None
        headers = {"Authorization": f"Bearer {daemon.bridge.token}"}
        answered = 0
        async with connect(f"ws://127.0.0.1:{daemon.bridge.port}", additional_headers=headers,
                           proxy=None, open_timeout=5) as ws:
            with pytest.raises(ConnectionClosed):
                for frame in frames:
                    await ws.send(frame)
                while True:
                    await asyncio.wait_for(ws.recv(), 5)
                    answered += 1
        return answered, ws.close_code

    async def scenario() -> list[tuple[int, int | None]]:
        daemon = Daemon(project)
        task = asyncio.create_task(daemon.run())
        await bounded(daemon.started.wait())
        try:
            big = b'{"op": "send", "text": "' + b"x" * 2000 + b'"}'
            flood = [b'{"op": "wake", "id": 1}'] * 12
            return [await close_code(daemon, [big]), await close_code(daemon, flood)]
        finally:
            daemon.request_stop()
            await bounded(task)

    (big_answers, big_code), (flood_answers, flood_code) = asyncio.run(scenario())
    assert (big_answers, big_code) == (0, 1009)
    assert flood_code == 1008 and 8 <= flood_answers < 12  # a burst of 4 x 2 a second, then closed
