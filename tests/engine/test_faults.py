"""The engine under injected faults: which errors are retried, and how compaction copes."""

from __future__ import annotations

from corral.testing import MessagesServer, error, text

from tests.cli.conftest import result_of


def test_x_should_retry_false_is_not_retried(anthropic_server: MessagesServer, run_cli) -> None:
    anthropic_server.enqueue(error(500, headers={"x-should-retry": "false"}), text("never"))
    code, out, _ = run_cli("-p", "hi", "--output-format", "json")
    assert code == 1
    assert result_of(out)["is_error"]
    assert len(anthropic_server.message_requests) == 1


def test_x_should_retry_true_retries_a_400(anthropic_server: MessagesServer, run_cli) -> None:
    anthropic_server.enqueue(error(400, headers={"x-should-retry": "true"}), text("second"))
    code, out, _ = run_cli("-p", "hi", "--output-format", "json")
    assert code == 0, out
    assert result_of(out)["result"] == "second"
    assert len(anthropic_server.message_requests) == 2


def _session_with_tool_history(project):
    from tests.engine.test_loop import new_session

    session = new_session(project)
    session.messages = [
        {"role": "user", "content": "list files"},
        {"role": "assistant", "content": [
            {"type": "tool_use", "id": "toolu_1", "name": "Glob", "input": {"pattern": "*"}}]},
        {"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": "toolu_1", "content": "a.py"}]},
        {"role": "assistant", "content": [{"type": "text", "text": "one file"}]},
    ]
    return session


def test_compaction_summary_is_retried_valid_and_counted(anthropic_server: MessagesServer, project) -> None:
    import asyncio

    from corral.testing import overloaded, prompt_too_long

    from tests.engine.test_loop import run

    anthropic_server.enqueue(
        prompt_too_long(),
        overloaded(retry_after=0),
        text("SUMMARY: one file, a.py").with_usage(input_tokens=5_000, output_tokens=40),
        text("done").with_usage(input_tokens=100, output_tokens=5),
    )
    session = _session_with_tool_history(project)
    session.config.api.retry_base_delay_s = 0.01
    outcome, _ = asyncio.run(run(session, "go on"))
    assert outcome.subtype == "success" and outcome.result == "done"
    requests = anthropic_server.message_requests
    assert len(requests) == 4
    summary = requests[2].body
    assert requests[1].body["messages"] == summary["messages"]  # the same request, retried
    blocks = [b for m in summary["messages"] if isinstance(m["content"], list)
              for b in m["content"]]
    assert any(b.get("type") == "tool_use" for b in blocks)
    assert summary.get("tools"), "tool_use blocks need the tools they name"
    assert summary.get("tool_choice") == {"type": "none"}
    assert session.usage.input_tokens == 5_100 and session.usage.output_tokens == 45
    assert "SUMMARY: one file" in str(requests[3].body["messages"][0]["content"])


def test_a_failed_compaction_leaves_the_conversation_as_it_was(anthropic_server: MessagesServer, project) -> None:
    import asyncio

    from corral.engine import Engine
    from corral.testing import overloaded

    anthropic_server.enqueue(*[overloaded(retry_after=0)] * 5)
    session = _session_with_tool_history(project)
    session.config.api.retry_base_delay_s = 0.01
    session.config.api.max_retries = 2
    before = [dict(m) for m in session.messages]

    async def scenario():
        engine = Engine(session)
        try:
            return await engine.maybe_compact("manual", force=True)
        finally:
            await engine.aclose()

    import pytest
    from corral.errors import CorralError

    with pytest.raises(CorralError, match="compaction failed.*conversation is unchanged"):
        asyncio.run(scenario())
    assert session.messages == before
    assert len(anthropic_server.message_requests) == 3  # one try and two retries


def test_headless_compaction_failure_still_prints_a_result(anthropic_server: MessagesServer, run_cli, project) -> None:
    from corral.testing import overloaded, prompt_too_long

    anthropic_server.enqueue(text("first answer"), prompt_too_long(),
                             *[overloaded(retry_after=0)] * 6)
    code, out, err = run_cli("-p", "hi", "--output-format", "json")
    assert code == 0
    code, out, err = run_cli("-c", "-p", "more", "--output-format", "json")
    assert code == 1
    result = result_of(out)
    assert result["is_error"] and "compaction failed" in result["result"]
    assert "Traceback" not in err


def test_compaction_cost_counts_toward_the_budget(anthropic_server: MessagesServer, run_cli) -> None:
    from corral.testing import prompt_too_long

    anthropic_server.enqueue(
        text("first answer"),
        prompt_too_long(),
        text("SUMMARY").with_usage(input_tokens=1_000_000),
        text("never sent"),
    )
    code, out, _ = run_cli("-p", "hi", "--output-format", "json")
    assert code == 0
    code, out, _ = run_cli("-c", "-p", "more", "--output-format", "json", "--max-budget-usd", "0.5")
    result = result_of(out)
    assert code == 1 and result["subtype"] == "error_max_budget_usd"
    assert len(anthropic_server.message_requests) == 3  # nothing sent after the summary
    assert result["total_cost_usd"] >= 0.5
    assert result["usage"]["input_tokens"] >= 1_000_000


def test_headless_text_mode_reports_refusals_and_retries_on_stderr(
    anthropic_server: MessagesServer, run_cli, project
) -> None:
    from corral.testing import overloaded, tool_use

    (project / "notes.txt").write_text("keep me\n")
    anthropic_server.enqueue(
        overloaded(retry_after=0),
        tool_use("Edit", {"file_path": "notes.txt", "old_string": "keep", "new_string": "drop"}),
        text("Done."),
    )
    code, out, err = run_cli("-p", "edit it")
    assert code == 0 and out.strip() == "Done."
    lines = err.strip().splitlines()
    refused = [line for line in lines if "refused" in line]
    retried = [line for line in lines if "retry" in line]
    assert len(refused) == 1 and "Edit(notes.txt)" in refused[0], err
    assert len(retried) == 1 and "529" in retried[0], err
    assert (project / "notes.txt").read_text() == "keep me\n"
