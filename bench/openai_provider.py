"""The openai provider against the built-in anthropic path, through `corral -p`.

The same scripted Read -> Edit -> Bash session (bench/turn_loop.py's script: 3 * ROUNDS + 1
requests) runs as a fresh `corral -p` process against corral.testing's MessagesServer with
`[api] provider = "anthropic"` (the baseline) and against its OpenAIServer with
`provider = "openai"`, interleaved. Printed per provider, as medians of several runs: wall
time, launch -> first request, per-turn overhead (server's last byte to the next request) and
whether the run imported the anthropic SDK; then the openai/anthropic ratios. Also the import
time of the provider's wire modules against the SDK's, each in a fresh interpreter.

Usage: python bench/openai_provider.py [--runs 5] [--rounds 10]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from corral.testing import MessagesServer, OpenAIServer
from turn_loop import make_repo, session_script

#: Runs corral in-process and reports on stderr whether the anthropic SDK got imported.
PROBE = (
    "import sys, runpy; sys.argv = ['corral'] + sys.argv[1:]\n"
    "try: runpy.run_module('corral', run_name='__main__')\n"
    "except SystemExit: pass\n"
    "sys.stderr.write('\\nANTHROPIC=%s\\n' % ('anthropic' in sys.modules))"
)


def run_once(provider: str, rounds: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "repo"
        make_repo(root, rounds)
        server_type = OpenAIServer if provider == "openai" else MessagesServer
        with server_type(*session_script(rounds)) as server:
            (root / ".claude" / "corral.toml").write_text(
                f'model = "corral-test-model"\n[api]\nprovider = "{provider}"\n'
                f'base_url = "{server.base_url}"\n'
            )
            env = dict(os.environ, ANTHROPIC_API_KEY="bench", OPENAI_API_KEY="bench",
                       CORRAL_HOME=str(Path(tmp) / "home"),
                       CORRAL_LOAD_PLUGINS="openai" if provider == "openai" else "")
            start = time.perf_counter()
            proc = subprocess.run(
                [sys.executable, "-c", PROBE, "-p", "go", "--permission-mode", "acceptEdits",
                 "--output-format", "json"],
                cwd=root, env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=300,
            )
            wall = time.perf_counter() - start
            if proc.returncode != 0 or b'"subtype":"success"' not in proc.stdout:
                raise SystemExit(f"{provider}: corral failed\n{proc.stdout.decode()}\n"
                                 f"{proc.stderr.decode()}")
            requests = server.message_requests
            gaps = server.idle_gaps()
            return {
                "wall_ms": wall * 1000,
                "first_request_ms": (requests[0].received_at - start) * 1000,
                "gap_median_ms": statistics.median(gaps) * 1000,
                "requests": len(requests),
                "sdk": float(b"ANTHROPIC=True" in proc.stderr),
            }


def import_ms(module: str, runs: int) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    times = [
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True).stdout) * 1000
        for _ in range(runs)
    ]
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    rows: dict[str, list[dict[str, float]]] = {"anthropic": [], "openai": []}
    for _ in range(args.runs):  # interleaved, so machine load hits both alike
        for provider in rows:
            rows[provider].append(run_once(provider, args.rounds))
    med = {p: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for p, rs in rows.items()}
    print(f"{int(med['openai']['requests'])}-request session ({args.rounds} rounds of "
          f"Read -> Edit -> Bash), median of {args.runs} runs")
    print(f"{'':26}{'anthropic':>12}{'openai':>12}{'ratio':>8}")
    for key, label in (("wall_ms", "wall time ms"), ("first_request_ms", "launch -> first request ms"),
                       ("gap_median_ms", "overhead per turn ms")):
        a, o = med["anthropic"][key], med["openai"][key]
        print(f"{label:26}{a:12.1f}{o:12.1f}{o / a:8.2f}")
    print(f"{'anthropic SDK imported':26}{'yes' if med['anthropic']['sdk'] else 'no':>12}"
          f"{'yes' if med['openai']['sdk'] else 'no':>12}")
    print("\nimport time in a fresh interpreter, median ms")
    for module in ("httpx", "corral_openai.plugin", "corral_openai.connection", "anthropic"):
        print(f"  {module:28}{import_ms(module, args.runs):8.1f}")


if __name__ == "__main__":
    main()
