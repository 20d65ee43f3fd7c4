from __future__ import annotations

import json

import msgspec
import pytest
from corral.tools.base import Tool
from corral.tools.builtin import BUILTIN_TOOLS

#: Claude Code's tool and parameter names, which models and permission rules expect.
EXPECTED: dict[str, tuple[set[str], set[str]]] = {
    "Bash": ({"command"}, {"command", "timeout", "description", "run_in_background",
                         "dangerouslyDisableSandbox"}),
    "BashOutput": ({"bash_id"}, {"bash_id", "filter"}),
    "KillShell": ({"shell_id"}, {"shell_id"}),
    "Glob": ({"pattern"}, {"pattern", "path"}),
    "Grep": (
        {"pattern"},
        {
            "pattern",
            "path",
            "glob",
            "type",
            "output_mode",
            "-i",
            "-n",
            "-A",
            "-B",
            "-C",
            "multiline",
            "head_limit",
        },
    ),  # fmt: skip
    "Read": ({"file_path"}, {"file_path", "offset", "limit"}),
    "Edit": (
        {"file_path", "old_string", "new_string"},
        {"file_path", "old_string", "new_string", "replace_all"},
    ),
    "Write": ({"file_path", "content"}, {"file_path", "content"}),
    "TodoWrite": ({"todos"}, {"todos"}),
    "WebFetch": ({"url", "prompt"}, {"url", "prompt"}),
    "WebSearch": ({"query"}, {"query", "allowed_domains", "blocked_domains"}),
}

READ_ONLY = {"BashOutput", "Glob", "Grep", "Read", "TodoWrite", "WebFetch", "WebSearch"}
CONCURRENT = {"BashOutput", "Glob", "Grep", "Read", "WebFetch", "WebSearch"}


def test_names_are_unique_and_complete() -> None:
    names = [tool.name for tool in BUILTIN_TOOLS]
    assert sorted(names) == sorted(EXPECTED)


@pytest.mark.parametrize("tool", BUILTIN_TOOLS, ids=lambda t: t.name)
def test_schema_fields_and_flags(tool: type[Tool]) -> None:
    schema = tool.input_schema()
    assert "$ref" not in json.dumps(schema)
    assert schema["type"] == "object"
    required, allowed = EXPECTED[tool.name]
    assert set(schema.get("required", [])) == required
    assert set(schema["properties"]) == allowed
    for name, prop in schema["properties"].items():
        text = json.dumps(prop)
        assert "description" in text, f"{tool.name}.{name} has no description"
    assert len(tool.description) > 60
    assert tool.read_only is (tool.name in READ_ONLY)
    assert tool.concurrency_safe is (tool.name in CONCURRENT)


@pytest.mark.parametrize("tool", BUILTIN_TOOLS, ids=lambda t: t.name)
def test_wrong_types_name_the_field(tool: type[Tool]) -> None:
    field = sorted(EXPECTED[tool.name][0])[0]
    with pytest.raises(msgspec.ValidationError, match=rf"at `\$\.{field}`"):
        msgspec.convert({field: 12345} if field != "todos" else {field: "x"}, tool.input_type)


def test_instances_build_without_arguments() -> None:
    assert all(isinstance(tool(), Tool) for tool in BUILTIN_TOOLS)
