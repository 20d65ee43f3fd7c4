"""Real bubblewrap: what a sandboxed command can and cannot do, even in bypassPermissions."""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest

from .conftest import bash

pytestmark = pytest.mark.usefixtures("bwrap_works")


def test_work_inside_the_project_succeeds(make_session, project: Path) -> None:
    result = bash(make_session("bypassPermissions"),
                  "mkdir -p build && echo built > build/out.txt && cat build/out.txt")
    assert result.content.endswith("built\nExit code: 0"), result.content
    assert (project / "build" / "out.txt").read_text() == "built\n"
    assert result.meta["sandboxed"] is True


def test_writes_outside_the_working_directories_fail(make_session, project: Path,
                                                     tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    extra = tmp_path / "extra"
    extra.mkdir()
    (project / ".claude" / "corral.toml").write_text(
        f'[permissions]\nadditional_directories = ["{extra}"]\n')
    result = bash(make_session("bypassPermissions"),
                  f"echo no > {outside}/f; touch $HOME/g; echo yes > {extra}/ok; echo done")
    assert "done" in result.content
    assert not (outside / "f").exists()
    assert not (Path(os.environ["HOME"]) / "g").exists()
    assert (extra / "ok").read_text() == "yes\n"


def test_root_cannot_remount_the_file_system_writable(make_session, tmp_path: Path) -> None:
    target = tmp_path / "escaped"
    result = bash(make_session("bypassPermissions"),
                  f"mount -o remount,rw / 2>/dev/null; mount -o remount,rw {tmp_path} "
                  f"2>/dev/null; touch {target}; echo tried")
    assert "tried" in result.content
    assert not target.exists()


def test_the_session_temp_dir_is_writable_and_is_tmpdir(make_session) -> None:
    result = bash(make_session("bypassPermissions"),
                  'echo hi > "$TMPDIR/x" && cat "$TMPDIR/x" && echo "$TMPDIR"')
    lines = result.content.splitlines()
    assert lines[0] == "hi" and "corral-sandbox-" in lines[1]
    assert not Path(lines[1]).exists(), "the temp dir outlived the session"


def test_credential_directories_are_hidden(make_session) -> None:
    home = Path(os.environ["HOME"])
    (home / ".ssh").mkdir()
    (home / ".ssh" / "id_ed25519").write_text("PRIVATE-KEY-MATERIAL\n")
    (home / ".aws").mkdir()
    (home / ".aws" / "credentials").write_text("[default]\naws_secret_access_key=SECRETAWS\n")
    (home / ".netrc").write_text("machine x login y password NETRCPASS\n")
    result = bash(make_session("bypassPermissions"),
                  "cat ~/.ssh/id_ed25519 ~/.aws/credentials ~/.netrc; "
                  "echo listing: $(ls -A ~/.ssh ~/.aws); grep -r SECRET ~ ; echo end")
    for secret in ("PRIVATE-KEY-MATERIAL", "SECRETAWS", "NETRCPASS"):
        assert secret not in result.content, result.content
    assert "listing: ~/.aws: ~/.ssh:".replace("~", str(home)) in result.content
    assert "end" in result.content


def test_paths_of_read_deny_rules_are_hidden(make_session, project: Path) -> None:
    (project / "secrets").mkdir()
    (project / "secrets" / "token.txt").write_text("TOPSECRET\n")
    (project / "sub").mkdir()
    (project / "sub" / ".env").write_text("ENVSECRET=1\n")
    (project / "visible.txt").write_text("fine\n")
    (project / ".claude" / "corral.toml").write_text(
        '[permissions]\ndeny = ["Read(./secrets/**)", "Read(.env)"]\n')
    result = bash(make_session("bypassPermissions"),
                  "cat secrets/token.txt sub/.env visible.txt; echo x > sub/.env; echo end")
    assert "TOPSECRET" not in result.content and "ENVSECRET" not in result.content
    assert "fine" in result.content
    assert (project / "sub" / ".env").read_text() == "ENVSECRET=1\n"


def test_git_config_hooks_and_settings_stay_read_only(make_session, project: Path) -> None:
    (project / ".git" / "hooks").mkdir(parents=True)
    (project / ".git" / "config").write_text("[core]\n")
    result = bash(make_session("bypassPermissions"),
                  "echo '[core] fsmonitor = evil' >> .git/config; "
                  "echo evil > .git/hooks/pre-commit; "
                  "echo '{}' > .claude/settings.json; echo '[x]' > .claude/corral.local.toml; "
                  "echo ok > .git/HEAD; echo end")
    assert "end" in result.content
    assert (project / ".git" / "config").read_text() == "[core]\n"
    assert not (project / ".git" / "hooks" / "pre-commit").exists()
    assert not (project / ".claude" / "settings.json").exists()
    assert not (project / ".claude" / "corral.local.toml").exists()
    assert (project / ".git" / "HEAD").read_text() == "ok\n"


class _Listener:
    """A real loopback TCP server that records whether anyone connected."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.sendall(b"hello\n")
            conn.close()

    def close(self) -> None:
        self._stop = True
        self._thread.join(2)
        self.sock.close()


def test_no_network_not_even_loopback(make_session) -> None:
    server = _Listener()
    try:
        result = bash(make_session("bypassPermissions"),
                      f"exec 3<>/dev/tcp/127.0.0.1/{server.port} && cat <&3; "
                      "echo status=$?")
    finally:
        server.close()
    assert "hello" not in result.content
    assert server.connections == 0


def _running(marker: str) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
            except OSError:
                continue
            if marker.encode() in cmdline:
                found.append(int(entry))
    return found


def test_a_timed_out_command_dies_with_its_whole_tree(make_session) -> None:
    marker = f"{time.time_ns() % 1000}.{os.getpid()}"
    command = (f"(setsid sleep 300{marker} &); (nohup sleep 301{marker} >/dev/null 2>&1 &); "
               f"sleep 302{marker}")
    result = bash(make_session("bypassPermissions"), command, timeout=1500)
    assert result.meta["timed_out"] is True
    deadline = time.monotonic() + 5
    while _running(marker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _running(marker) == []


def test_a_sandboxed_command_needs_no_cgroup_of_its_own_to_end_its_tree(
        make_session, project: Path) -> None:
    """Its pid namespace holds everything it starts, even a child with no process group,
    session or environment of the command's (``env -i setsid``): the sandbox is not moved
    into a per-command cgroup, and a timeout still ends that child."""
    import shutil

    if shutil.which("setsid") is None:
        pytest.skip("setsid is not installed")
    marker = f"{time.time_ns() % 1000}.{os.getpid()}"
    command = (f"cat /proc/self/cgroup > cgroup.txt; env -i setsid sleep 303{marker} & "
               f"sleep 304{marker}")
    result = bash(make_session("bypassPermissions"), command, timeout=1500)
    assert result.meta["timed_out"] is True and result.meta["sandboxed"] is True
    assert "corral-" not in (project / "cgroup.txt").read_text()
    deadline = time.monotonic() + 5
    while _running(marker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _running(marker) == []


def test_model_credentials_are_not_inherited(make_session, project: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-leak")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai-leak")
    monkeypatch.setenv("HARMLESS_SETTING", "kept")
    result = bash(make_session("bypassPermissions"),
                  "echo A=${ANTHROPIC_API_KEY:-none} O=${OPENAI_API_KEY:-none} "
                  "H=$HARMLESS_SETTING")
    assert "A=none O=none H=kept" in result.content
    (project / ".claude" / "corral.toml").write_text('[env]\nOPENAI_API_KEY = "on-purpose"\n')
    result = bash(make_session("bypassPermissions"), "echo O=${OPENAI_API_KEY:-none}")
    assert "O=on-purpose" in result.content


def test_background_jobs_are_sandboxed(make_session, tmp_path: Path) -> None:
    import asyncio

    from corral.tools.builtin.bash_jobs import jobs_of, start_job

    outside = tmp_path / "bg-outside"
    session = make_session("bypassPermissions")

    async def go() -> None:
        job = await start_job(session, f"touch {outside}; touch inside-bg", None)
        await asyncio.wait_for(job.proc.wait(), 10)
        assert job.monitor is not None
        await asyncio.wait({job.monitor}, timeout=5)
        assert jobs_of(session).jobs[job.id].status == "exited"
        await session.end()

    asyncio.run(go())
    assert not outside.exists()
    assert (session.cwd / "inside-bg").exists()


def test_dangerously_disable_sandbox_runs_outside(make_session, tmp_path: Path) -> None:
    outside = tmp_path / "unsandboxed"
    result = bash(make_session("bypassPermissions"), f"touch {outside}",
                  dangerouslyDisableSandbox=True)
    assert result.meta["sandboxed"] is False
    assert outside.exists()
