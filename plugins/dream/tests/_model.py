"""Scripted model answers for the dream's two prompts, chosen by the request's content."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from corral.testing import RecordedRequest, text
from corral.testing.replies import Reply


def user_text(request: RecordedRequest) -> str:
    content = request.messages[0]["content"]
    return content if isinstance(content, str) else " ".join(b.get("text", "") for b in content)


def system_text(request: RecordedRequest) -> str:
    system = request.system
    return system if isinstance(system, str) else " ".join(b.get("text", "") for b in system)


def pair_ids(request: RecordedRequest) -> list[list[str]]:
    out = []
    for block in re.findall(r"<pair n=\"\d+\">(.*?)</pair>", user_text(request), re.S):
        out.append(re.findall(r'<entry id="([^"]+)"', block))
    return out


def responder(on_pairs: Callable[[list[list[str]], str], list[dict[str, object]]],
              on_moments: Callable[[str], list[dict[str, object]]]) -> Callable[[RecordedRequest], Reply]:
    def answer(request: RecordedRequest) -> Reply:
        body = user_text(request)
        if "<pair" in body:
            return text(json.dumps({"pairs": on_pairs(pair_ids(request), body)}))
        return text("Here you go:\n" + json.dumps({"entries": on_moments(body)}))

    return answer
