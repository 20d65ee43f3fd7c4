"""Instruction files: hierarchy order, AGENTS.md, imports, cycles, fences, gating, budget."""

from __future__ import annotations

from pathlib import Path

from corral.memory._imports import find_imports

from tests.memory.conftest import write


def test_hierarchy_order_from_managed_to_local(project: Path, load, dirs) -> None:
    sub = project / "pkg" / "app"
    write(dirs["managed"] / "CLAUDE.md", "MANAGED")
    write(dirs["claude_user"] / "CLAUDE.md", "USER-CLAUDE")
    write(dirs["corral_config"] / "CLAUDE.md", "USER-CORRAL")
    write(project.parent / "CLAUDE.md", "ABOVE-PROJECT")
    write(project / "CLAUDE.local.md", "LOCAL-ROOT")
    write(project / "AGENTS.md", "ROOT-AGENTS")
    write(project / ".claude" / "CLAUDE.md", "ROOT-DOTCLAUDE")
    write(project / "CLAUDE.md", "ROOT-CLAUDE")
    write(sub / "CLAUDE.md", "APP-CLAUDE")
    write(sub / "CLAUDE.local.md", "LOCAL-APP")
    write(project / "pkg" / "AGENTS.md", "PKG-AGENTS")

    memory = load(sub)
    texts = [f.text for f in memory.all_files]
    assert texts == ["MANAGED", "USER-CLAUDE", "USER-CORRAL", "ABOVE-PROJECT", "ROOT-CLAUDE",
                     "ROOT-DOTCLAUDE", "ROOT-AGENTS", "PKG-AGENTS", "APP-CLAUDE", "LOCAL-ROOT",
                     "LOCAL-APP"]
    kinds = [f.kind for f in memory.all_files]
    assert kinds[:3] == ["managed", "user", "user"] and kinds[-2:] == ["local", "local"]
    # concatenated in that order into one section, each under its source
    text = memory.instructions_text
    positions = [text.index(t) for t in texts]
    assert positions == sorted(positions)
    assert f'source="{project / "AGENTS.md"}"' in text


def test_agents_md_beside_claude_md_both_load(project: Path, load) -> None:
    write(project / "CLAUDE.md", "claude rules")
    write(project / "AGENTS.md", "agents rules")
    memory = load()
    assert [Path(f.path).name for f in memory.files] == ["CLAUDE.md", "AGENTS.md"]
    assert "claude rules" in memory.instructions_text and "agents rules" in memory.instructions_text


def test_subdirectories_below_cwd_do_not_load_at_startup(project: Path, load) -> None:
    write(project / "sub" / "CLAUDE.md", "SUB")
    memory = load()
    assert memory.files == [] and memory.instructions_text == ""
    loaded = memory.touch(project / "sub" / "deep" / "file.py")
    assert [f.text for f in loaded] == ["SUB"]
    assert "SUB" in memory.nested_text
    assert memory.touch(project / "sub" / "other.py") == []  # once only


def test_relative_home_and_nested_imports(project: Path, load, dirs) -> None:
    write(dirs["home"] / "prefs.md", "HOME-PREFS")
    write(project / "docs" / "style.md", "STYLE @parts/one.md")
    write(project / "docs" / "parts" / "one.md", "ONE")
    write(project / "CLAUDE.md", "Read @docs/style.md and @~/prefs.md.\n")
    memory = load(allow_external_imports=True)
    got = [(Path(f.path).name, f.kind, f.depth, f.text) for f in memory.files]
    assert got == [
        ("CLAUDE.md", "project", 0, "Read @docs/style.md and @~/prefs.md.\n"),
        ("style.md", "import", 1, "STYLE @parts/one.md"),
        ("one.md", "import", 2, "ONE"),  # relative to the importing file
        ("prefs.md", "import", 1, "HOME-PREFS"),
    ]
    assert memory.files[2].imported_by == str(project / "docs" / "style.md")
    assert memory.warnings == []


def test_import_depth_limit(project: Path, load) -> None:
    for n in range(1, 7):
        write(project / f"d{n}.md", f"LEVEL{n} @d{n + 1}.md")
    write(project / "CLAUDE.md", "@d1.md")
    memory = load()
    texts = " ".join(f.text for f in memory.files)
    assert "LEVEL4" in texts and "LEVEL5" not in texts
    [warning] = memory.warnings
    assert "d4.md:1: @d5.md is more than 4 imports deep" in warning
    assert "memory.max_import_depth" in warning
    deeper = load(max_import_depth=5)
    assert "LEVEL5" in " ".join(f.text for f in deeper.files)


def test_cycle_is_reported_with_the_chain(project: Path, load) -> None:
    a = write(project / "a.md", "A imports @b.md")
    b = write(project / "b.md", "B imports\n@a.md")
    write(project / "CLAUDE.md", "@a.md")
    memory = load()
    assert [f.text[0] for f in memory.files] == ["@", "A", "B"]
    [warning] = memory.warnings
    assert warning.startswith(f"{b}:2: @a.md makes an import cycle: ")
    assert warning.endswith(f"{a} -> {b} -> {a}; skipped")


def test_missing_import_names_file_and_line(project: Path, load) -> None:
    claude = write(project / "CLAUDE.md", "line one\nline two @nowhere/gone.md\n")
    memory = load()
    [warning] = memory.warnings
    assert warning.startswith(f"{claude}:2: @nowhere/gone.md not found")
    assert [f.kind for f in memory.files] == ["project"]


def test_imports_inside_code_are_ignored(project: Path, load) -> None:
    write(project / "real.md", "REAL")
    write(project / "fenced.md", "FENCED")
    write(project / "span.md", "SPAN")
    write(project / "CLAUDE.md", "Use @real.md.\n```sh\ncat @fenced.md\n```\n"
          "Inline `@span.md` stays text; mail me at dev@real.md\n~~~\n@fenced.md\n~~~\n")
    memory = load()
    assert [f.text for f in memory.files[1:]] == ["REAL"]
    assert memory.warnings == []


def test_find_imports_shapes() -> None:
    text = "@a.md @./b.md @../c/d.md @~/e.md @noext user@host.com `@x.md`\n````\n@y.md\n```\n" \
           "@still.md\n````\n@after/z.md"
    assert find_imports(text) == [(1, "a.md"), (1, "./b.md"), (1, "../c/d.md"), (1, "~/e.md"),
                                  (7, "after/z.md")]


def test_external_imports_are_gated(project: Path, load, tmp_path: Path, dirs) -> None:
    outside = write(tmp_path / "elsewhere" / "shared.md", "EXTERNAL")
    write(dirs["claude_user"] / "mine.md", "USER-CONFIG-FILE")
    write(project / "CLAUDE.md", f"@{outside}\n@~/.claude/mine.md\n")
    memory = load()
    assert [f.text for f in memory.files[1:]] == ["USER-CONFIG-FILE"]  # user config is trusted
    [warning] = memory.warnings
    assert f"@{outside}" in warning and "outside the project and the user's config" in warning
    assert "memory.allow_external_imports = true" in warning
    allowed = load(allow_external_imports=True)
    assert "EXTERNAL" in [f.text for f in allowed.files]


def test_budget_cuts_with_a_visible_note(project: Path, load) -> None:
    write(project / "CLAUDE.md", "A" * 300)
    write(project / "AGENTS.md", "B" * 300)
    memory = load(max_instruction_chars=400)
    text = memory.instructions_text
    assert "A" * 300 in text and "B" * 100 in text and "B" * 101 not in text
    assert f"[... 200 characters of {project / 'AGENTS.md'} were cut" in text
    assert memory.cuts == [(str(project / "AGENTS.md"), 200)]
    [warning] = memory.warnings
    assert "budget (memory.max_instruction_chars = 400) is spent: 200 characters cut from " \
        f"1 file(s), starting with {project / 'AGENTS.md'}" in warning
    write(project / "CLAUDE.local.md", "C" * 50)
    again = load(max_instruction_chars=400)
    assert again.cuts[-1] == (str(project / "CLAUDE.local.md"), 50)
    assert len(again.warnings) == 1 and "250 characters cut from 2 file(s)" in again.warnings[0]
    assert f"[... 50 characters of {project / 'CLAUDE.local.md'} were cut" in \
        again.instructions_text


def test_plugin_sources_and_change_listeners_connect_through_the_host(project: Path,
                                                                      load) -> None:
    from corral.memory import InstructionFile, MemoryChange
    from corral.memory.session_memory import connect_hooks

    changes: list[MemoryChange] = []

    class Host:  # the facade methods the kernel adds for the two memory hooks
        def memory_sources(self, session: object) -> list[tuple[str, object]]:
            return [("kairos", InstructionFile(path="kairos:today", kind="project",
                                               text="TODAY-LOG"))]

        def memory_changed(self, change: MemoryChange) -> None:
            changes.append(change)

    write(project / "CLAUDE.md", "ROOT")
    memory = load()
    connect_hooks(memory, Host(), session=object())  # type: ignore[arg-type]
    assert [f.kind for f in memory.files] == ["project", "plugin"]
    assert 'kind="plugin" plugin="kairos">\nTODAY-LOG' in memory.instructions_text
    entry = memory.project_store.add("fact")
    assert [c.added for c in changes] == [(entry.id,)] and changes[0].scope == "project"
