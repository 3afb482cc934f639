"""The `crmarena` command: the top layer, which may import every other. One module per group
of subcommands; each exposes `register(subparsers)` and adds its subcommands with
`set_defaults(run=...)`, so this file stays a table of contents.

Startup stays fast because these modules import only argparse-level things at the top; the
heavy layers (DuckDB, the task framework, a2a) are imported inside each subcommand's run
function, with a comment saying so.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from crmarena_cli import assess, entropy, org, purple, repl, sandbox, serve, soql, tasks, view
from crmarena_cli.command import USAGE, CommandParser, UsageError, print_error

#: Registration order: `entropy` comes last because it extends `org`, `describe` and `export-db`.
COMMAND_MODULES = (
    org,      # org build|info, describe, export-db
    soql,     # soql "QUERY" (SOQL or SOSL)
    tasks,    # tasks build|list
    assess,   # assess, regrade, merge
    serve,    # serve, demo
    purple,   # purple baseline|oracle|null|careless
    repl,     # repl
    view,     # view
    sandbox,  # sandbox (the org as a Salesforce REST API over HTTPS)
    entropy,  # org diff|prewarm-rot; --drift/--rot for describe and export-db
)


def build_parser() -> argparse.ArgumentParser:
    parser = CommandParser(
        prog="crmarena",
        description="Entropic CRMArena: a simulated Salesforce org for assessing LLM agents.",
        epilog="example:\n  crmarena demo\n  crmarena assess --agent oracle --task-limit 5\n"
               "see `crmarena COMMAND --help` for each command's flags and an example")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    run = getattr(args, "run", None)
    if run is None:
        parser.print_help()
        return USAGE
    try:
        return int(run(args) or 0)
    except UsageError as exc:
        print_error(args.command, str(exc))
        return USAGE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
