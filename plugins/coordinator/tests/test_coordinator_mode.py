"""Coordinator mode end to end: ``corral -p --set plugins.coordinator.mode=true`` against the
scripted server, one script per agent (routed by a marker in its system prompt)."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import pytest
from corral.testing import MessagesServer, RecordedRequest, message, text, tool_block, tool_use

from ._coord import MODE, all_notes, notes_in, spawn, texts_of, wait_for
from ._script import MAIN, Router, system_text, tool_names
from .conftest import RunCli, alive, result_of, write_agent


def _wait_until_done(router: Router, count: int, then: str) -> list:  # noqa: ANN001
    """Coordinator steps: WaitWorkers until ``count`` notifications were seen, then ``then``."""

    def step(request: RecordedRequest):  # noqa: ANN202
        if len(all_notes(router.seen[MAIN])) >= count:
            return text(then)
        return tool_use("WaitWorkers", {"timeout_s": 20})

    return [step] * 8


def test_two_workers_run_concurrently_and_report_back(
    anthropic_server: MessagesServer, run_cli: RunCli, project: Path
) -> None:
    agents = project / ".claude" / "agents"
    write_agent(agents, "alpha", "You are ALPHA-MARK.", tools="Write, Read")
    write_agent(agents, "beta", "You are BETA-MARK.", tools="Write, Read")
    beta_started = threading.Event()

    def alpha_first(request: RecordedRequest):  # noqa: ANN202
        # answers only once beta's first request is in flight: proof that both run at once
        together = wait_for(beta_started)
        name = "a.txt" if together else "alone.txt"
        return tool_use("Write", {"file_path": name, "content": "from alpha\n"})

    def beta_first(request: RecordedRequest):  # noqa: ANN202
        beta_started.set()
        return tool_use("Write", {"file_path": "b.txt", "content": "from beta\n"})

    router = Router({
        MAIN: [message(tool_block("SpawnWorker", spawn("alpha", "write a.txt"), id="toolu_s1"),
                       tool_block("SpawnWorker", spawn("beta", "write b.txt"), id="toolu_s2"))],
        "ALPHA-MARK": [alpha_first, text("alpha wrote a.txt").with_usage(input_tokens=300,
                                                                         output_tokens=7)],
        "BETA-MARK": [beta_first, text("beta wrote b.txt")],
    })
    router.scripts[MAIN] += _wait_until_done(router, 2, "Both workers are done.")
    anthropic_server.respond_with(router)
    code, out, err = run_cli("-p", "write both files", "--output-format", "json",
                             "--permission-mode", "acceptEdits", *MODE)
    assert code == 0, out + err
    result = result_of(out)
    assert result["result"] == "Both workers are done."
    assert (project / "a.txt").read_text() == "from alpha\n"
    assert not (project / "alone.txt").exists()
    assert (project / "b.txt").read_text() == "from beta\n"

    first = router.seen[MAIN][0]
    assert "You are the coordinator of a team of worker agents" in system_text(first)
    assert tool_names(first) == {"SpawnWorker", "SendMessage", "StopWorker", "WaitWorkers",
                                 "Read", "Grep", "Glob", "TodoWrite"}
    assert tool_names(router.seen["ALPHA-MARK"][0]) == {"Write", "Read"}
    # the spawn results come back at once, with the ids
    spawned = texts_of(router.seen[MAIN][1])
    assert "Worker w1 (alpha) started" in spawned and "Worker w2 (beta) started" in spawned
    notes = all_notes(router.seen[MAIN])
    assert notes["w1"][0] == "completed" and "alpha wrote a.txt" in notes["w1"][1]
    assert notes["w2"][0] == "completed" and "beta wrote b.txt" in notes["w2"][1]
    used = re.search(r"usage: 2 model requests, (\d+) input", notes["w1"][1])
    assert used is not None and int(used.group(1)) >= 300
    # the workers' usage rolls up into the coordinator's totals
    assert result["usage"]["input_tokens"] >= 300


def test_follow_up_reaches_a_busy_worker_with_its_next_request(
    anthropic_server: MessagesServer, run_cli: RunCli, project: Path
) -> None:
    write_agent(project / ".claude" / "agents", "alpha", "You are ALPHA-MARK.", tools="Read")
    (project / "notes.txt").write_text("hello\n")
    sent = threading.Event()

    def coordinator_sent(request: RecordedRequest):  # noqa: ANN202
        return tool_use("SendMessage", {"to": "w1", "message": "Also say FOLLOWUP-42."})

    def alpha_first(request: RecordedRequest):  # noqa: ANN202
        wait_for(sent)  # keep the worker busy until the follow-up was sent
        return tool_use("Read", {"file_path": "notes.txt"})

    def main_after_send(request: RecordedRequest):  # noqa: ANN202
        sent.set()
        return tool_use("WaitWorkers", {"timeout_s": 20})

    router = Router({
        MAIN: [tool_use("SpawnWorker", spawn("alpha", "read notes.txt")), coordinator_sent,
               main_after_send, text("relayed")],
        "ALPHA-MARK": [alpha_first, text("notes say hello; FOLLOWUP-42")],
    })
    anthropic_server.respond_with(router)
    code, out, err = run_cli("-p", "go", "--output-format", "json", *MODE)
    assert code == 0, out + err
    assert "is running; it gets the message with its next" in texts_of(router.seen[MAIN][2])
    second = router.seen["ALPHA-MARK"][1]
    assert "<coordinator-message>\nAlso say FOLLOWUP-42.\n</coordinator-message>" in \
        texts_of(second)
    assert "hello" in texts_of(second)  # the Read result is still there, before the message
    [(status, block)] = notes_in(router.seen[MAIN][3]).values()
    assert status == "completed" and "FOLLOWUP-42" in block


@pytest.mark.usefixtures("corral_no_sandbox")
def test_stop_then_resume_a_worker_with_a_message(
    anthropic_server: MessagesServer, run_cli: RunCli, project: Path
) -> None:
    write_agent(project / ".claude" / "agents", "sleeper", "You are SLEEPER-MARK.",
                tools="Bash")
    pid_file = project / "pid.txt"

    def stop_once_sleeping(request: RecordedRequest):  # noqa: ANN202
        for _ in range(500):
            if pid_file.exists() and pid_file.read_text().strip():
                break
            time.sleep(0.02)
        return tool_use("StopWorker", {"worker_id": "w1"})

    router = Router({
        MAIN: [tool_use("SpawnWorker", spawn("sleeper", "sleep a while")), stop_once_sleeping,
               tool_use("SendMessage", {"to": "w1", "message": "Never mind; just say hi."}),
               tool_use("WaitWorkers", {"timeout_s": 20}), text("done")],
        "SLEEPER-MARK": [tool_use("Bash", {"command": "echo $$ > pid.txt; exec sleep 60"}),
                         text("hi after the stop")],
    })
    anthropic_server.respond_with(router)
    code, out, err = run_cli("-p", "go", "--output-format", "json",
                             "--permission-mode", "bypassPermissions", *MODE)
    assert code == 0, out + err
    assert not alive(int(pid_file.read_text())), "the stopped worker's command lives on"
    assert "Worker w1 stopped" in texts_of(router.seen[MAIN][2])
    # the stop notification rides on the next request of the coordinator
    [(status, _)] = notes_in(router.seen[MAIN][2]).values()
    assert status == "stopped"
    assert "resumed with your message" in texts_of(router.seen[MAIN][3])
    resumed = router.seen["SLEEPER-MARK"][1]
    assert "Never mind; just say hi." in texts_of(resumed)
    assert any("Interrupted" in str(m["content"]) for m in resumed.messages)
    [(status, block)] = notes_in(router.seen[MAIN][4]).values()
    assert status == "completed" and "hi after the stop" in block


GATE = """
[plugins.coordinator]
gate_retries = {retries}
[[plugins.coordinator.gate]]
name = "file exists"
command = "test -f fixed.txt"
"""


def test_gate_failure_sends_the_worker_back_and_the_retry_passes(
    anthropic_server: MessagesServer, run_cli: RunCli, project: Path
) -> None:
    write_agent(project / ".claude" / "agents", "fixer", "You are FIXER-MARK.", tools="Write")
    router = Router({
        MAIN: [tool_use("SpawnWorker", spawn("fixer", "create fixed.txt")),
               tool_use("WaitWorkers", {"timeout_s": 20}), text("accepted")],
        "FIXER-MARK": [text("done (nothing written)"),
                       tool_use("Write", {"file_path": "fixed.txt", "content": "ok\n"}),
                       text("fixed.txt is there now")],
    })
    anthropic_server.respond_with(router)
    code, out, err = run_cli("-p", "go", "--output-format", "json",
                             "--permission-mode", "acceptEdits", *MODE,
                             settings=GATE.format(retries=1))
    assert code == 0, out + err
    retry = texts_of(router.seen["FIXER-MARK"][1])
    assert "did not pass the quality gate" in retry and "check 'file exists' failed" in retry
    assert "Quality gate on every worker result: file exists" in system_text(router.seen[MAIN][0])
    [(status, block)] = notes_in(router.seen[MAIN][2]).values()
    assert status == "completed"
    assert "quality gate: passed after 1 retry" in block
    assert "fixed.txt is there now" in block and "done (nothing written)" not in block


def test_gate_that_keeps_failing_is_reported_as_failed(
    anthropic_server: MessagesServer, run_cli: RunCli, project: Path
) -> None:
    write_agent(project / ".claude" / "agents", "fixer", "You are FIXER-MARK.", tools="Write")
    router = Router({
        MAIN: [tool_use("SpawnWorker", spawn("fixer", "create fixed.txt")),
               tool_use("WaitWorkers", {"timeout_s": 20}), text("it failed")],
        "FIXER-MARK": [text("try one"), text("try two")],
    })
    anthropic_server.respond_with(router)
    code, out, err = run_cli("-p", "go", "--output-format", "json", *MODE,
                             settings=GATE.format(retries=1))
    assert code == 0, out + err
    assert len(router.seen["FIXER-MARK"]) == 2
    [(status, block)] = notes_in(router.seen[MAIN][2]).values()
    assert status == "failed"
    assert "quality gate: failed" in block and "failed the quality gate 2 times" in block


def test_reviewer_gate_gets_the_full_tool_set_not_the_coordinators(
    anthropic_server: MessagesServer, run_cli: RunCli, project: Path
) -> None:
    write_agent(project / ".claude" / "agents", "fixer", "You are FIXER-MARK.", tools="Read")
    verifier = "You are an adversarial verifier"
    router = Router({
        MAIN: [tool_use("SpawnWorker", spawn("fixer", "check things")),
               tool_use("WaitWorkers", {"timeout_s": 20}), text("ok")],
        "FIXER-MARK": [text("checked")],
        verifier: [text("ran the checks\nVERDICT: PASS")],
    })
    anthropic_server.respond_with(router)
    code, out, err = run_cli("-p", "go", "--output-format", "json", *MODE,
                             settings="[[plugins.coordinator.gate]]\nagent = \"verifier\"\n")
    assert code == 0, out + err
    [review] = router.seen[verifier]
    offered = tool_names(review)
    assert "Bash" in offered and not offered & {"SpawnWorker", "WaitWorkers", "Agent"}
    [(status, block)] = notes_in(router.seen[MAIN][2]).values()
    assert status == "completed" and "quality gate: passed" in block
