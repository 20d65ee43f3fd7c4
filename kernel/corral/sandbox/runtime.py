"""The sandbox of one session: whether it is on, its policy, and wrapping shell commands.

State lives in ``session.stash`` under :data:`RUNTIME` (a :class:`SandboxRuntime`, built on
the first sandboxed command); :func:`close_sandbox` at session end stops the proxy and removes
the session's temp dir.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import weakref
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import msgspec

from corral.permissions.context import SandboxGate
from corral.sandbox import bwrap, seatbelt
from corral.sandbox.credentials import scrub
from corral.sandbox.detect import Availability, detect
from corral.sandbox.policy import SandboxPolicy, build_policy
from corral.stash import StashKey

if TYPE_CHECKING:
    from corral.config.schema import Config
    from corral.session import Session



class SandboxStatus(msgspec.Struct, frozen=True, kw_only=True):
    """Whether shell commands run sandboxed, and why (or why not)."""

    on: bool
    reason: str
    availability: Availability
    #: Off because the configuration (or ``--no-sandbox``) says so, not for want of a backend.
    by_config: bool = False


def status(config: Config) -> SandboxStatus:
    settings = config.sandbox
    found = detect(settings.enable_weaker_nested_sandbox)
    if settings.enabled is False:
        return SandboxStatus(on=False, reason="turned off by configuration or --no-sandbox",
                             availability=found, by_config=True)
    if found.backend is None:
        return SandboxStatus(on=False, reason=f"no sandbox available: {found.problem}",
                             availability=found)
    return SandboxStatus(on=True, reason=f"{found.backend} at {found.path}", availability=found)


def gate(config: Config) -> SandboxGate | None:
    """What the permission chain needs, or ``None`` when the sandbox is off."""
    if not status(config).on:
        return None
    s = config.sandbox
    return SandboxGate(auto_allow=s.auto_allow_bash_if_sandboxed,
                       allow_unsandboxed=s.allow_unsandboxed_commands,
                       excluded=tuple(s.excluded_commands))


_NOTIFIED: weakref.WeakSet[Any] = weakref.WeakSet()


def unavailable_notice(session: Session) -> str | None:
    """The one-line "commands run unsandboxed" notice, the first time it is asked for in a
    run (an app) whose sandbox is wanted but missing; ``None`` otherwise."""
    if session.app in _NOTIFIED:
        return None
    _NOTIFIED.add(session.app)
    st = status(session.config)
    if st.on or st.by_config:
        return None
    return f"corral: shell commands run without a sandbox ({st.reason})"


class SandboxRuntime:
    """A session's policy, temp dir and (when domains are allowed) network proxy."""

    def __init__(self, policy: SandboxPolicy, availability: Availability) -> None:
        self.policy = policy
        self.availability = availability
        self._finalizer = weakref.finalize(self, shutil.rmtree, policy.temp_dir, True)

    async def wrap(self, argv: Sequence[str], cwd: str,
                   env: Mapping[str, str]) -> tuple[list[str], dict[str, str]]:
        """``argv`` confined to the policy, and the environment to start it with."""
        env = dict(env)
        env["TMPDIR"] = self.policy.temp_dir
        inner = list(argv)
        if self.availability.backend == "seatbelt":
            return seatbelt.build_argv(self.policy, inner, self.availability.path or
                                       "sandbox-exec"), env
        return bwrap.build_argv(self.policy, cwd, inner, self.availability.path or "bwrap"), env

    async def close(self) -> None:
        self._finalizer()


#: The session's sandbox runtime, once a sandboxed command has run.
RUNTIME: StashKey[SandboxRuntime] = StashKey("sandbox")


def runtime_for(session: Session) -> SandboxRuntime:
    """The session's sandbox runtime, built on first use (the sandbox must be on)."""
    existing = session.stash.get(RUNTIME)
    if existing is not None:
        return existing
    from corral import paths
    from corral.permissions.session import permission_context

    st = status(session.config)
    temp = tempfile.mkdtemp(prefix="corral-sandbox-")
    policy = build_policy(session.config.sandbox, permission_context(session), temp,
                          claude_dir=str(paths.claude_user_dir()),
                          corral_dirs=(str(paths.user_config_dir()),
                                       str(paths.user_data_dir())))
    runtime = SandboxRuntime(policy, st.availability)
    session.stash[RUNTIME] = runtime
    return runtime


def shell_env(session: Session) -> dict[str, str]:
    """The environment shell commands start with: corral's own without model credentials,
    the configuration's ``env`` table on top, and pagers that never wait for a key."""
    env = scrub(os.environ, session.config.env)
    env.update({"PAGER": "cat", "GIT_PAGER": "cat"})
    return env


async def shell_argv(session: Session, command: str,
                     tool_input: Mapping[str, Any]) -> tuple[list[str], dict[str, str], bool]:
    """How to run ``command`` for this Bash call: argv, environment, and whether it is
    sandboxed (decided as the permission chain decided it)."""
    from corral.permissions.sandboxed import runs_sandboxed
    from corral.permissions.session import permission_context

    argv = [shutil.which("bash") or "/bin/bash", "-c", command]
    env = shell_env(session)
    if not runs_sandboxed(command, tool_input, permission_context(session)):
        return argv, env, False
    wrapped, env = await runtime_for(session).wrap(argv, str(session.cwd), env)
    return wrapped, env, True


async def close_sandbox(session: Session) -> None:
    runtime = session.stash.pop(RUNTIME)
    if runtime is not None:
        await runtime.close()
