"""`crmarena repl`: interactive SOQL/SOSL shell, or psql-style scripting with `-c` and stdin.

    crmarena repl --org b2b --drift medium --rot low --seed 3
    crmarena repl --task b2b-handle_time-004            # the task's date, Ids and rot targets
    crmarena repl -c "SELECT Id, Name FROM Account LIMIT 3" --json
    printf 'SELECT COUNT() FROM Case;\n.drift\n' | crmarena repl --drift low

Scripted runs print errors as the exact JSON the agent gets and exit 1 if any statement failed.
The shell itself is playground.shell.
"""

from __future__ import annotations

import argparse

from crmarena_cli.command import UsageError, add_command
from crmarena_cli.episode_options import add_org_options, settings_from_args


def register(subparsers: argparse._SubParsersAction) -> None:
    p = add_command(
        subparsers, "repl", help="SOQL/SOSL playground over exactly the org an episode would build",
        description="An interactive SOQL/SOSL shell over exactly the org an episode would build "
                    "(TAB completes, .help lists the dot commands), or psql-style scripting with "
                    "-c and stdin: scripted runs print errors as the exact JSON the agent gets "
                    "and exit 1 if any statement failed.",
        example=["crmarena repl --drift medium --rot low --seed 3",
                 "crmarena repl --task b2b-handle_time-004",
                 'crmarena repl -c "SELECT Id, Name FROM Account LIMIT 3" --json',
                 "printf 'SELECT COUNT() FROM Case;\\n.drift\\n' | crmarena repl --drift low"])
    add_org_options(p)
    p.add_argument("--user", default=None, metavar="USER_ID",
                   help="the User statements run as (USING SCOPE mine, team, ...) (default: "
                        "the org's first active User)")
    p.add_argument("-c", "--command", action="append", default=None, metavar="STMT",
                   help="run this statement (or dot command) and exit; repeatable (default: "
                        "interactive, or statements from stdin)")
    p.add_argument("--json", action="store_true", help="print results as JSON")
    p.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    # here, not at the top: `crmarena --help` stays fast (DuckDB, the task framework)
    from playground.shell import run_repl

    try:
        settings = settings_from_args(args)
    except ValueError as exc:  # an unknown task
        raise UsageError(str(exc)) from None
    return run_repl(settings, commands=args.command, json_output=args.json)
