"""Where a turn's time goes, per tool: the gap after each kind of tool call.

Runs bench/turn_loop.py's scripted Read -> Edit -> Bash session as a fresh `corral -p`
process (the kernel's transport) against corral.testing's server, and prints, as medians over
the runs, the time from the server's last byte of a reply asking for a tool to corral's next
request (the tool's execution plus every per-turn cost of the harness), per tool, together
with the whole run's wall time. With --profile FILE, one more run is made under cProfile
(corral ends with os._exit, so the profile is written just before) and the heaviest
functions by cumulative time are printed.

With --baseline DIR (a checkout of corral, e.g. a `git worktree` of an older commit), each
run is also made with DIR's kernel first on PYTHONPATH, interleaved, and both are printed.

Usage: python bench/tool_gaps.py [--runs 3] [--rounds 40] [--baseline DIR]
                                 [--profile /tmp/corral.prof]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

sys.path.insert(0, os.path.dirname(__file__))

from _corral_run import ensure_bytecode, run_corral, use_transport  # noqa: E402
from corral.testing import MessagesServer  # noqa: E402
from turn_loop import make_repo, session_script  # noqa: E402

TOOLS = ("Read", "Edit", "Bash")

_PROFILED = textwrap.dedent("""
    import cProfile, os, sys
    profile = cProfile.Profile()
    out = sys.argv.pop(1)
    real_exit = os._exit
    def _exit(code):
        profile.disable()
        profile.dump_stats(out)
        real_exit(code)
    os._exit = _exit
    sys.argv[0] = "corral"
    from corral.cli import main
    profile.enable()
    try:
        main()
    finally:
        _exit(0)
""")


def gaps_by_tool(server: MessagesServer) -> dict[str, list[float]]:
    """Each gap between a reply and the next model request, filed under the tool that reply
    asked for (the script asks for Read, Edit, Bash in turn)."""
    done = server.message_requests
    by_tool: dict[str, list[float]] = {}
    for index, (earlier, later) in enumerate(zip(done, done[1:], strict=False)):
        if earlier.replied_at is not None:
            tool = TOOLS[index % len(TOOLS)]
            by_tool.setdefault(tool, []).append(later.received_at - earlier.replied_at)
    return by_tool


def one_run(rounds: int, profile: str | None = None,
            kernel: str | None = None) -> tuple[dict[str, list[float]], float]:
    saved = os.environ.get("PYTHONPATH")
    if kernel is not None:
        os.environ["PYTHONPATH"] = kernel
    try:
        return _one_run(rounds, profile)
    finally:
        if kernel is not None:
            if saved is None:
                os.environ.pop("PYTHONPATH", None)
            else:
                os.environ["PYTHONPATH"] = saved


def _one_run(rounds: int, profile: str | None) -> tuple[dict[str, list[float]], float]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "repo"
        make_repo(root, rounds)
        use_transport(root, "kernel")
        with MessagesServer(*session_script(rounds)) as server:
            if profile is None:
                row = run_corral(server, root, Path(tmp) / "home",
                                 extra=("--permission-mode", "acceptEdits"))
                wall = row["wall_s"]
            else:
                env = dict(os.environ, ANTHROPIC_BASE_URL=server.base_url,
                           ANTHROPIC_API_KEY="bench", CORRAL_HOME=str(Path(tmp) / "home"),
                           CORRAL_LOAD_PLUGINS="")
                subprocess.run([sys.executable, "-c", _PROFILED, profile, "-p", "go",
                                "--output-format", "json", "--permission-mode", "acceptEdits"],
                               cwd=root, env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, check=True)
                wall = 0.0
            return gaps_by_tool(server), wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--profile", help="also profile one run into this file")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--baseline", help="a corral checkout to compare with, interleaved")
    args = parser.parse_args()
    print(ensure_bytecode())
    trees: dict[str, str | None] = {"this tree": None}
    if args.baseline:
        kernel = str(Path(args.baseline, "kernel").resolve())
        import compileall

        compileall.compile_dir(kernel, quiet=1)
        trees["baseline"] = kernel
    load = os.getloadavg()[0]
    medians: dict[str, dict[str, list[float]]] = {name: {} for name in trees}
    walls: dict[str, list[float]] = {name: [] for name in trees}
    for _ in range(args.runs):
        for name, kernel in trees.items():
            by_tool, wall = one_run(args.rounds, kernel=kernel)
            walls[name].append(wall)
            for tool, gaps in by_tool.items():
                medians[name].setdefault(tool, []).append(statistics.median(gaps))
    print(f"{3 * args.rounds + 1}-request session, median of {args.runs} runs "
          f"(load {load:.2f} before, {os.getloadavg()[0]:.2f} after)")
    names = list(trees)
    print(f"  {'':16}" + "".join(f"{name:>12}" for name in names))
    print(f"  {'wall ms':16}" + "".join(f"{statistics.median(walls[n]) * 1000:12.0f}"
                                       for n in names))
    for tool in TOOLS:
        print(f"  {'gap after ' + tool:16}" + "".join(
            f"{statistics.median(medians[n][tool]) * 1000:12.2f}" for n in names))
    if args.profile:
        one_run(args.rounds, args.profile)
        import pstats

        pstats.Stats(args.profile).sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
