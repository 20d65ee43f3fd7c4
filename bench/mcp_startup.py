"""What configured MCP servers cost a headless run before its first model request.

Launches ``corral -p`` as a fresh process against the scripted Messages-API server and times
launch -> first request received, with no MCP server configured (the baseline, measured in
the same run, interleaved) and with two local stdio servers written with the ``mcp`` SDK
(tests' demo server). Prints medians of several runs and the difference; then checks that a
run with no server configured never imports the ``mcp`` SDK.

Usage: python bench/mcp_startup.py [--runs N]
Two cases with servers: ``first_request_wait_s = 0`` (corral's own cost: the SDK imported in a
thread, the processes spawned) and the default wait (the first request also waits for the
servers' own start-up, up to 5 s). Target: two servers add at most 0.5 s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from corral.testing import MessagesServer, text

ROOT = Path(__file__).resolve().parent.parent
SERVER = ROOT / "plugins" / "mcp" / "tests" / "servers" / "demo_server.py"

#: corral.cli.main, not ``python -m corral``: the process entry exits right after the result.
PROBE = (
    "import sys; from corral.cli import main\n"
    "main(sys.argv[1:])\n"
    "sys.stderr.write('LOADED=%s MCP=%s\\n' % ('corral_mcp.plugin' in sys.modules, "
    "'mcp' in sys.modules))"
)


def project(base: Path, name: str, servers: int) -> Path:
    root = base / name
    (root / ".git").mkdir(parents=True)
    if servers:
        entries = {f"s{i}": {"command": sys.executable, "args": [str(SERVER), "stdio"]}
                   for i in range(servers)}
        (root / ".mcp.json").write_text(json.dumps({"mcpServers": entries}))
        (root / ".claude").mkdir()
        (root / ".claude" / "settings.local.json").write_text(
            json.dumps({"enabledMcpjsonServers": list(entries)}))
    return root


def first_request_s(server: MessagesServer, cwd: Path, env: dict[str, str]) -> float:
    server.enqueue(text("ok"))
    before = len(server.message_requests)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "corral", "-p", "hi"], cwd=cwd, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, timeout=120)
    return server.message_requests[before].received_at - start


def _env(base: Path, name: str, server: MessagesServer, wait: float | None) -> dict[str, str]:
    home = base / name
    (home / "home").mkdir(parents=True)
    if wait is not None:
        (home / "corral" / "config").mkdir(parents=True)
        (home / "corral" / "config" / "config.toml").write_text(
            f"[plugins.mcp]\nfirst_request_wait_s = {wait}\n")
    return dict(os.environ, CORRAL_HOME=str(home / "corral"), HOME=str(home / "home"),
                CLAUDE_CONFIG_DIR=str(home / "home" / ".claude"),
                ANTHROPIC_BASE_URL=server.base_url, ANTHROPIC_API_KEY="sk-bench",
                CORRAL_LOAD_PLUGINS="mcp")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    runs = max(3, args.runs)
    with tempfile.TemporaryDirectory() as tmp, MessagesServer() as server:
        base = Path(tmp)
        none, two = project(base, "none", 0), project(base, "two", 2)
        cases = [
            ("no MCP server", none, _env(base, "a", server, None)),
            ("two servers, wait 0", two, _env(base, "b", server, 0.0)),
            ("two servers, default wait", two, _env(base, "c", server, None)),
        ]
        for _name, cwd, env in cases:  # warm the file cache
            first_request_s(server, cwd, env)
        results: dict[str, list[float]] = {name: [] for name, _, _ in cases}
        for _ in range(runs):  # interleaved, so drift in machine load hits every case alike
            for name, cwd, env in cases:
                results[name].append(first_request_s(server, cwd, env))
        base_med = statistics.median(results["no MCP server"])
        print(f"{'launch -> first request':26} {'median s':>9} {'min':>7} {'max':>7} {'- baseline':>11}")
        for name, xs in results.items():
            med = statistics.median(xs)
            print(f"{name:26} {med:9.3f} {min(xs):7.3f} {max(xs):7.3f} {med - base_med:+11.3f}")
        server.enqueue(text("ok"))
        probe = subprocess.run([sys.executable, "-c", PROBE, "-p", "hi"], cwd=none,
                               env=cases[0][2], capture_output=True, text=True, timeout=120)
        if "LOADED=True" not in probe.stderr:
            print("probe failed:", probe.stderr.strip()[-300:])
        else:
            print("mcp SDK imported with no server configured (plugin loaded):",
                  "yes" if "MCP=True" in probe.stderr else "no")
        print(f"runs: {runs}; 'wait' is [plugins.mcp] first_request_wait_s (default 5 s)")


if __name__ == "__main__":
    main()
