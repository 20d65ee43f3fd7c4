from __future__ import annotations

import pytest
from corral.permissions.shell import analyze

HOME = "/home/u"
CWD = "/w"


def argvs(command: str) -> list[tuple[str, ...]]:
    result = analyze(command, HOME, CWD)
    assert result.problems == (), result.problems
    return [c.argv for c in result.commands]


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("a && b || c; d | e & f\ng", ["a", "b", "c", "d", "e", "f", "g"]),
        ("(a; b) && { c; }", ["a", "b", "c"]),
        ("echo $(a) `b` <(c) >(d)", ["a", "b", "c", "d", "echo"]),
        ('echo "x $(a "q") y"', ["a", "echo"]),
        ("cat <<EOF\n$(a)\n`b`\nEOF\nc", ["cat", "a", "b", "c"]),
        ("cat <<'EOF'\n$(a)\nEOF\nc", ["cat", "c"]),
        ("eval 'a; b'", ["a", "b", "eval"]),
        ("sh -c 'a | b'", ["a", "b", "sh"]),
        ("bash -ec \"a && sh -c 'b'\"", ["a", "b", "sh", "bash"]),
        ("if a; then b; else c; fi", ["a", "b", "c"]),
        ("for x in $(a); do b; done", ["a", "b"]),
        ("echo ${x:-$(a)}", ["a", "echo"]),
        ("a # ; b\nc", ["a", "c"]),
        ("a \\\n  --flag", ["a"]),
    ],
)
def test_every_simple_command_is_found(command: str, expected: list[str]) -> None:
    assert [a[0] for a in argvs(command)] == expected


def test_quotes_and_escapes_are_removed_like_bash() -> None:
    assert argvs("""g\\it "st"'at'us $'\\x41\\t' "a\\"b" 'c\\d'""") == [
        ("git", "status", "A\t", 'a"b', "c\\d")]


def test_tilde_and_known_variables_expand() -> None:
    assert argvs("ls ~ ~/x $HOME/y ${HOME} $PWD --dir=~/z '~'") == [
        ("ls", HOME, f"{HOME}/x", f"{HOME}/y", HOME, CWD, f"--dir={HOME}/z", "~")]


def test_dynamic_and_glob_words_are_marked() -> None:
    (cmd,) = analyze("ls $X *.py {a,b} ~+ plain ~no-such-user-here/x", HOME, CWD).commands
    flags = [(w.dynamic, w.glob) for w in cmd.words]
    assert flags == [(False, False), (True, False), (False, True), (True, False),
                     (True, False), (False, False), (False, False)]
    # bash leaves ~user of an unknown user as it is, so the analysis does too
    assert cmd.words[-1].value == "~no-such-user-here/x"


def test_tilde_user_is_that_users_home() -> None:
    import pwd

    root = pwd.getpwuid(0)
    (cmd,) = analyze(f"cat ~{root.pw_name}/.profile", HOME, CWD).commands
    assert cmd.words[1].value == root.pw_dir.rstrip("/") + "/.profile"
    assert not cmd.words[1].dynamic


def test_harmless_wrappers_and_safe_assignments_are_stripped() -> None:
    result = analyze("NODE_ENV=test timeout -s KILL 5 nice -n 3 nohup time -p npm test", HOME,
                     CWD)
    (cmd,) = result.commands
    assert cmd.argv == ("npm", "test")
    assert cmd.wrappers == ("timeout", "nice", "nohup", "time")
    assert cmd.unsafe_env == ()
    assert cmd.text == "npm test"


def test_unsafe_assignments_are_kept() -> None:
    (cmd,) = analyze("LD_PRELOAD=x CI=1 ls", HOME, CWD).commands
    assert cmd.unsafe_env == ("LD_PRELOAD",)
    (assign,) = analyze("PATH=/tmp", HOME, CWD).commands
    assert assign.words == () and assign.unsafe_env == ("PATH",)
    assert analyze("x=1", HOME, CWD).commands == ()


def test_redirections_and_tee_are_file_accesses() -> None:
    result = analyze("a > o1 2>> o2 < i1 &> o3 2>&1 >/dev/null | tee -a t1 t2 <> rw", HOME, CWD)
    got = [(f.path, f.write, f.how) for f in result.files]
    assert got == [("o1", True, ">"), ("o2", True, ">>"), ("i1", False, "<"),
                   ("o3", True, "&>"), ("/dev/null", True, ">"), ("rw", True, "<>"),
                   ("rw", False, "<>"), ("t1", True, "tee"), ("t2", True, "tee")]


@pytest.mark.parametrize(
    "command",
    ["echo 'open", 'echo "open', "echo $(open", "a )", "echo `open", "a > $F", "eval $X",
     "sh -c \"$C\"", "case x in a) b;; esac", "[[ -f x ]]", "x=(1 2)", "a\x00b",
     "echo $((1 + $(a)))", "tee $F", "echo " + "$(" * 40 + "a" + ")" * 40],
)
def test_what_cannot_be_parsed_is_a_problem(command: str) -> None:
    assert analyze(command, HOME, CWD).problems


def test_canonical_text_quotes_odd_words() -> None:
    (cmd,) = analyze("git commit -m 'a b' -- \"x;y\" ''", HOME, CWD).commands
    assert cmd.text == "git commit -m 'a b' -- 'x;y' ''"
