"""Route the scripted server's replies by a marker in the system prompt: one script per agent."""

from __future__ import annotations

import threading
from collections.abc import Callable

from corral.testing import RecordedRequest, Reply, error

#: Requests whose system prompt contains no marker belong to the main agent.
MAIN = "main"

Step = Reply | Callable[[RecordedRequest], Reply]


def system_text(request: RecordedRequest) -> str:
    system = request.system
    if isinstance(system, str):
        return system
    return "\n".join(b.get("text", "") for b in system or [])


def tool_names(request: RecordedRequest) -> set[str]:
    return {t["name"] for t in request.tools}


class Router:
    """``scripts[marker]`` is the list of replies for the agent whose prompt holds ``marker``;
    the n-th request of that agent (counted by its assistant messages) gets the n-th reply."""

    def __init__(self, scripts: dict[str, list[Step]]) -> None:
        self.scripts = scripts
        self.lock = threading.Lock()
        self.seen: dict[str, list[RecordedRequest]] = {k: [] for k in scripts}

    def owner(self, request: RecordedRequest) -> str:
        system = system_text(request)
        found = [m for m in self.scripts if m != MAIN and m in system]
        return found[0] if found else MAIN

    def __call__(self, request: RecordedRequest) -> Reply:
        owner = self.owner(request)
        turn = sum(1 for m in request.messages if m.get("role") == "assistant")
        with self.lock:
            self.seen[owner].append(request)
        script = self.scripts[owner]
        if turn >= len(script):
            return error(400, f"script of {owner} has no reply {turn}")
        step = script[turn]
        return step(request) if callable(step) else step
