from __future__ import annotations

import os
from pathlib import Path

from corral.custom_commands import expand, load_custom_commands


def test_project_commands_override_user_commands_and_expand(project: Path) -> None:
    user = Path(os.environ["CLAUDE_CONFIG_DIR"]) / "commands"
    user.mkdir(parents=True)
    (user / "review.md").write_text("user version $ARGUMENTS")
    (user / "hello.md").write_text("Say hello to $1 and $2.")
    cmds = project / ".claude" / "commands"
    (cmds / "git").mkdir(parents=True)
    (cmds / "review.md").write_text(
        "---\ndescription: Review a file\nargument-hint: FILE\nallowed-tools: Read, Grep\n"
        "model: haiku\n---\nReview @notes.txt with focus on $ARGUMENTS.\n"
    )
    (cmds / "git" / "summary.md").write_text("Summarize the git log.\n")
    (project / "notes.txt").write_text("the notes")
    found, problems = load_custom_commands(project)
    assert problems == []
    assert sorted(found) == ["git:summary", "hello", "review"]
    review = found["review"]
    assert (review.description, review.argument_hint, review.model) == ("Review a file", "FILE", "haiku")
    assert review.allowed_tools == ["Read", "Grep"]
    prompt = expand(review, "error handling", project)
    assert "focus on error handling" in prompt and "the notes" in prompt
    assert expand(found["hello"], 'Ada "Grace Hopper"', project) == "Say hello to Ada and Grace Hopper."


def test_broken_frontmatter_is_reported_and_others_load(project: Path) -> None:
    cmds = project / ".claude" / "commands"
    cmds.mkdir(parents=True)
    # not YAML, but key: value lines, as Claude Code reads them
    (cmds / "loose.md").write_text("---\ndescription: [unclosed\n---\nbody\n")
    # neither YAML nor key: value lines
    (cmds / "bad.md").write_text("---\n{ nope: [\n---\nbody\n")
    (cmds / "good.md").write_text("fine")
    found, problems = load_custom_commands(project)
    assert list(found) == ["good", "loose"]
    assert found["loose"].description == "[unclosed"
    assert len(problems) == 1 and "bad.md:3: bad frontmatter" in problems[0]  # where YAML gave up
