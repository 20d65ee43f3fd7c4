"""The engine under injected faults: which errors are retried, and how compaction copes."""

from __future__ import annotations

from corral.testing import MessagesServer, error, text

from tests.engine.conftest import result_of


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
