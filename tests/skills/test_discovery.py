"""Finding and reading skills: frontmatter as the public collections write it, skills without
frontmatter, broken ones reported with file:line while the others load."""

from __future__ import annotations

import json
from pathlib import Path

from corral.app import App
from corral.session import Session
from corral.skills.catalogue import session_catalogue
from corral.skills.parse import parse_skill

from tests.skills._kit import BROKEN, LOOSE, NOTES, pdf_skill, write_skill


def skills_root(project: Path) -> Path:
    return project / ".claude" / "skills"


def test_a_collection_skill_reads_every_key(project: Path) -> None:
    file = pdf_skill(skills_root(project))
    skill, problems = parse_skill(file, "project")
    assert problems == [] and skill is not None
    assert skill.name == "pdf-tools"  # the frontmatter's name, not the folder's
    assert skill.description.startswith("Fill PDF forms, pull text")
    assert "\n" not in skill.description and skill.description.endswith("to be filled.")
    assert skill.allowed_tools == ["Bash(python scripts/fill_form.py:*)", "Read"]
    assert skill.license == "Proprietary. LICENSE.txt has the complete terms"
    assert skill.extra == {"metadata": {"version": "1.2", "tags": ["pdf", "forms"]},
                           "x-odd-key": "kept as written"}
    assert skill.body.startswith("# PDF tools") and skill.folder == str(file.parent)
    assert (skill.disable_model_invocation, skill.user_invocable) == (False, True)


def test_a_skill_without_frontmatter_takes_its_folder_name_and_first_paragraph(
        project: Path) -> None:
    skill, problems = parse_skill(write_skill(skills_root(project), "release-notes", NOTES),
                                  "project")
    assert skill is not None and problems == []
    assert skill.name == "release-notes"
    assert skill.description == "Write release notes from the git log since the last tag."


def test_broken_yaml_is_an_error_at_its_line_and_the_other_skills_load(
        project: Path, corral_app: App | None = None) -> None:
    root = skills_root(project)
    pdf_skill(root)
    broken = write_skill(root, "broken", BROKEN)
    loose = write_skill(root, "loose", LOOSE)
    app = App.create(cwd=project, environ={"CORRAL_LOAD_PLUGINS": ""})
    catalogue = session_catalogue(Session(app))
    assert sorted(catalogue.skills) == ["loose", "pdf-tools"]
    by_file = {p.file: p for p in catalogue.problems}
    error = by_file[str(broken)]
    assert error.severity == "error" and error.line in (2, 3), error
    assert str(error).startswith(f"{broken}:{error.line}: error: invalid YAML")
    # YAML rejects the colons, the key: value reading takes them: loaded, with a warning
    warning = by_file[str(loose)]
    assert (warning.severity, warning.line) == ("warning", 3)
    assert catalogue.skills["loose"].description == ("Use when: the YAML parser chokes on a "
                                                     "colon: like this")
    assert catalogue.skills["loose"].argument_hint == "[file] [mode]"


def test_project_skills_shadow_user_skills_and_flags_are_read_leniently(
        project: Path) -> None:
    from corral import paths

    write_skill(paths.claude_user_dir() / "skills", "deploy",
                "---\ndescription: the user's deploy\n---\nuser\n")
    write_skill(paths.user_config_dir() / "skills", "tidy",
                "---\ndescription: tidy up\ndisable-model-invocation: yes\n"
                "user-invocable: perhaps\n---\nTidy.\n")
    write_skill(skills_root(project), "deploy",
                "---\ndescription: the project's deploy\n---\nproject\n")
    app = App.create(cwd=project, environ={"CORRAL_LOAD_PLUGINS": ""})
    catalogue = session_catalogue(Session(app))
    assert catalogue.skills["deploy"].description == "the project's deploy"
    assert catalogue.skills["deploy"].source == "project"
    assert catalogue.skills["tidy"].source == "user"
    assert catalogue.skills["tidy"].disable_model_invocation is True
    assert catalogue.skills["tidy"].user_invocable is True  # "perhaps" is not a yes
    messages = [p.message for p in catalogue.problems]
    assert any("shadowed by" in m and "deploy" in m for m in messages)
    assert any("user-invocable: 'perhaps'" in m for m in messages)
    assert [s.name for s in catalogue.for_model()] == ["deploy"]


def test_corral_skills_json_lists_skills_and_problems(project: Path, run_cli) -> None:
    root = skills_root(project)
    pdf_skill(root)
    broken = write_skill(root, "broken", BROKEN)
    code, out, err = run_cli("skills", "--json")
    assert code == 1, out + err  # a skill failed to load
    data = json.loads(out)
    [pdf] = data["skills"]
    assert (pdf["name"], pdf["source"]) == ("pdf-tools", "project")
    assert pdf["path"] == str(root / "pdf" / "SKILL.md")
    assert pdf["description"].startswith("Fill PDF forms")
    [problem] = data["problems"]
    assert problem["file"] == str(broken) and problem["severity"] == "error"
    assert problem["line"] >= 2
    code, out, _ = run_cli("skills")
    assert "pdf-tools (project)" in out and f"{broken}:{problem['line']}: error" in out


def test_doctor_lists_skills_that_failed_to_load(project: Path, run_cli) -> None:
    broken = write_skill(skills_root(project), "broken", BROKEN)
    code, out, err = run_cli("doctor")
    flat = "".join(out.split())  # the console wraps long lines
    assert "".join(f"{broken}:".split()) in flat and "invalidYAML" in flat, out
    assert code == 1


def test_no_skill_folder_means_no_listing_no_tool_and_nothing_imported(project: Path) -> None:
    import sys

    from corral.internal_plugins.skills import catalogue

    app = App.create(cwd=project, environ={"CORRAL_LOAD_PLUGINS": ""})
    session = Session(app)
    assert catalogue(session) is None
    names = [t.name for _, t in app.host.register_tools(session)]
    assert "Skill" not in names
    # this test process may have imported them elsewhere; a fresh one is checked by
    # test_a_headless_run_without_skills_imports_nothing_of_them
    del sys


def test_skills_of_added_directories_load_after_the_projects(project: Path,
                                                             tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    write_skill(shared / ".claude" / "skills", "lint-all",
                "---\ndescription: lint every package\n---\nlint\n")
    write_skill(shared / ".claude" / "skills", "deploy",
                "---\ndescription: the shared deploy\n---\nshared\n")
    write_skill(skills_root(project), "deploy",
                "---\ndescription: the project's deploy\n---\nproject\n")
    (project / ".claude" / "corral.toml").write_text(
        f'[permissions]\nadditional_directories = ["{shared}"]\n')
    app = App.create(cwd=project, environ={"CORRAL_LOAD_PLUGINS": ""})
    catalogue = session_catalogue(Session(app))
    assert catalogue.skills["lint-all"].file == str(shared / ".claude" / "skills" / "lint-all"
                                                    / "SKILL.md")
    assert catalogue.skills["deploy"].description == "the project's deploy"
    assert any("shadowed by" in p.message and "deploy" in p.message
               for p in catalogue.problems)


def test_add_dir_on_the_command_line_brings_its_skills(project: Path, tmp_path: Path,
                                                       run_cli) -> None:
    other = tmp_path / "other"
    write_skill(other / ".claude" / "skills", "bench-it",
                "---\ndescription: run the benchmarks\n---\nbench\n")
    code, out, err = run_cli("skills", "--json")
    assert "bench-it" not in out, out
    code, out, err = run_cli("--add-dir", str(other), "skills", "--json")
    names = [s["name"] for s in json.loads(out)["skills"]]
    assert "bench-it" in names, out + err
