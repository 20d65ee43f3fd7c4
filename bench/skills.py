"""What skills cost a session: finding none, and finding and listing many.

In one process, with CORRAL_HOME and HOME in a temporary folder, for a project with no skill
folder and for one with N skills shaped like the public collections (frontmatter, scripts/,
a reference file), each measured as the median of several fresh sessions:
- the skills work of a session (asking plugins for skill folders, `stat`-ing them, and with
  skills: reading every SKILL.md, building the listing, offering the Skill tool);
- as the baseline, measured in the same run: building the same session's whole system prompt
  and tool set (every plugin's sections and tools, the skills' included).
Also printed: whether any corral.skills module was imported by the runs without skills (it
must not be). Usage: python bench/skills.py [--runs 9] [--skills 100]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

SKILL = """---
name: {name}
description: >
  Do task number {i} with the bundled script; use when the user asks for task {i}
  or hands over a file of kind {i}.
allowed-tools: Bash(python scripts/run.py:*), Read
license: Apache-2.0
metadata:
  version: "1.0"
---
# Task {i}

Run `python scripts/run.py` and read reference.md first.
"""


def write_skills(root: Path, count: int) -> None:
    for i in range(count):
        folder = root / f"skill-{i:03}"
        (folder / "scripts").mkdir(parents=True)
        (folder / "SKILL.md").write_text(SKILL.format(name=f"skill-{i:03}", i=i))
        (folder / "scripts" / "run.py").write_text("print('ok')\n")
        (folder / "reference.md").write_text("# reference\n")


def measure(project: Path, runs: int) -> tuple[list[float], list[float], int]:
    from corral.app import App
    from corral.internal_plugins.skills import catalogue
    from corral.session import Session

    app = App.create(cwd=project, environ={"CORRAL_LOAD_PLUGINS": ""})
    skills_ms: list[float] = []
    whole_ms: list[float] = []
    listed = 0
    for _ in range(runs):
        session = Session(app)
        start = time.perf_counter()
        found = catalogue(session)
        if found is not None:
            from corral.skills.listing import render_listing

            listed = len(found.skills)
            render_listing(found.for_model())
        skills_ms.append((time.perf_counter() - start) * 1000)
        session = Session(app)
        start = time.perf_counter()
        asyncio.run(app.host.system_prompt(session))
        app.host.register_tools(session)
        whole_ms.append((time.perf_counter() - start) * 1000)
    return skills_ms, whole_ms, listed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--skills", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["CORRAL_HOME"] = os.path.join(tmp, "home")
        os.environ["HOME"] = tmp
        empty = Path(tmp) / "empty"
        (empty / ".claude").mkdir(parents=True)
        many = Path(tmp) / "many"
        write_skills(many / ".claude" / "skills", args.skills)
        os.chdir(empty)
        none_skills, none_whole, _ = measure(empty, args.runs)
        leaked = sorted(m for m in sys.modules if m.startswith("corral.skills"))
        many_skills, many_whole, listed = measure(many, args.runs)
    med = statistics.median
    print(f"median of {args.runs} sessions; baseline = the session's whole system prompt and "
          "tool set, same run")
    print(f"  {'':26} {'skills ms':>10} {'baseline ms':>12} {'skills/baseline':>16}")
    for label, s, w in (("no skill folder", none_skills, none_whole),
                        (f"{listed} skills", many_skills, many_whole)):
        print(f"  {label:26} {med(s):10.3f} {med(w):12.3f} {med(s) / med(w):15.2f}x")
    print(f"  corral.skills modules imported without skills: {leaked or 'none'}")


if __name__ == "__main__":
    main()
