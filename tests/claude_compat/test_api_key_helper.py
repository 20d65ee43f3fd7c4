"""``apiKeyHelper``: the credential comes from a command, cached, and fetched again on a 401."""

from __future__ import annotations

import asyncio
import json
import shlex
import sys
from pathlib import Path

import pytest
from corral.testing import text, tool_use
from corral.testing._record import RecordedRequest
from corral.transport.key_helper import KeyHelper, KeyHelperError, ttl_from

#: Prints the key stored in argv[1] and counts its runs in argv[2].
HELPER = r'''
import sys
key_file, count_file = sys.argv[1], sys.argv[2]
with open(count_file, "a") as f:
    f.write("x")
print(open(key_file).read().strip())
'''


def helper_command(tmp_path: Path, key: str) -> tuple[str, Path, Path]:
    script = tmp_path / "helper.py"
    script.write_text(HELPER)
    key_file, count_file = tmp_path / "key.txt", tmp_path / "runs.txt"
    key_file.write_text(key)
    command = " ".join(shlex.quote(a) for a in
                       (sys.executable, str(script), str(key_file), str(count_file)))
    return command, key_file, count_file


def runs(count_file: Path) -> int:
    return len(count_file.read_text()) if count_file.exists() else 0


def test_the_helper_key_reaches_the_endpoint_and_a_401_fetches_a_new_one(
        anthropic_server, run_cli, project: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    command, key_file, count_file = helper_command(tmp_path, "key-one")
    (project / ".claude" / "settings.json").write_text(json.dumps({"apiKeyHelper": command}))
    anthropic_server.api_key = "key-one"

    def rotate(request: RecordedRequest):  # the credential changes while the turn runs
        anthropic_server.api_key = "key-two"
        key_file.write_text("key-two")
        return tool_use("Read", {"file_path": str(project / "missing.txt")})

    anthropic_server.enqueue(rotate, text("done"))
    code, out, err = run_cli("-p", "go", "--output-format", "json")
    assert code == 0, out + err
    assert json.loads(out)["result"] == "done"
    sent = [(r.headers.get("x-api-key"), r.headers.get("authorization"))
            for r in anthropic_server.message_requests]
    assert sent == [("key-one", "Bearer key-one"), ("key-one", "Bearer key-one"),
                    ("key-two", "Bearer key-two")]
    assert runs(count_file) == 2  # once at the start, once after the 401


def test_a_failing_helper_is_a_clear_error(anthropic_server, run_cli, project: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    (project / ".claude" / "settings.json").write_text(json.dumps(
        {"apiKeyHelper": "echo 'vault is sealed' >&2; exit 3"}))
    anthropic_server.enqueue(text("never"))
    code, out, err = run_cli("-p", "go")
    assert code != 0
    assert "apiKeyHelper" in err and "exit status 3" in err and "vault is sealed" in err
    assert anthropic_server.message_requests == []


def test_the_value_lives_for_its_ttl(tmp_path: Path) -> None:
    command, key_file, count_file = helper_command(tmp_path, "k1")

    async def go(ttl: float) -> list[str]:
        helper = KeyHelper(command, ttl_s=ttl)
        got = [await helper.key(), await helper.key()]
        key_file.write_text("k2")
        got.append(await helper.key())
        got.append(await helper.key(refresh=True))
        key_file.write_text("k1")
        return got

    assert asyncio.run(go(300.0)) == ["k1", "k1", "k1", "k2"]
    assert runs(count_file) == 2
    assert asyncio.run(go(0.0)) == ["k1", "k1", "k2", "k2"]
    assert runs(count_file) == 2 + 4


def test_concurrent_requests_share_one_run(tmp_path: Path) -> None:
    command, _, count_file = helper_command(tmp_path, "k1")

    async def go() -> list[str]:
        helper = KeyHelper(command)
        return list(await asyncio.gather(*(helper.key() for _ in range(5))))

    assert asyncio.run(go()) == ["k1"] * 5
    assert runs(count_file) == 1


def test_ttl_is_read_in_milliseconds() -> None:
    assert ttl_from({}) == 300.0
    assert ttl_from({"CLAUDE_CODE_API_KEY_HELPER_TTL_MS": "1500"}) == 1.5
    with pytest.raises(KeyHelperError, match="CLAUDE_CODE_API_KEY_HELPER_TTL_MS"):
        ttl_from({"CLAUDE_CODE_API_KEY_HELPER_TTL_MS": "soon"})
