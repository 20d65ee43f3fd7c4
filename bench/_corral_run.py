"""One `corral -p` process against a scripted server, timed from the outside.

Shared by bench/startup.py and bench/turn_loop.py. The transport is chosen the way a user
would choose it: `[api] provider` in the project's `.claude/corral.toml` ("anthropic" is the
kernel's own transport, "anthropic-sdk" the anthropic SDK as a provider).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from corral.testing import MessagesServer

TRANSPORTS = {"kernel": "anthropic", "sdk": "anthropic-sdk"}


def ensure_bytecode() -> str:
    """Compile corral's and its plugins' modules to bytecode, as installing a wheel does.

    Editable installs have no bytecode until a run writes it, and with
    PYTHONDONTWRITEBYTECODE set (as on some CI and sandbox machines) no run ever does: every
    start would then compile each module from source, which is not what a user's installed
    corral pays. Returns the line the benches print about it.
    """
    import compileall
    import importlib.util
    from importlib.metadata import entry_points

    import corral

    roots = {Path(corral.__file__).parent}
    for ep in entry_points(group="corral"):
        spec = importlib.util.find_spec(ep.module.partition(".")[0])
        if spec is not None and spec.submodule_search_locations:
            roots.update(Path(p) for p in spec.submodule_search_locations)
    for root in sorted(roots):
        compileall.compile_dir(str(root), quiet=1)
    note = " (PYTHONDONTWRITEBYTECODE is set here)" if os.environ.get("PYTHONDONTWRITEBYTECODE") else ""
    return (f"bytecode: compiled for {len(roots)} packages before measuring, as pip does when "
            f"installing{note}")


def use_transport(project: Path, transport: str) -> None:
    """Write ``[api] provider`` for ``transport`` into ``project``'s ``.claude/corral.toml``."""
    claude = project / ".claude"
    claude.mkdir(exist_ok=True)
    (claude / "corral.toml").write_text(f'[api]\nprovider = "{TRANSPORTS[transport]}"\n')


def run_corral(server: MessagesServer, cwd: Path, home: Path, *, plugins: str = "",
               extra: tuple[str, ...] = ()) -> dict[str, float]:
    """Run `corral -p go --output-format json` and time it.

    Returns wall time, launch -> first model request, launch -> the result line on stdout,
    the result line -> process exit, and the process's CPU time and peak RSS.
    """
    env = dict(os.environ, ANTHROPIC_BASE_URL=server.base_url, ANTHROPIC_API_KEY="bench",
               CORRAL_HOME=str(home), CORRAL_LOAD_PLUGINS=plugins)
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "corral", "-p", "go", "--output-format", "json", *extra],
            cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors,
        )
        assert proc.stdout is not None
        line = proc.stdout.readline()
        printed = time.perf_counter()
        rest = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage
        exited = time.perf_counter()
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0 or b'"subtype":"success"' not in line:
            errors.seek(0)
            raise SystemExit(f"corral failed: {proc.returncode}\n{(line + rest).decode()}\n"
                             f"{errors.read().decode()}")
    requests = server.message_requests
    return {
        "wall_s": exited - start,
        "first_request_s": requests[0].received_at - start,
        "result_s": printed - start,
        "exit_after_result_s": exited - printed,
        "requests": len(requests),
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "rss_mb": usage.ru_maxrss / 1024,
    }
