"""Help that helps: every subcommand has an example, every flag says what it does and its
default, choices are listed; and the assess/demo flags are the config model's."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from crmarena_cli import build_parser
from crmarena_cli.command import HelpFormatter
from env.config import AssessmentConfig
from env.config_docs import default_text


def _commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    """(path, parser) of every command that runs something (leaves of the command tree)."""
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield path, parser
    for sub in subs:
        for name, child in sub.choices.items():
            yield from _commands(child, (*path, name))


COMMANDS = list(_commands(build_parser()))


def test_the_tree_has_every_command():
    names = {" ".join(path) for path, _ in COMMANDS}
    assert {"assess", "regrade", "merge", "serve", "demo", "purple baseline", "purple oracle",
            "org build", "org diff", "tasks list", "describe", "view", "repl", "sandbox",
            "soql", "export-db"} <= names


@pytest.mark.parametrize("path, parser", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_has_an_example_and_every_flag_its_help_and_default(path, parser):
    assert parser.epilog and parser.epilog.startswith("example:"), path
    assert f"crmarena {' '.join(path)}" in parser.epilog
    formatter = HelpFormatter(parser.prog)
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        name = "/".join(action.option_strings) or action.dest
        assert action.help, f"{' '.join(path)} {name} has no help"
        text = formatter._get_help_string(action) or ""
        takes_value = action.option_strings and action.nargs != 0
        if takes_value and not action.required:
            assert "default" in text, f"{' '.join(path)} {name}: no default in {text!r}"


def test_assess_flags_are_generated_from_the_config_model():
    parser = dict(COMMANDS)[("assess",)]
    by_dest = {a.dest: a for a in parser._actions}
    for name, field in AssessmentConfig.model_fields.items():
        assert name in by_dest, f"config key {name} has no assess flag"
        assert field.description and field.description in by_dest[name].help
        assert f"default: {default_text(field)}" in by_dest[name].help
    assert tuple(by_dest["drift_level"].choices) == ("none", "low", "medium", "high")
    assert "both" in by_dest["org_type"].choices
    assert "quote_approval" in by_dest["task_categories"].help  # long choices listed in help


def test_demo_shows_its_own_defaults():
    parser = dict(COMMANDS)[("demo",)]
    help_text = parser.format_help()
    assert "rot_level; default: medium" in " ".join(help_text.split())
    args = parser.parse_args([])
    from crmarena_cli.config_flags import config_from_args
    config = config_from_args(args)
    assert (config.task_limit, config.drift_level, config.rot_level) == (8, "medium", "medium")
    assert config_from_args(parser.parse_args(["--drift", "low"])).drift_level == "low"


def test_a_new_config_key_becomes_a_flag_with_no_cli_code(monkeypatch):
    from pydantic import Field, create_model

    extended = create_model("Extended", __base__=AssessmentConfig,
                            tool_transport=(str, Field("a2a", description="how tools travel")))
    monkeypatch.setattr("crmarena_cli.config_flags.AssessmentConfig", extended)
    from crmarena_cli.config_flags import add_config_flags, config_from_args

    parser = argparse.ArgumentParser()
    add_config_flags(parser)
    action = next(a for a in parser._actions if a.dest == "tool_transport")
    assert action.option_strings == ["--tool-transport"]
    assert "how tools travel" in action.help and "default: a2a" in action.help
    assert config_from_args(parser.parse_args(["--tool-transport", "mcp"])).tool_transport == "mcp"


#: What building the parser must not import: every `crmarena` call pays for it before it does
#: anything (the sandbox's help once loaded its server, the MCP SDK, uvicorn, DuckDB and sqlglot:
#: 1.5 s of each start; `crmarena --help` took 2.2 s, now 0.4).
HEAVY = ("salesforce_api.server", "mcp", "uvicorn", "starlette", "duckdb", "sqlglot", "a2a")


def test_building_the_parser_imports_no_server_database_or_sdk():
    code = ("import sys; from crmarena_cli import build_parser; build_parser(); "
            f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parents[2])
    assert out.stdout.strip() == "[]", out.stdout
