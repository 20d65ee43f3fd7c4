"""Moving a long foreground command into the background."""

from __future__ import annotations

from typing import Any


def test_long_foreground_command_moves_to_background(session: Any) -> None:
    """With ``bash_auto_background_s`` set (kairos does), a slow command does not block."""
    import asyncio

    from corral.tools.builtin.bash import Bash, BashInput
    from corral.tools.builtin.bash_jobs import AUTO_BACKGROUND_S, finished_jobs

    session.stash[AUTO_BACKGROUND_S] = 0.2

    async def scenario() -> tuple[str, list]:
        result = await Bash().run(session, BashInput(command="echo early; sleep 0.6; echo late"))
        assert result.meta.get("backgrounded") is True
        for _ in range(60):
            notices = finished_jobs(session)
            if notices:
                return result.content, notices
            await asyncio.sleep(0.05)
        return result.content, []

    content, notices = asyncio.run(scenario())
    assert "moved to the background as job bash_1" in content
    [notice] = notices
    assert notice.status == "exited" and notice.exit_code == 0
    assert "early" in notice.text and "late" in notice.text
