"""HTTP hooks: the event's JSON POSTed to a URL; the answer read like a command's stdout.

A 2xx answer is a success: an empty body says nothing, a body is read as a command hook's
stdout (JSON with ``decision``, ``hookSpecificOutput`` …, or plain text). Any other status,
a connection that fails and a timeout are reported errors that block nothing (to block, the
endpoint answers 2xx with a blocking decision). Header values may name environment
variables as ``$NAME`` or ``${NAME}``; only the names listed in ``allowedEnvVars`` are filled
in, every other reference becomes empty, so a settings file cannot send arbitrary secrets.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping

from corral.cmdhooks._process import OUTPUT_CAP, ProcessResult

_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")


def fill_header(value: str, allowed: frozenset[str], env: Mapping[str, str]) -> str:
    """``value`` with ``$NAME`` / ``${NAME}`` replaced by allowed variables (others: empty)."""
    def one(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        return env.get(name, "") if name in allowed else ""

    return _VAR.sub(one, value)


async def post_event(url: str, body: bytes, *, headers: Mapping[str, str],
                     allowed_env: frozenset[str], env: Mapping[str, str],
                     timeout: float) -> ProcessResult:
    """POST ``body`` (the hook input) to ``url``; the answer as a :class:`ProcessResult`
    (exit 0 and the body for a 2xx answer)."""
    import httpx

    start = time.monotonic()
    sent = {"content-type": "application/json",
            **{name: fill_header(value, allowed_env, env) for name, value in headers.items()}}
    try:
        async with httpx.AsyncClient(timeout=timeout, follow_redirects=False,
                                     trust_env=False) as client:
            response = await client.post(url, content=body, headers=sent)
    except httpx.TimeoutException:
        return ProcessResult(exit_code=None, timed_out=True, duration_ms=_ms(start))
    except (httpx.HTTPError, ValueError) as exc:
        return ProcessResult(exit_code=None, error=f"POST {url} failed: {exc or type(exc).__name__}",
                             duration_ms=_ms(start))
    text = response.text
    cut = len(text) > OUTPUT_CAP
    if not 200 <= response.status_code < 300:
        first = text.strip().splitlines()[0][:200] if text.strip() else "no body"
        return ProcessResult(exit_code=None, error=f"POST {url} answered HTTP "
                             f"{response.status_code}: {first} (not blocking)",
                             duration_ms=_ms(start))
    return ProcessResult(exit_code=0, stdout=text[:OUTPUT_CAP], truncated=cut,
                         duration_ms=_ms(start))


def _ms(start: float) -> float:
    return round((time.monotonic() - start) * 1000, 1)
