"""Helpers for the coordinator-mode tests: the CLI flags and reading what the coordinator saw."""

from __future__ import annotations

import re
import threading
from typing import Any

from corral.testing import RecordedRequest

MODE = ("--set", "plugins.coordinator.mode=true")
NOTE = re.compile(r'<worker-notification id="(w\d+)" status="(\w+)">.*?</worker-notification>',
                  re.S)


def texts_of(request: RecordedRequest) -> str:
    """Every text the request's newest user message holds, tool results included."""
    content = request.messages[-1]["content"]
    if isinstance(content, str):
        return content
    out: list[str] = []
    for block in content:
        if block.get("type") == "text":
            out.append(block["text"])
        elif block.get("type") == "tool_result":
            inner = block["content"]
            out.append(inner if isinstance(inner, str)
                       else "".join(b.get("text", "") for b in inner))
    return "\n".join(out)


def notes_in(request: RecordedRequest) -> dict[str, tuple[str, str]]:
    """``{worker id: (status, whole block)}`` of the notifications in the newest message."""
    return {m.group(1): (m.group(2), m.group(0)) for m in NOTE.finditer(texts_of(request))}


def all_notes(requests: list[RecordedRequest]) -> dict[str, tuple[str, str]]:
    found: dict[str, tuple[str, str]] = {}
    for request in requests:
        found.update(notes_in(request))
    return found


def wait_for(flag: threading.Event, seconds: float = 10.0) -> bool:
    return flag.wait(seconds)


def spawn(agent: str, prompt: str, **extra: Any) -> dict[str, Any]:
    return {"description": f"{agent} task", "prompt": prompt, "subagent_type": agent, **extra}
