"""Claude Code's command-line flags that scripts pass to ``-p``: each one parsed and acted on,
end to end through the real CLI against the scripted server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from corral.testing import (
    MessagesServer,
    message,
    overloaded,
    rate_limited,
    text,
    text_block,
    tool_block,
    tool_use,
)

from tests.cli.conftest import result_of


def lines_of(out: str) -> list[dict]:
    return [json.loads(line) for line in out.strip().splitlines()]


def write_then_done(server: MessagesServer) -> None:
    server.enqueue(tool_use("Write", {"file_path": "out.txt", "content": "written\n"}),
                   text("done"))


# -- --verbose --------------------------------------------------------------------------------

def test_verbose_stream_json_is_the_same_stream(anthropic_server, run_cli, project) -> None:
    (project / "notes.txt").write_text("alpha\n")
    for _ in range(2):
        anthropic_server.enqueue(tool_use("Read", {"file_path": "notes.txt"}), text("one line"))
    code, plain, plain_err = run_cli("-p", "read it", "--output-format", "stream-json")
    assert code == 0, plain_err
    code, verbose, err = run_cli("-p", "read it", "--output-format", "stream-json", "--verbose")
    assert code == 0, err
    shape = [(line["type"], line.get("subtype")) for line in lines_of(verbose)]
    assert shape == [(line["type"], line.get("subtype")) for line in lines_of(plain)]
    assert shape == [("system", "init"), ("assistant", None), ("user", None),
                     ("assistant", None), ("result", "success")]
    assert err == plain_err  # nothing more on stderr: a stream reader may merge the two


def test_verbose_text_says_more_on_stderr_only(anthropic_server, run_cli, project) -> None:
    (project / "notes.txt").write_text("alpha\n")
    anthropic_server.enqueue(
        message(text_block("Let me look at the file."),
                tool_block("Read", {"file_path": "notes.txt"})),
        text("It says alpha."),
    )
    code, out, err = run_cli("-p", "what does it say?", "--verbose")
    assert code == 0, err
    assert out == "It says alpha.\n"
    lines = err.splitlines()
    assert lines[0].startswith("corral: session ") and "permission mode default" in lines[0]
    assert "corral: assistant: Let me look at the file." in lines
    [ran] = [line for line in lines if line.startswith("corral: ran ")]
    assert ran.startswith("corral: ran Read(notes.txt): ok in ")
    assert lines[-1].startswith("corral: success: 2 turns in ")
    assert "input and" in lines[-1] and "$" in lines[-1]


def test_without_verbose_text_stderr_stays_quiet(anthropic_server, run_cli, project) -> None:
    (project / "notes.txt").write_text("alpha\n")
    anthropic_server.enqueue(tool_use("Read", {"file_path": "notes.txt"}), text("alpha"))
    code, out, err = run_cli("-p", "what does it say?")
    assert code == 0 and out == "alpha\n" and err == ""


def test_verbose_json_is_still_one_object(anthropic_server, run_cli) -> None:
    anthropic_server.enqueue(text("hi"))
    code, out, err = run_cli("-p", "x", "--output-format", "json", "--verbose")
    assert code == 0, err
    obj = json.loads(out)  # one object, not a list of messages
    assert isinstance(obj, dict) and obj["result"] == "hi"


def test_verbose_is_accepted_by_subcommands(run_cli) -> None:
    code, out, err = run_cli("config", "show", "--verbose")
    assert code == 0, err
    assert "model" in out


# -- --dangerously-skip-permissions -----------------------------------------------------------

def test_skip_permissions_runs_tool_calls_without_asking(anthropic_server, run_cli,
                                                         project) -> None:
    write_then_done(anthropic_server)
    code, out, err = run_cli("-p", "write it", "--output-format", "stream-json", "--verbose",
                             "--dangerously-skip-permissions")
    assert code == 0, err
    lines = lines_of(out)
    assert lines[0]["permissionMode"] == "bypassPermissions"
    assert (project / "out.txt").read_text() == "written\n"
    assert lines[-1]["permission_denials"] == []


def test_without_skip_permissions_the_write_is_refused(anthropic_server, run_cli,
                                                       project) -> None:
    write_then_done(anthropic_server)
    code, out, err = run_cli("-p", "write it", "--output-format", "json")
    assert code == 0, err
    assert not (project / "out.txt").exists()
    assert [d["tool_name"] for d in result_of(out)["permission_denials"]] == ["Write"]


@pytest.mark.parametrize("where", ["managed", "claude-settings"])
def test_the_bypass_lock_still_wins(anthropic_server, run_cli, project: Path,
                                    corral_isolated: Path, where: str) -> None:
    if where == "managed":
        managed = corral_isolated.parent / "managed"
        managed.mkdir(parents=True, exist_ok=True)
        (managed / "managed.toml").write_text("[permissions]\ndisable_bypass_mode = true\n")
    else:
        (project / ".claude" / "settings.json").write_text(
            '{"permissions": {"disableBypassPermissionsMode": "disable"}}')
    write_then_done(anthropic_server)
    code, out, err = run_cli("-p", "write it", "--output-format", "json",
                             "--dangerously-skip-permissions")
    assert code == 0, err
    assert not (project / "out.txt").exists()
    assert [d["tool_name"] for d in result_of(out)["permission_denials"]] == ["Write"]
    assert "bypassPermissions is disabled" in err


def test_skip_permissions_keeps_deny_rules(anthropic_server, run_cli, project) -> None:
    write_then_done(anthropic_server)
    code, out, err = run_cli("-p", "write it", "--output-format", "json",
                             "--dangerously-skip-permissions", "--disallowedTools", "Write(out.txt)")
    assert code == 0, err
    assert not (project / "out.txt").exists()
    assert result_of(out)["permission_denials"]


# -- the parser -------------------------------------------------------------------------------

def test_unknown_flags_are_still_errors(run_cli) -> None:
    with pytest.raises(SystemExit) as exc:
        run_cli("-p", "x", "--no-such-flag")
    assert exc.value.code == 2


def test_help_lists_the_new_flags(run_cli, capsys) -> None:
    with pytest.raises(SystemExit):
        run_cli("--help")
    out = capsys.readouterr().out
    for flag in ("--verbose", "--dangerously-skip-permissions", "--system-prompt TEXT",
                 "--system-prompt-file FILE", "--append-system-prompt-file FILE",
                 "--settings FILE_OR_JSON", "--session-id UUID",
                 "--no-session-persistence", "--fallback-model MODEL",
                 "--include-partial-messages"):
        assert flag in out, flag


# -- --system-prompt and the prompt files -----------------------------------------------------

def system_text(server: MessagesServer, index: int = 0) -> str:
    system = server.message_requests[index].body["system"]
    return system if isinstance(system, str) else "\n".join(b["text"] for b in system)


def test_system_prompt_replaces_corrals_own_but_keeps_memory(anthropic_server, run_cli,
                                                             project) -> None:
    (project / "CLAUDE.md").write_text("Project rule: tabs, never spaces.\n")
    anthropic_server.enqueue(text("ok"))
    code, out, err = run_cli("-p", "hi", "--system-prompt", "You answer in haiku.",
                             "--append-system-prompt", "Sign with a dash.")
    assert code == 0, err
    system = system_text(anthropic_server)
    assert "You are corral" not in system and "Working directory:" not in system
    assert "Project rule: tabs, never spaces." in system
    assert system.index("You answer in haiku.") < system.index("Sign with a dash.")


def test_without_system_prompt_corrals_own_is_sent(anthropic_server, run_cli) -> None:
    anthropic_server.enqueue(text("ok"))
    code, _, err = run_cli("-p", "hi")
    assert code == 0, err
    system = system_text(anthropic_server)
    assert "You are corral" in system and "Working directory:" in system


def test_prompt_files(anthropic_server, run_cli, project) -> None:
    (project / "role.txt").write_text("You review SQL only.\n")
    (project / "extra.md").write_text("Answer in French.\n")
    anthropic_server.enqueue(text("ok"))
    code, _, err = run_cli("-p", "hi", "--system-prompt-file", "role.txt",
                           "--append-system-prompt", "Be brief.",
                           "--append-system-prompt-file", "extra.md")
    assert code == 0, err
    system = system_text(anthropic_server)
    assert "You are corral" not in system
    assert system.index("You review SQL only.") < system.index("Be brief.") \
        < system.index("Answer in French.")


def test_append_file_keeps_corrals_prompt(anthropic_server, run_cli, project) -> None:
    (project / "extra.md").write_text("Answer in French.\n")
    anthropic_server.enqueue(text("ok"))
    code, _, err = run_cli("-p", "hi", "--append-system-prompt-file", "extra.md")
    assert code == 0, err
    system = system_text(anthropic_server)
    assert system.index("You are corral") < system.index("Answer in French.")


@pytest.mark.parametrize("args, message", [
    (["--system-prompt-file", "missing.txt"], "--system-prompt-file missing.txt: no such file"),
    (["--append-system-prompt-file", "missing.md"],
     "--append-system-prompt-file missing.md: no such file"),
    (["--system-prompt", "a", "--system-prompt-file", "role.txt"],
     "--system-prompt and --system-prompt-file both replace"),
])
def test_prompt_flag_errors(anthropic_server, run_cli, project, args, message) -> None:
    (project / "role.txt").write_text("x")
    code, out, err = run_cli("-p", "hi", *args)
    assert code == 2 and message in err
    assert anthropic_server.message_requests == []


# -- --settings -------------------------------------------------------------------------------

def test_settings_file_is_a_layer_for_this_run(anthropic_server, run_cli, project) -> None:
    (project / "run-settings.json").write_text(
        '{"permissions": {"allow": ["Write(out.txt)"]}, "model": "claude-haiku-4-5"}')
    write_then_done(anthropic_server)
    code, out, err = run_cli("-p", "write it", "--output-format", "json",
                             "--settings", "run-settings.json")
    assert code == 0, err
    assert (project / "out.txt").read_text() == "written\n"
    assert result_of(out)["permission_denials"] == []
    assert anthropic_server.message_requests[0].body["model"] == "claude-haiku-4-5"


def test_inline_settings_json(anthropic_server, run_cli, project) -> None:
    write_then_done(anthropic_server)
    code, out, err = run_cli("-p", "write it", "--output-format", "json",
                             "--settings", '{"permissions": {"allow": ["Write"]}}')
    assert code == 0, err
    assert (project / "out.txt").exists()


def test_settings_precedence(anthropic_server, run_cli, project, monkeypatch) -> None:
    (project / ".claude" / "settings.local.json").write_text('{"model": "from-local"}')
    inline = '{"model": "from-settings-flag"}'
    anthropic_server.enqueue(text("1"), text("2"), text("3"))
    assert run_cli("-p", "x", "--settings", inline)[0] == 0  # above every settings file
    assert run_cli("-p", "x", "--settings", inline, "--model", "from-model-flag")[0] == 0
    monkeypatch.setenv("ANTHROPIC_MODEL", "from-env")  # the environment is above it too
    assert run_cli("-p", "x", "--settings", inline)[0] == 0
    models = [r.body["model"] for r in anthropic_server.message_requests]
    assert models == ["from-settings-flag", "from-model-flag", "from-env"]


def test_managed_policy_stays_above_settings(anthropic_server, run_cli, project,
                                             corral_isolated: Path) -> None:
    managed = corral_isolated.parent / "managed"
    managed.mkdir(parents=True, exist_ok=True)
    (managed / "managed.toml").write_text('[permissions]\ndeny = ["Write"]\n')
    write_then_done(anthropic_server)
    code, out, err = run_cli("-p", "write it", "--output-format", "json",
                             "--settings", '{"permissions": {"allow": ["Write"], '
                             '"defaultMode": "bypassPermissions"}}')
    assert code == 0, err
    assert not (project / "out.txt").exists()


@pytest.mark.parametrize("value, file_text, message", [
    ("bad.json", '{"permissions": {"allow": ', "--settings bad.json: invalid JSON"),
    ("bad.json", '{"permissions": {"allow": [1]}}',
     "--settings bad.json: permissions.allow: expected a list of strings (line 1, column 18)"),
    ("missing.json", None, "--settings missing.json: no such file"),
    ('{"model": ', None, "--settings JSON: invalid JSON"),
    ('["a"]', None, "--settings JSON: expected a JSON object at the top level"),
])
def test_bad_settings_are_clear_errors(anthropic_server, run_cli, project, value, file_text,
                                       message) -> None:
    if file_text is not None:
        (project / value).write_text(file_text)
    code, out, err = run_cli("-p", "hi", "--settings", value)
    assert code == 2
    assert f"corral: error: {message}" in err
    assert anthropic_server.message_requests == []


def test_config_show_names_the_settings_flag(run_cli, project) -> None:
    (project / "s.json").write_text('{"model": "claude-haiku-4-5"}')
    code, out, err = run_cli("config", "show", "--origin", "--settings", "s.json")
    assert code == 0, err
    assert 'model = "claude-haiku-4-5"  # --settings s.json' in out


# -- --session-id and --no-session-persistence ------------------------------------------------

SESSION_ID = "0b5e8f3c-1d2a-4c6e-9f70-8a1b2c3d4e5f"


def transcripts(project: Path) -> list[Path]:
    from corral.engine.transcript import project_dir

    folder = project_dir(project.resolve())
    return sorted(folder.glob("*.jsonl")) if folder.is_dir() else []


def test_session_id_names_the_new_session(anthropic_server, run_cli, project) -> None:
    anthropic_server.enqueue(text("first answer"), text("second answer"))
    code, out, err = run_cli("-p", "remember 42", "--output-format", "stream-json",
                             "--session-id", SESSION_ID.upper())
    assert code == 0, err
    lines = lines_of(out)
    assert lines[0]["session_id"] == SESSION_ID and lines[-1]["session_id"] == SESSION_ID
    assert [p.name for p in transcripts(project)] == [f"{SESSION_ID}.jsonl"]
    # resumable under that id
    code, out, err = run_cli("-p", "what number?", "--output-format", "json", "-r", SESSION_ID)
    assert code == 0, err
    assert result_of(out)["session_id"] == SESSION_ID
    sent = anthropic_server.message_requests[1].body["messages"]
    assert "remember 42" in json.dumps(sent[0]) and "first answer" in json.dumps(sent[1])


def test_session_id_already_used(anthropic_server, run_cli, project) -> None:
    anthropic_server.enqueue(text("one"))
    assert run_cli("-p", "x", "--session-id", SESSION_ID)[0] == 0
    code, out, err = run_cli("-p", "x", "--session-id", SESSION_ID)
    assert code == 2 and f"--session-id {SESSION_ID}: a session with this id already exists" in err
    assert len(anthropic_server.message_requests) == 1


@pytest.mark.parametrize("args, message", [
    (["--session-id", "not-a-uuid"], "--session-id 'not-a-uuid': not a UUID"),
    (["--session-id", SESSION_ID, "-c"], "cannot be combined with -c/--continue"),
])
def test_bad_session_ids(anthropic_server, run_cli, args, message) -> None:
    code, out, err = run_cli("-p", "x", *args)
    assert code == 2 and message in err
    assert anthropic_server.message_requests == []


def test_no_session_persistence_writes_no_transcript(anthropic_server, run_cli,
                                                     project) -> None:
    (project / "notes.txt").write_text("alpha\n")
    anthropic_server.enqueue(tool_use("Read", {"file_path": "notes.txt"}), text("alpha"))
    code, out, err = run_cli("-p", "read", "--output-format", "json",
                             "--no-session-persistence")
    assert code == 0, err
    assert result_of(out)["result"] == "alpha"
    assert transcripts(project) == []
    code, out, err = run_cli("-p", "again", "-c")
    assert code != 0 and "no earlier session" in err
    # without the flag the same run is kept
    anthropic_server.enqueue(text("kept"))
    assert run_cli("-p", "x")[0] == 0
    assert len(transcripts(project)) == 1


# -- --fallback-model -------------------------------------------------------------------------

def test_fallback_model_after_overloaded_answers(anthropic_server, run_cli) -> None:
    anthropic_server.enqueue(overloaded(), overloaded(), overloaded(),
                             tool_use("Glob", {"pattern": "*"}), text("answered by haiku"))
    code, out, err = run_cli("-p", "x", "--output-format", "stream-json", "--verbose",
                             "--model", "opus", "--fallback-model", "haiku")
    assert code == 0, err
    models = [r.body["model"] for r in anthropic_server.message_requests]
    # three overloaded answers (max_retries = 3 here), then the rest of the session on haiku
    assert models == ["claude-opus-4-7"] * 3 + ["claude-haiku-4-5"] * 2
    lines = lines_of(out)
    [switch] = [line for line in lines if line.get("subtype") == "model_fallback"]
    assert switch["type"] == "system" and switch["session_id"] == lines[0]["session_id"]
    assert switch["from_model"] == "claude-opus-4-7" and switch["to_model"] == "claude-haiku-4-5"
    assert "overloaded" in switch["reason"]
    assert lines.index(switch) < [line["type"] for line in lines].index("assistant")
    assert lines[-1]["subtype"] == "success" and lines[-1]["result"] == "answered by haiku"


def test_fallback_is_said_on_stderr_in_text_mode(anthropic_server, run_cli) -> None:
    anthropic_server.enqueue(overloaded(), overloaded(), overloaded(), text("ok"))
    code, out, err = run_cli("-p", "x", "--model", "opus", "--fallback-model", "haiku")
    assert code == 0 and out == "ok\n"
    assert ("corral: claude-opus-4-7 stayed overloaded; continuing with the fallback model "
            "claude-haiku-4-5") in err


def test_other_errors_do_not_fall_back(anthropic_server, run_cli) -> None:
    anthropic_server.enqueue(rate_limited(), rate_limited(), rate_limited(), text("ok"))
    code, out, err = run_cli("-p", "x", "--model", "opus", "--fallback-model", "haiku")
    assert code == 0, err
    assert {r.body["model"] for r in anthropic_server.message_requests} == {"claude-opus-4-7"}
    assert "fallback" not in err


def test_fallback_model_must_differ(anthropic_server, run_cli) -> None:
    code, out, err = run_cli("-p", "x", "--model", "haiku", "--fallback-model",
                             "claude-haiku-4-5")
    assert code == 2 and "--fallback-model claude-haiku-4-5: the same model" in err
    assert anthropic_server.message_requests == []


# -- --include-partial-messages ---------------------------------------------------------------

def test_partial_messages_carry_the_raw_stream(anthropic_server, run_cli, project) -> None:
    anthropic_server.enqueue(tool_use("Glob", {"pattern": "*.txt"}),
                             text("The quick brown fox jumps over the lazy dog."))
    code, out, err = run_cli("-p", "x", "--output-format", "stream-json", "--verbose",
                             "--include-partial-messages")
    assert code == 0, err
    lines = lines_of(out)
    session_id = lines[0]["session_id"]
    partial = [line for line in lines if line["type"] == "stream_event"]
    assert all(p["session_id"] == session_id and p["parent_tool_use_id"] is None
               for p in partial)
    assert len({p["uuid"] for p in partial}) == len(partial)
    kinds = [line["event"]["type"] if line["type"] == "stream_event" else line["type"]
             for line in lines]
    # each reply: its raw events as they came, then its assistant line
    first_stop = kinds.index("message_stop")
    assert kinds[1] == "message_start" and kinds[first_stop + 1] == "assistant"
    assert "ping" not in kinds
    assistants = [line for line in lines if line["type"] == "assistant"]
    starts = [p["event"] for p in partial if p["event"]["type"] == "message_start"]
    assert [s["message"]["id"] for s in starts] == [a["message"]["id"] for a in assistants]
    assert starts[0]["message"]["role"] == "assistant" and starts[0]["message"]["model"]
    deltas = [p["event"] for p in partial if p["event"]["type"] == "content_block_delta"]
    tool_json = "".join(d["delta"]["partial_json"] for d in deltas
                        if d["delta"]["type"] == "input_json_delta")
    assert json.loads(tool_json) == {"pattern": "*.txt"}
    words = "".join(d["delta"]["text"] for d in deltas if d["delta"]["type"] == "text_delta")
    assert words == "The quick brown fox jumps over the lazy dog."
    assert set(deltas[-1]["delta"]) == {"type", "text"}
    [stop_reason] = {p["event"]["delta"]["stop_reason"] for p in partial
                     if p["event"]["type"] == "message_delta" and
                     p["event"]["delta"]["stop_reason"] == "end_turn"}
    assert stop_reason == "end_turn" and lines[-1]["type"] == "result"


def test_partial_messages_need_stream_json(anthropic_server, run_cli) -> None:
    code, out, err = run_cli("-p", "x", "--output-format", "json", "--include-partial-messages")
    assert code == 2 and "--include-partial-messages needs --output-format stream-json" in err
    assert anthropic_server.message_requests == []


def test_fallback_comes_sooner_when_fewer_retries_are_allowed(anthropic_server, run_cli) -> None:
    anthropic_server.enqueue(overloaded(), text("ok"))
    code, out, err = run_cli("-p", "x", "--model", "opus", "--fallback-model", "haiku",
                             "--set", "api.max_retries=0")
    assert code == 0, err
    models = [r.body["model"] for r in anthropic_server.message_requests]
    assert models == ["claude-opus-4-7", "claude-haiku-4-5"]


def test_settings_hooks_run(anthropic_server, run_cli, project) -> None:
    settings = json.dumps({"hooks": {"PreToolUse": [{"matcher": "Write", "hooks": [
        {"type": "command", "command": "echo blocked-by-settings-hook >&2; exit 2"}]}]}})
    write_then_done(anthropic_server)
    code, out, err = run_cli("-p", "write it", "--output-format", "json",
                             "--dangerously-skip-permissions", "--settings", settings)
    assert code == 0, err
    assert not (project / "out.txt").exists()
    result = anthropic_server.message_requests[1].body["messages"][-1]["content"][0]
    assert result["is_error"] and "blocked-by-settings-hook" in json.dumps(result["content"])
