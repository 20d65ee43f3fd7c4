"""A skill's allowed-tools and model last until the turn ends, in the same session."""

from __future__ import annotations

import asyncio
from pathlib import Path

from corral.app import App
from corral.events import TurnEnded
from corral.permissions.session import TURN_ALLOW, permission_context
from corral.session import Session
from corral.skills.activate import activate
from corral.skills.model import Skill


def test_turn_end_takes_back_the_rules_and_the_model(project: Path) -> None:
    app = App.create(cwd=project, environ={"CORRAL_LOAD_PLUGINS": ""})
    session = Session(app)
    session.stash[TURN_ALLOW] = [("Bash(make:*)", "a custom command")]
    before_model = session.model
    skill = Skill(name="quick", description="d", file="/s/quick/SKILL.md", folder="/s/quick",
                  source="project", body="b", allowed_tools=["Bash(touch:*)"], model="haiku")
    activate(session, skill)
    assert session.model == "claude-haiku-4-5"
    rules = [r.rule.text for r in permission_context(session).rules.for_tool("allow", "Bash",
                                                                              "bash")]
    assert "Bash(touch:*)" in rules and "Bash(make:*)" in rules
    asyncio.run(app.host.on_event(session, TurnEnded(reason="success")))
    assert session.model == before_model
    # the command's own turn-only rule stays; the skill's is gone
    assert session.stash[TURN_ALLOW] == [("Bash(make:*)", "a custom command")]
    rules = [r.rule.text for r in permission_context(session).rules.for_tool("allow", "Bash",
                                                                              "bash")]
    assert "Bash(touch:*)" not in rules


def test_substitutions_fill_in_the_folder_session_and_arguments() -> None:
    from corral.skills.activate import substitute

    body = ("Run ${CLAUDE_SKILL_DIR}/scripts/go.py $ARGUMENTS[0] --mode $ARGUMENTS[1] "
            "($ARGUMENTS[5]) in ${CLAUDE_SESSION_ID}; all: $ARGUMENTS; awk '{print $1}'")
    text = substitute(body, '"my file.txt" fast', "/skills/go", "sess-1")
    assert text == ("Run /skills/go/scripts/go.py my file.txt --mode fast () in sess-1; "
                    "all: \"my file.txt\" fast; awk '{print $1}'")
    # no placeholder: the arguments are added at the end; none given: nothing is added
    assert substitute("Do it.", "now", "/f", "s") == "Do it.\n\nARGUMENTS: now"
    assert substitute("Do it $ARGUMENTS.", "", "/f", "s") == "Do it ."
