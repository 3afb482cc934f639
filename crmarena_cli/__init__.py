"""The `crmarena` command. Each subsystem owns its subcommands in its own `cli.py` module and
registers them here, so this file stays a table of contents."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

#: Modules exposing `register(subparsers)`; each adds its subcommands with `set_defaults(run=...)`.
COMMAND_MODULES: tuple[str, ...] = (
    "sandbox_db.cli",   # org build|info|diff, describe, export-db, soql
    "sandbox_db.soql_cli",  # soql "QUERY" (SOQL or SOSL)
    "data.cli",         # tasks build|list
    "env.cli",          # assess, regrade, merge
    "green.cli",        # serve, demo
    "purple.cli",       # purple baseline|oracle|null|careless
    "playground.cli",   # repl
    "report.cli",       # view
    "crmarena_cli.sandbox",  # sandbox (the org as a Salesforce REST API over HTTPS)
    "sandbox_db.entropy.cli",  # org diff; --drift/--rot for describe and export-db (last: extends)
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="crmarena",
        description="Entropic CRMArena: a simulated Salesforce org for assessing LLM agents.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    run = getattr(args, "run", None)
    if run is None:
        parser.print_help()
        return 2
    try:
        return int(run(args) or 0)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
