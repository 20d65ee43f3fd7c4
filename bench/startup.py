"""Start-up time of the corral command line, and of a headless run up to its first request.

Runs each command at least 7 times as a fresh process and prints median and spread, beside
`python -c pass` measured in the same run as the baseline, and says whether the anthropic SDK
was imported. Then `corral -p` against corral.testing's scripted server with the kernel's
transport and, as the baseline in the same run, the anthropic SDK as a provider: launch ->
first model request, and the time between the result being printed and the process exiting.
corral's modules are compiled to bytecode first, as installing a wheel does (see
_corral_run.ensure_bytecode).
Usage: python bench/startup.py [--runs N]
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

sys.path.insert(0, os.path.dirname(__file__))

from _corral_run import TRANSPORTS, ensure_bytecode, run_corral, use_transport  # noqa: E402
from corral.testing import MessagesServer, text  # noqa: E402

COMMANDS: list[tuple[str, list[str]]] = [
    ("python -c pass (baseline)", [sys.executable, "-c", "pass"]),
    ("corral --version", [sys.executable, "-m", "corral", "--version"]),
    ("corral --help", [sys.executable, "-m", "corral", "--help"]),
    ("corral plugins", [sys.executable, "-m", "corral", "plugins"]),
]

PROBE = (
    "import sys; from corral.cli import main\n"
    "try: main(sys.argv[1:])\n"
    "except SystemExit: pass\n"
    "sys.stderr.write('ANTHROPIC=%s\\n' % ('anthropic' in sys.modules))"
)


def time_command(argv: list[str], env: dict[str, str], cwd: str) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=True)
    return (time.perf_counter() - start) * 1000


def imports_sdk(args: list[str], env: dict[str, str], cwd: str) -> bool:
    out = subprocess.run([sys.executable, "-c", PROBE, *args], env=env, cwd=cwd,
                         capture_output=True, text=True, check=True)
    return "ANTHROPIC=True" in out.stderr


def commands(runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, CORRAL_HOME=os.path.join(tmp, "home"), HOME=tmp)
        results: dict[str, list[float]] = {name: [] for name, _ in COMMANDS}
        for _name, argv in COMMANDS:  # warm the file cache once
            time_command(argv, env, tmp)
        for _ in range(runs):  # interleave, so drift in machine load hits every command alike
            for name, argv in COMMANDS:
                results[name].append(time_command(argv, env, tmp))
        base = statistics.median(results[COMMANDS[0][0]])
        print(f"{'command':28} {'median ms':>10} {'min':>8} {'max':>8} {'- baseline':>11}  anthropic")
        for name, argv in COMMANDS:
            xs = results[name]
            med = statistics.median(xs)
            sdk = "-" if name.startswith("python") else ("imported" if imports_sdk(argv[3:], env, tmp) else "not imported")
            print(f"{name:28} {med:10.1f} {min(xs):8.1f} {max(xs):8.1f} {med - base:+11.1f}  {sdk}")
        print(f"runs per command: {runs}")


def headless(runs: int) -> None:
    rows: dict[str, list[dict[str, float]]] = {name: [] for name in TRANSPORTS}
    with tempfile.TemporaryDirectory() as tmp:
        for name in TRANSPORTS:
            project = Path(tmp) / name
            project.mkdir()
            use_transport(project, name)
        for index in range(runs + 1):  # interleaved; the first round only warms file caches
            for name in TRANSPORTS:
                with MessagesServer(text("hello")) as server:
                    row = run_corral(server, Path(tmp) / name, Path(tmp) / "home")
                if index:
                    rows[name].append(row)

    def med(name: str, key: str) -> float:
        return statistics.median(r[key] for r in rows[name]) * 1000

    print(f"\ncorral -p, one reply, median of {runs} runs (sdk = the anthropic SDK as provider, "
          "the baseline)")
    print(f"  {'':30} {'kernel':>9} {'sdk':>9} {'kernel/sdk':>11}")
    for key, label in (("first_request_s", "launch -> first request ms"),
                       ("exit_after_result_s", "result printed -> exit ms"),
                       ("wall_s", "wall ms"),
                       ("cpu_s", "CPU time (user+sys) ms")):
        k, s = med("kernel", key), med("sdk", key)
        print(f"  {label:30} {k:9.1f} {s:9.1f} {k / s:10.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=9)
    runs = max(7, parser.parse_args().runs)
    print(ensure_bytecode())
    commands(runs)
    headless(runs)


if __name__ == "__main__":
    main()
