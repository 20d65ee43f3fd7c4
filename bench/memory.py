"""Benchmark the memory layer: what a session pays to load its memory.

Run: ``.venv/bin/python bench/memory.py``. Builds, in a temporary directory, a project 10
directories deep with 50 instruction files (CLAUDE.md, .claude/CLAUDE.md, AGENTS.md and
CLAUDE.local.md along the path, plus files they ``@import``, some two levels deep) and a
memory store of 10,000 entries in 40 topic files. Then, median of several cold runs (every
in-process cache cleared):

- assemble: load the instruction hierarchy with its imports, load the store, read the index
  and pick the relevant entries (``SessionMemory`` + ``build_store_text``);
- baseline: only reading the bytes of the same files (no parsing).

Target: assemble <= 100 ms.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from _timing import median_seconds  # noqa: E402

RUNS = 7
N_ENTRIES = 10_000
N_TOPICS = 40
WORDS = ("parser lexer deploy staging release tests flaky cache index schema migration "
         "docker compose ruff mypy tox branch review commit token budget prompt daemon tick "
         "memory dream plugin hook config layer engine stream retry compaction").split()


def build(root: Path) -> tuple[Path, list[Path]]:
    from corral.memory import MemoryEntry
    from corral.memory._format import render_index, render_topic

    rng = random.Random(5)
    project = root / "project"
    cwd = project.joinpath(*[f"d{n}" for n in range(9)])
    (project / ".claude").mkdir(parents=True)
    cwd.mkdir(parents=True)
    files: list[Path] = []

    def put(path: Path, text: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        files.append(path)

    directories = [project, *[project.joinpath(*[f"d{n}" for n in range(k + 1)])
                              for k in range(9)]]
    for level, directory in enumerate(directories):
        body = "\n".join(f"- rule {level}.{n}: " + " ".join(rng.choices(WORDS, k=12))
                         for n in range(20))
        put(directory / "CLAUDE.md", f"# Level {level}\n{body}\n@docs/a{level}.md\n"
            "```\n@not/an/import.md\n```\n")
        put(directory / "docs" / f"a{level}.md", f"Imported {level}\n{body}\n@b{level}.md\n")
        third = f"@c{level}.md\n" if level % 2 else ""
        put(directory / "docs" / f"b{level}.md", f"Nested import {level}\n{body}\n{third}")
        put(directory / "AGENTS.md", f"Agents {level}\n{body}\n")
        if level == 0:  # a .claude/ folder lower down would make that the project root
            put(directory / ".claude" / "CLAUDE.md", f"Dot {level}\n{body}\n")
        if level % 2 == 1:
            put(directory / "docs" / f"c{level}.md", f"Third import {level}\n{body}\n")
        if level in (0, 9):
            put(directory / "CLAUDE.local.md", f"Local {level}\n{body}\n")
    put(root / "managed" / "CLAUDE.md", "Managed policy: never commit secrets.\n")
    put(root / "home" / ".claude" / "CLAUDE.md", "User: answer tersely.\n")
    memory = project / ".claude" / "memory"
    start = datetime(2026, 1, 1, tzinfo=UTC)
    entries = []
    for n in range(N_ENTRIES):
        stamp = start - timedelta(hours=n)
        entries.append(MemoryEntry(
            id=f"e{n:06d}", text=" ".join(rng.choices(WORDS, k=rng.randint(8, 30))),
            type=rng.choice(("user", "feedback", "project", "reference")),
            tags=tuple(rng.sample(WORDS, 2)), importance=rng.randint(1, 5), created=stamp,
            updated=stamp, topic=f"topic{n % N_TOPICS}",
        ))
    for t in range(N_TOPICS):
        put(memory / "topics" / f"topic{t}.md",
            render_topic(f"topic{t}", [e for e in entries if e.topic == f"topic{t}"]))
    put(memory / "MEMORY.md", render_index(entries, None))
    return cwd, files


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["HOME"] = str(Path(tmp) / "home")
        os.environ["CORRAL_HOME"] = str(Path(tmp) / "corral-home")
        os.environ["CORRAL_MANAGED_DIR"] = str(Path(tmp) / "managed")
        os.environ["CLAUDE_CONFIG_DIR"] = str(Path(tmp) / "home" / ".claude")
        cwd, files = build(Path(tmp))
        from corral.config.schema import MemorySettings
        from corral.memory import instructions, select
        from corral.memory.session_memory import SessionMemory

        n_instruction = sum(1 for f in files if "memory" not in f.parts)
        settings = MemorySettings(max_instruction_chars=1_000_000)
        query = "the flaky parser tests fail on the staging branch"
        result: dict[str, SessionMemory] = {}

        def assemble() -> None:
            instructions._read_cache.clear()
            select._haystacks.clear()
            memory = SessionMemory(settings, cwd)
            memory.build_store_text(query)
            result["m"] = memory

        def baseline() -> None:
            for path in files:
                path.read_bytes()

        loaded = {os.path.realpath(f.path) for f in SessionMemory(settings, cwd).files}
        missing = [str(f) for f in files if "memory" not in f.parts
                   and os.path.realpath(f) not in loaded]
        if missing:
            print("not loaded:", *missing)
        t_assemble = median_seconds(assemble, RUNS)
        t_base = median_seconds(baseline, RUNS)
        memory = result["m"]
        [view] = [v for v in memory.views or [] if v.scope == "project"]
        print(f"instruction files: {n_instruction} written, {len(memory.files)} loaded "
              f"({sum(f.kind == 'import' for f in memory.files)} through @imports), "
              f"{len(memory.instructions_text):,} chars; store: {view.entries:,} entries, "
              f"{len(view.relevant)} picked as relevant")
        print(f"assemble: {t_assemble * 1000:.1f} ms  (median of {RUNS}, cold caches)")
        print(f"read the same {len(files)} files' bytes: {t_base * 1000:.1f} ms [baseline]")
        print(f"assemble / baseline: {t_assemble / t_base:.1f}x   target <= 100 ms: "
              f"{'met' if t_assemble <= 0.1 else 'MISSED'}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
