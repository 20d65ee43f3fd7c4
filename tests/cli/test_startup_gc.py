"""The collector is off while the corral process starts and back on (start-up's objects
frozen) once a session has started or before a command runs."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path

from corral.cli import startup_gc
from corral.testing import MessagesServer, text

from tests._distinfo import cli_env, make_dist

PLUGIN = '''
import gc, json, os
from corral.api import CliCommand, hookimpl

def _note(when):
    with open(os.environ["GC_LOG"], "a") as log:
        log.write(json.dumps([when, gc.isenabled(), gc.get_freeze_count()]) + "\\n")

@hookimpl
def corral_configure(config):
    _note("configure")

@hookimpl
def corral_session_start(session):
    _note("session_start")

@hookimpl
def corral_before_request(session, request):
    _note("before_request")

@hookimpl
def corral_register_cli(register):
    register(CliCommand(name="gc-probe", help="say how the collector stands",
                        run=lambda args, app: _note("command") or 0))
'''


def _site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    make_dist(site, "corral-gcprobe", "0.1", {"corral": {"gcprobe": "corral_gcprobe"}})
    (site / "corral_gcprobe.py").write_text(PLUGIN)
    return site


def _log(path: Path) -> list[list[object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def _stands(path: Path) -> list[tuple[object, object, bool]]:
    """Each note as (when, collector on, more frozen than at the first note): the interpreter
    may hold frozen objects of its own from the start (Python 3.12 does)."""
    notes = _log(path)
    base = notes[0][2]
    assert isinstance(base, int)
    return [(when, on, isinstance(count, int) and count > base) for when, on, count in notes]


def test_a_headless_run_starts_with_the_collector_off_and_requests_with_it_on(
    anthropic_server: MessagesServer, project: Path, tmp_path: Path
) -> None:
    anthropic_server.enqueue(text("done"))
    log = tmp_path / "gc.jsonl"
    env = cli_env(_site(tmp_path), GC_LOG=str(log), CORRAL_LOAD_PLUGINS="gcprobe")
    done = subprocess.run([sys.executable, "-m", "corral", "-p", "hi"], cwd=project, env=env,
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "done\n"
    assert _stands(log) == [("configure", False, False), ("session_start", False, False),
                            ("before_request", True, True)]


def test_a_command_runs_with_the_collector_on(project: Path, tmp_path: Path) -> None:
    log = tmp_path / "gc.jsonl"
    env = cli_env(_site(tmp_path), GC_LOG=str(log), CORRAL_LOAD_PLUGINS="gcprobe")
    done = subprocess.run([sys.executable, "-m", "corral", "gc-probe"], cwd=project, env=env,
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    assert _stands(log) == [("configure", False, False), ("command", True, True)]


def test_main_called_in_process_leaves_the_collector_alone() -> None:
    from corral.cli import main

    assert gc.isenabled()
    assert main(["--version"]) == 0
    assert gc.isenabled() and not startup_gc._paused


def test_resume_turns_on_only_what_pause_turned_off() -> None:
    assert gc.isenabled()
    base = gc.get_freeze_count()  # the interpreter's own (Python 3.12 has some)
    startup_gc.resume()  # nothing paused: nothing frozen
    assert gc.isenabled() and gc.get_freeze_count() == base
    try:
        startup_gc.pause()
        assert not gc.isenabled()
        startup_gc.resume()
        assert gc.isenabled() and gc.get_freeze_count() > base
        startup_gc.resume()
        assert gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()
