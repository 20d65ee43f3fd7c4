"""The sandbox of one session: whether it is on, its policy, and wrapping shell commands.

State lives in ``session.stash`` under :data:`RUNTIME` (a :class:`SandboxRuntime`, built on
the first sandboxed command); :func:`close_sandbox` at session end stops the proxy and removes
the session's temp dir.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import weakref
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from corral.permissions.context import PermissionContext, SandboxGate
from corral.sandbox import bwrap, seatbelt
from corral.sandbox.credentials import scrub
from corral.sandbox.detect import Availability
from corral.sandbox.policy import SandboxPolicy, build_policy
from corral.sandbox.proxy import ProxyServer
from corral.sandbox.seccomp import unix_socket_filter
from corral.sandbox.status import SandboxStatus as SandboxStatus
from corral.sandbox.status import status
from corral.sandbox.status import unavailable_notice as unavailable_notice
from corral.stash import StashKey

if TYPE_CHECKING:
    from corral.config.schema import Config
    from corral.session import Session



def gate(config: Config) -> SandboxGate | None:
    """What the permission chain needs, or ``None`` when the sandbox is off."""
    if not status(config).on:
        return None
    s = config.sandbox
    return SandboxGate(auto_allow=s.auto_allow_bash_if_sandboxed,
                       allow_unsandboxed=s.allow_unsandboxed_commands,
                       excluded=tuple(s.excluded_commands))


#: The session's permission context with its sandbox gate, and the context it was made from.
_SANDBOXED: StashKey[tuple[PermissionContext, PermissionContext]] = StashKey("sandboxed_ctx")


def sandboxed_context(session: Session) -> PermissionContext:
    """The session's permission context, knowing whether its shell commands are sandboxed:
    the one the chain decides Bash calls with."""
    from corral.permissions.session import permission_context

    base = permission_context(session)
    cached = session.stash.get(_SANDBOXED)
    if cached is not None and cached[0] is base:
        return cached[1]
    ctx = base.with_sandbox(gate(session.config))
    session.stash[_SANDBOXED] = (base, ctx)
    return ctx


class SandboxRuntime:
    """A session's policy, temp dir and (when domains are allowed) network proxy."""

    def __init__(self, policy: SandboxPolicy, availability: Availability) -> None:
        self.policy = policy
        self.availability = availability
        self.proxy: ProxyServer | None = None
        self._filter: bytes | None = None
        self._filter_built = False
        #: Awaited (by name, once each) when the runtime closes, before its proxy stops:
        #: what the tools keep beside it, such as a sandbox started ahead.
        self.at_close: dict[str, Callable[[], Awaitable[None]]] = {}
        self._finalizer = weakref.finalize(self, shutil.rmtree, policy.temp_dir, True)

    async def wrap(self, argv: Sequence[str], cwd: str, env: Mapping[str, str]) -> Launch:
        """``argv`` confined to the policy, with the environment to start it with."""
        env = dict(env)
        env["TMPDIR"] = self.policy.temp_dir
        inner = list(argv)
        blocker = self._socket_filter()
        fds: tuple[int, ...] = ()
        if self.policy.network:
            if self.proxy is None:
                self.proxy = ProxyServer(self.policy)
                await self.proxy.start()
            # the relay itself must reach the proxy's socket: it filters only the command
            inner = self.proxy.relay(inner, blocker)
            for name in ("NO_PROXY", "no_proxy"):
                env.pop(name, None)
            env.update(self.proxy.env())
        if self.availability.backend == "seatbelt":
            sockets = list(self.proxy.sockets.values()) if self.proxy else []
            ports = list(self.proxy.sockets) if self.proxy else []
            return Launch(seatbelt.build_argv(self.policy, inner, self.availability.path
                                              or "sandbox-exec", proxy_sockets=sockets,
                                              relay_ports=ports), env, True)
        if blocker is not None and not self.policy.network:
            fds = (_filter_fd(blocker),)
        argv = bwrap.build_argv(self.policy, cwd, inner, self.availability.path or "bwrap",
                                seccomp_fd=fds[0] if fds else None)
        return Launch(argv, env, True, fds, contained=bwrap.holds_tree(self.policy))

    def _socket_filter(self) -> bytes | None:
        """The compiled seccomp program for this session's commands, built on first use."""
        if not self._filter_built:
            wanted = self.availability.backend == "bwrap" and self.policy.block_unix_sockets
            self._filter = unix_socket_filter() if wanted else None
            self._filter_built = True
        return self._filter

    async def close(self) -> None:
        closers, self.at_close = list(self.at_close.values()), {}
        for closer in closers:
            await closer()
        if self.proxy is not None:
            await self.proxy.close()
            self.proxy = None
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


#: Variables added for the rest of a run (``CLAUDE_ENV_FILE`` of SessionStart hooks), by app,
#: so that sub-agents' commands get them too.
_ADDED_ENV: weakref.WeakKeyDictionary[Any, dict[str, str]] = weakref.WeakKeyDictionary()


def add_shell_env(session: Session, env: Mapping[str, str]) -> None:
    """Set ``env`` for every later shell command of this run (the session's and its
    sub-agents')."""
    _ADDED_ENV.setdefault(session.app, {}).update(env)


def shell_env(session: Session) -> dict[str, str]:
    """The environment shell commands start with: corral's own without model credentials,
    the configuration's ``env`` table on top, then what hooks added
    (:func:`add_shell_env`), and pagers that never wait for a key."""
    env = scrub(os.environ, session.config.env)
    env.update(_ADDED_ENV.get(session.app, {}))
    env.update({"PAGER": "cat", "GIT_PAGER": "cat"})
    return env


class Launch:
    """How to start one shell command: argv, environment, whether it is sandboxed, file
    descriptors the sandbox reads at start (closed by :meth:`close` once it has started),
    and whether the sandbox itself holds every process the command starts (``contained``:
    a pid namespace of its own that dies with it, so ending the sandbox's first process
    ends them all and no per-command cgroup is needed for that)."""

    def __init__(self, argv: list[str], env: dict[str, str], sandboxed: bool,
                 pass_fds: tuple[int, ...] = (), *, contained: bool = False) -> None:
        self.argv = argv
        self.env = env
        self.sandboxed = sandboxed
        self.pass_fds = pass_fds
        self.contained = contained

    def close(self) -> None:
        for fd in self.pass_fds:
            with contextlib.suppress(OSError):
                os.close(fd)
        self.pass_fds = ()


async def shell_launch(session: Session, command: str,
                       tool_input: Mapping[str, Any]) -> Launch:
    """How to run ``command`` for this Bash call (sandboxed exactly when the permission
    chain judged it sandboxed)."""
    from corral.permissions.sandboxed import runs_sandboxed

    argv = [shutil.which("bash") or "/bin/bash", "-c", command]
    env = shell_env(session)
    if not runs_sandboxed(command, tool_input, sandboxed_context(session)):
        return Launch(argv, env, False)
    return await runtime_for(session).wrap(argv, str(session.cwd), env)


def _filter_fd(program: bytes) -> int:
    """A pipe's read end holding ``program`` (bubblewrap reads it to the end at start)."""
    read, write = os.pipe()
    try:
        os.write(write, program)
    finally:
        os.close(write)
    return read


async def close_sandbox(session: Session) -> None:
    runtime = session.stash.pop(RUNTIME)
    if runtime is not None:
        await runtime.close()


def describe(session: Session) -> list[str]:
    """Whether the sandbox is on and the policy in force, as lines (``corral doctor``,
    ``/sandbox``). Builds no temp dir: before the first command it shows where one goes."""
    from corral import paths
    from corral.permissions.session import permission_context

    st = status(session.config)
    lines = [f"sandbox: {'on' if st.on else 'off'} ({st.reason})"]
    if not st.on:
        if not st.by_config:
            lines.append("  shell commands run without one, with the permission prompts alone")
        return lines
    existing = session.stash.get(RUNTIME)
    if existing is not None:
        policy = existing.policy
    else:
        policy = build_policy(session.config.sandbox, permission_context(session),
                              os.path.join(tempfile.gettempdir(), "corral-sandbox-<session>"),
                              claude_dir=str(paths.claude_user_dir()),
                              corral_dirs=(str(paths.user_config_dir()),
                                           str(paths.user_data_dir())))
    s = session.config.sandbox
    lines += [f"  {line}" for line in policy.describe()]
    lines.append("  sandboxed commands: "
                 + ("run without a prompt unless a rule, a protected path or a read outside "
                    "the working directories asks" if s.auto_allow_bash_if_sandboxed
                    else "asked about as without a sandbox"))
    lines.append("  dangerouslyDisableSandbox: " + (
        "honoured (the command is judged as unsandboxed)" if s.allow_unsandboxed_commands
        else "ignored (commands always run sandboxed)"))
    if s.excluded_commands:
        lines.append("  always unsandboxed: " + ", ".join(s.excluded_commands))
    return lines


def explain_sandbox(session: Session, command: str, tool_input: Mapping[str, Any]) -> str:
    """One line for ``corral permissions explain``: would this Bash call run sandboxed?"""
    from corral.permissions.context import DISABLE_KEY
    from corral.permissions.sandboxed import excluded

    ctx = sandboxed_context(session)
    st = status(session.config)
    if ctx.sandbox is None:
        return f"no: {st.reason}"
    if tool_input.get(DISABLE_KEY) is True and ctx.sandbox.allow_unsandboxed:
        return "no: dangerouslyDisableSandbox (judged as an unsandboxed command)"
    if excluded(command, ctx.sandbox, ctx):
        return "no: one of sandbox.excluded_commands (judged as an unsandboxed command)"
    return f"yes ({st.availability.backend})"
