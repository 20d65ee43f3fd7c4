"""What configured MCP servers cost a headless run before its first model request.

Launches ``corral -p`` as a fresh process against the scripted Messages-API server and times
launch -> first request received, with no MCP server configured (the baseline, measured in
the same run, interleaved with the other cases) and with two local stdio servers written with
the ``mcp`` SDK (the tests' demo server). Prints medians of several runs, the difference and
the ratio to the baseline, whether the first request carried the servers' tools, and the load
average around the measurement; then checks that a run with no server configured never
imports the ``mcp`` SDK.

Usage: python bench/mcp_startup.py [--runs N]
Cases with servers: the default ``first_request_wait_s`` (0: the first request does not wait;
the servers' tools join from the next request) and ``first_request_wait_s = 30`` (the first
request waits for both servers: loading the SDK and the servers' own start-up).
Target: with the default, two servers add at most 0.5 s.
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


def first_request(server: MessagesServer, cwd: Path, env: dict[str, str]) -> tuple[float, bool]:
    """Seconds from launch to the first request, and whether it offered an MCP tool."""
    server.enqueue(text("ok"))
    before = len(server.message_requests)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "corral", "-p", "hi"], cwd=cwd, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, timeout=120)
    request = server.message_requests[before]
    tools = (request.body or {}).get("tools") or []
    with_mcp = any(str(t.get("name", "")).startswith("mcp__") for t in tools)
    return request.received_at - start, with_mcp


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
            ("two servers, default", two, _env(base, "b", server, None)),
            ("two servers, wait 30 s", two, _env(base, "c", server, 30.0)),
        ]
        for _name, cwd, env in cases:  # warm the file cache
            first_request(server, cwd, env)
        load_before = os.getloadavg()[0]
        results: dict[str, list[float]] = {name: [] for name, _, _ in cases}
        offered: dict[str, int] = dict.fromkeys(results, 0)
        for _ in range(runs):  # interleaved, so drift in machine load hits every case alike
            for name, cwd, env in cases:
                seconds, with_mcp = first_request(server, cwd, env)
                results[name].append(seconds)
                offered[name] += with_mcp
        load_after = os.getloadavg()[0]
        base_med = statistics.median(results["no MCP server"])
        print(f"{'launch -> first request':24} {'median s':>9} {'min':>7} {'max':>7} "
              f"{'- baseline':>11} {'ratio':>6}  MCP tools in it")
        for name, xs in results.items():
            med = statistics.median(xs)
            print(f"{name:24} {med:9.3f} {min(xs):7.3f} {max(xs):7.3f} {med - base_med:+11.3f} "
                  f"{med / base_med:6.2f}  {offered[name]}/{runs}")
        server.enqueue(text("ok"))
        probe = subprocess.run([sys.executable, "-c", PROBE, "-p", "hi"], cwd=none,
                               env=cases[0][2], capture_output=True, text=True, timeout=120)
        if "LOADED=True" not in probe.stderr:
            print("probe failed:", probe.stderr.strip()[-300:])
        else:
            print("mcp SDK imported with no server configured (plugin loaded):",
                  "yes" if "MCP=True" in probe.stderr else "no")
        print(f"runs: {runs}; 1-minute load average {load_before:.1f} before, "
              f"{load_after:.1f} after, on {os.cpu_count()} CPUs")

if __name__ == "__main__":
    main()
