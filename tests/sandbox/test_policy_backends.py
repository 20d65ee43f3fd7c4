"""The policy built from configuration, and the two backends' command lines (no sandbox
needed: these check the generated bubblewrap arguments and Seatbelt profile text)."""

from __future__ import annotations

from pathlib import Path

from corral.permissions.context import PermissionContext
from corral.sandbox import bwrap, seatbelt
from corral.sandbox.policy import SandboxPolicy, build_policy
from corral.sandbox.settings import SandboxNetworkSettings, SandboxSettings


def _ctx(project: Path, home: Path, deny: list[str] = (), extra: list[str] = ()) -> PermissionContext:  # type: ignore[assignment]
    ctx, errors = PermissionContext.build(
        str(project), [("deny", r, "test", str(project)) for r in deny],
        home=str(home), additional_directories=extra)
    assert not errors
    return ctx


def _policy(tmp_path: Path, **kw: object) -> tuple[SandboxPolicy, Path, Path]:
    project, home = tmp_path / "p", tmp_path / "h"
    for d in (project / ".git" / "hooks", project / ".claude", home / ".ssh", home / ".aws",
              tmp_path / "extra", tmp_path / "tmp"):
        d.mkdir(parents=True)
    (project / ".git" / "config").write_text("")
    (home / ".netrc").write_text("")
    (project / "keys").mkdir()
    (project / "keys" / "a.pem").write_text("")
    (project / "deep" / "er").mkdir(parents=True)
    (project / "deep" / "er" / ".env").write_text("")
    ctx = _ctx(project, home, deny=["Read(./keys/**)", "Read(.env)", "Read(~/notes.txt)"],
               extra=[str(tmp_path / "extra")])
    settings = SandboxSettings(**kw)  # type: ignore[arg-type]
    return build_policy(settings, ctx, str(tmp_path / "tmp")), project, home


def test_policy_from_configuration(tmp_path: Path) -> None:
    policy, project, home = _policy(tmp_path)
    assert policy.writable == (str(project), str(tmp_path / "extra"), str(tmp_path / "tmp"))
    assert str(project / ".git" / "config") in policy.read_only
    assert str(project / ".git" / "hooks") in policy.read_only
    assert str(project / ".claude") in policy.read_only
    for hidden in (home / ".ssh", home / ".aws", home / ".netrc", project / "keys",
                   project / "deep" / "er" / ".env"):
        assert str(hidden) in policy.hidden, hidden
    assert str(home / "notes.txt") not in policy.hidden  # it does not exist
    assert not policy.network


def test_bwrap_argv_orders_binds_before_hides(tmp_path: Path) -> None:
    policy, project, home = _policy(tmp_path)
    argv = bwrap.build_argv(policy, str(project), ["bash", "-c", "true"], "/usr/bin/bwrap")
    assert argv[0] == "/usr/bin/bwrap" and argv[-4:] == ["--", "bash", "-c", "true"]
    for flag in ("--unshare-net", "--unshare-pid", "--die-with-parent", "--new-session"):
        assert flag in argv
    assert argv[argv.index("--cap-drop") + 1] == "ALL"
    text = " ".join(argv)
    assert "--ro-bind / /" in text
    bind = text.index(f"--bind {project} {project}")
    assert text.index(f"--ro-bind {project}/.git/config") > bind
    assert text.index(f"--tmpfs {home}/.ssh --remount-ro {home}/.ssh") > bind
    assert f"--ro-bind /dev/null {home}/.netrc" in text
    assert argv[argv.index("--chdir") + 1] == str(project)
    assert bwrap.holds_tree(policy)  # its own pid namespace: no per-command cgroup needed


def test_weaker_nested_mode_shares_proc(tmp_path: Path) -> None:
    policy, project, _ = _policy(tmp_path, enable_weaker_nested_sandbox=True)
    argv = bwrap.build_argv(policy, str(project), ["true"])
    assert "--unshare-pid" not in argv and "--proc" not in argv
    assert "--unshare-net" in argv
    assert not bwrap.holds_tree(policy)  # host pids: commands still get a cgroup


def _form(text: str, head: str) -> str:
    """The top-level form of the profile that starts with ``head``."""
    start = text.index(head)
    end = text.find("\n(", start + len(head))
    return text[start:] if end == -1 else text[start:end]


def test_seatbelt_profile_text(tmp_path: Path) -> None:
    policy, project, home = _policy(
        tmp_path, network=SandboxNetworkSettings(allow_unix_sockets=["/var/run/docker.sock"]))
    text = seatbelt.profile(policy, proxy_sockets=["/tmp/n/3128.sock"], relay_ports=[3128])
    assert text.startswith("(version 1)\n(allow default)\n")
    assert "(deny file-write*)" in text and "(deny network*)" in text
    allow_write = _form(text, "(allow file-write*")
    assert f'(subpath "{project}")' in allow_write
    assert f'(subpath "{tmp_path / "tmp"}")' in allow_write
    deny_write = _form(text, ";; protected even inside the working directories\n(deny")
    assert f'(subpath "{project}/.git/config")' in deny_write
    hidden = _form(text, "(deny file-read* file-write*")
    assert f'(subpath "{home}/.ssh")' in hidden
    assert '(remote unix-socket (path-literal "/var/run/docker.sock"))' in text
    assert '(remote unix-socket (path-literal "/tmp/n/3128.sock"))' in text
    assert '(allow network-outbound (remote ip "localhost:3128"))' in text
    assert 'localhost:*' not in text
    # writes are denied before anything is allowed; hides come last so they win
    assert text.index("(deny file-write*)") < text.index("(allow file-write*") < text.index(
        "(deny file-read* file-write*")


def test_seatbelt_quotes_paths(tmp_path: Path) -> None:
    policy = SandboxPolicy(writable=('/p/with "quote"\\', "/t"), temp_dir="/t")
    text = seatbelt.profile(policy)
    assert '(subpath "/p/with \\"quote\\"\\\\")' in text
    argv = seatbelt.build_argv(policy, ["bash", "-c", "x"], "/usr/bin/sandbox-exec")
    assert argv[:2] == ["/usr/bin/sandbox-exec", "-p"] and argv[-3:] == ["bash", "-c", "x"]


def test_seatbelt_local_binding_and_all_sockets() -> None:
    policy = SandboxPolicy(writable=("/t",), temp_dir="/t", allow_local_binding=True,
                           allow_all_unix_sockets=True)
    text = seatbelt.profile(policy)
    assert '(allow network-bind network-inbound (local ip "localhost:*"))' in text
    assert "(allow network* (remote unix-socket))" in text
