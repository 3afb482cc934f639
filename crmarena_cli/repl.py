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
import datetime as dt

from core.levels import DEFAULT_ENTROPY_SEED, LEVELS
from core.org_type import ORG_TYPES


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "repl", help="SOQL/SOSL playground over exactly the org an episode would build",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--org", choices=ORG_TYPES, default=None,
                   help="b2b (default) or b2c; with --task, the task's org")
    p.add_argument("--drift", choices=LEVELS, default="none", help="schema drift level")
    p.add_argument("--rot", choices=LEVELS, default="none", help="context rot level")
    p.add_argument("--seed", type=int, default=DEFAULT_ENTROPY_SEED,
                   help=f"entropy seed, as in an assessment (default {DEFAULT_ENTROPY_SEED})")
    p.add_argument("--today", type=dt.date.fromisoformat, default=None, metavar="YYYY-MM-DD",
                   help="date literals resolve against this (default: the task's, else today)")
    p.add_argument("--task", default=None, metavar="ID",
                   help="build the episode org for this task (its date, drift and rot targets)")
    p.add_argument("--user", default=None, metavar="USER_ID",
                   help="the User statements run as (USING SCOPE mine, team, ...); default: "
                        "the org's first active User")
    p.add_argument("-c", "--command", action="append", default=None, metavar="STMT",
                   help="run this statement (or dot command) and exit; repeatable")
    p.add_argument("--json", action="store_true", help="print results as JSON")
    p.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    # here, not at the top: `crmarena --help` stays fast (DuckDB, the task framework)
    from playground.shell import run_repl

    return run_repl(org=args.org, drift=args.drift, rot=args.rot, seed=args.seed,
                    today=args.today, task=args.task, user=args.user, commands=args.command,
                    json_output=args.json)
