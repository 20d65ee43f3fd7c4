"""``apiKeyHelper``: a command whose standard output is the credential for model requests.

The command runs through ``/bin/sh`` in the project directory; its output, stripped, is sent
both as ``x-api-key`` and as ``Authorization: Bearer``. It is run again when the cached value is
older than its time to live (``CLAUDE_CODE_API_KEY_HELPER_TTL_MS``, five minutes by default)
and when the endpoint answers 401. Concurrent requests share one run.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Mapping

from corral.errors import CorralError

#: How long a helper's value is used before the helper runs again, by default.
DEFAULT_TTL_S = 300.0
#: The environment variable that sets that time, in milliseconds.
TTL_ENV = "CLAUDE_CODE_API_KEY_HELPER_TTL_MS"
#: The longest a helper may run.
HELPER_TIMEOUT_S = 60.0


class KeyHelperError(CorralError):
    """The helper failed, timed out or printed nothing."""

    exit_code = 2


def ttl_from(env: Mapping[str, str]) -> float:
    """Seconds a helper's value lives, from :data:`TTL_ENV` in ``env`` (milliseconds)."""
    raw = (env.get(TTL_ENV) or "").strip()
    if not raw:
        return DEFAULT_TTL_S
    try:
        millis = float(raw)
    except ValueError:
        raise KeyHelperError(f"{TTL_ENV}={raw!r}: expected a number of milliseconds") from None
    if millis < 0:
        raise KeyHelperError(f"{TTL_ENV}={raw!r}: expected zero or more milliseconds")
    return millis / 1000.0


class KeyHelper:
    """Runs ``command`` for a credential and caches what it printed for ``ttl_s`` seconds."""

    def __init__(self, command: str, *, ttl_s: float = DEFAULT_TTL_S, cwd: str | None = None,
                 env: Mapping[str, str] | None = None,
                 timeout_s: float = HELPER_TIMEOUT_S) -> None:
        self.command = command
        self.ttl_s = ttl_s
        self.cwd = cwd
        self.env = dict(env) if env is not None else None
        self.timeout_s = timeout_s
        self.runs = 0
        self._value: str | None = None
        self._at = 0.0
        self._lock_of: tuple[asyncio.AbstractEventLoop, asyncio.Lock] | None = None

    def _lock(self) -> asyncio.Lock:
        """One lock per event loop (a client may outlive the loop it was made in)."""
        loop = asyncio.get_running_loop()
        if self._lock_of is None or self._lock_of[0] is not loop:
            self._lock_of = (loop, asyncio.Lock())
        return self._lock_of[1]

    def _fresh(self) -> bool:
        return self._value is not None and time.monotonic() - self._at < self.ttl_s

    async def key(self, *, refresh: bool = False) -> str:
        """The credential: the cached one while it lives, else the helper's new output.

        ``refresh`` (after a 401) runs the helper again unless another request already did
        since ``refresh`` was decided."""
        seen = self._at
        async with self._lock():
            if self._value is not None and (self._at != seen or (not refresh and self._fresh())):
                return self._value
            self._value = await self._run()
            self._at = time.monotonic()
            return self._value

    def forget(self) -> None:
        """Drop the cached value (the next request runs the helper)."""
        self._value = None

    async def _run(self) -> str:
        self.runs += 1
        what = f"apiKeyHelper `{self.command}`"
        try:
            proc = await asyncio.create_subprocess_shell(
                self.command, stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
                cwd=self.cwd, env=self.env, start_new_session=True)
        except OSError as exc:
            raise KeyHelperError(f"{what} could not start: {exc}") from exc
        try:
            async with asyncio.timeout(self.timeout_s):
                out, err = await proc.communicate()
        except TimeoutError:
            _kill(proc)
            await proc.wait()
            raise KeyHelperError(f"{what} did not finish within {self.timeout_s:g} s") from None
        except asyncio.CancelledError:
            _kill(proc)
            await proc.wait()
            raise
        if proc.returncode != 0:
            detail = err.decode("utf-8", "replace").strip().splitlines()
            why = f": {detail[0][:200]}" if detail else ""
            raise KeyHelperError(f"{what} failed with exit status {proc.returncode}{why}")
        value = out.decode("utf-8", "replace").strip()
        if not value:
            raise KeyHelperError(f"{what} printed nothing; it must print the API key")
        if "\n" in value:
            raise KeyHelperError(f"{what} printed more than one line; it must print only the "
                                 "API key")
        return value


def _kill(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
