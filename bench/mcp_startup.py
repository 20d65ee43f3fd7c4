"""What configured MCP servers cost a headless run before its first model request.

Launches ``corral -p`` as a fresh process against the scripted Messages-API server and times
launch -> first request received, with no MCP server configured (the baseline, measured in
the same run, interleaved) and with two local stdio servers written with the ``mcp`` SDK
(tests' demo server). Prints medians of several runs and the difference; then checks that a
run with no server configured never imports the ``mcp`` SDK.

Usage: python bench/mcp_startup.py [--runs N] [--wait SECONDS]
(``--wait`` sets ``[plugins.mcp] first_request_wait_s``; default: the plugin's own default.)
Target: two servers add at most 0.5 s.
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

PROBE = (
    "import sys, runpy; sys.argv = ['corral'] + sys.argv[1:];\n"
    "try: runpy.run_module('corral', run_name='__main__')\n"
    "except SystemExit: pass\n"
    "sys.stderr.write('MCP=%s\\n' % ('mcp' in sys.modules))"
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--wait", type=float, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, MessagesServer() as server:
        base = Path(tmp)
        home = base / "corral-home"
        env = dict(os.environ, CORRAL_HOME=str(home), HOME=str(base / "home"),
                   CLAUDE_CONFIG_DIR=str(base / "home" / ".claude"),
                   ANTHROPIC_BASE_URL=server.base_url, ANTHROPIC_API_KEY="sk-bench",
                   CORRAL_LOAD_PLUGINS="mcp")
        (base / "home").mkdir()
        if args.wait is not None:
            (home / "config").mkdir(parents=True)
            (home / "config" / "config.toml").write_text(
                f"[plugins.mcp]\nfirst_request_wait_s = {args.wait}\n")
        none, two = project(base, "none", 0), project(base, "two", 2)
        first_request_s(server, none, env)  # warm the file cache
        first_request_s(server, two, env)
        results: dict[str, list[float]] = {"no MCP server": [], "two stdio servers": []}
        for _ in range(max(3, args.runs)):
            results["no MCP server"].append(first_request_s(server, none, env))
            results["two stdio servers"].append(first_request_s(server, two, env))
        base_med = statistics.median(results["no MCP server"])
        print(f"{'launch -> first request':26} {'median s':>9} {'min':>7} {'max':>7} {'- baseline':>11}")
        for name, xs in results.items():
            med = statistics.median(xs)
            print(f"{name:26} {med:9.3f} {min(xs):7.3f} {max(xs):7.3f} {med - base_med:+11.3f}")
        server.enqueue(text("ok"))
        probe = subprocess.run([sys.executable, "-c", PROBE, "-p", "hi"], cwd=none, env=env,
                               capture_output=True, text=True, timeout=120)
        print("mcp SDK imported with no server configured:",
              "yes" if "MCP=True" in probe.stderr else "no")
        print(f"runs: {max(3, args.runs)}; wait bound: "
              f"{'default' if args.wait is None else args.wait}")


if __name__ == "__main__":
    main()
