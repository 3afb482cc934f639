"""`crmarena soql [--org b2b|b2c] [--today YYYY-MM-DD] [--drift L --rot L --seed N] "QUERY"`.

Runs one SOQL or SOSL statement (SOSL starts with FIND) on the org as an agent would see it and
prints the JSON result; on error prints the Salesforce error JSON and exits with status 1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from core.levels import DEFAULT_ENTROPY_SEED, LEVELS
from core.org_type import ORG_TYPES
from crmarena_cli.command import UsageError, add_command, iso_date
from sandbox_db.errors import SalesforceError


def register(subparsers: argparse._SubParsersAction) -> None:
    p = add_command(
        subparsers, "soql", help="run one SOQL or SOSL statement and print the JSON result",
        description="Run one SOQL or SOSL statement (SOSL starts with FIND) on the org as an "
                    "agent would see it and print the JSON result; on error print the "
                    "Salesforce error JSON and exit 1.",
        example='crmarena soql --today 2024-06-01 "SELECT Status, COUNT(Id) n FROM Case '
                'GROUP BY Status"')
    p.add_argument("query", help="SOQL (SELECT ...) or SOSL (FIND {...} ...) statement")
    p.add_argument("--org", choices=ORG_TYPES, default="b2b", help="which org")
    p.add_argument("--today", type=iso_date, default=None, metavar="YYYY-MM-DD",
                   help="the date relative date literals resolve against (default: today, UTC)")
    p.add_argument("--drift", choices=LEVELS, default="none", help="schema drift level")
    p.add_argument("--rot", choices=LEVELS, default="none", help="context rot level")
    p.add_argument("--seed", type=int, default=DEFAULT_ENTROPY_SEED, help="entropy seed")
    p.add_argument("--user", default=None, metavar="USER_ID",
                   help="the User the statement runs as (USING SCOPE mine, team, ...) "
                        "(default: the org's first active User)")
    p.add_argument("--compact", action="store_true", help="one-line JSON")
    p.set_defaults(run=run_soql_command)


def run_soql_command(args: argparse.Namespace) -> int:
    # here, not at the top: `crmarena --help` stays fast (DuckDB, sqlglot, the task framework)
    from data.org.store import load_org
    from entropy import build_view
    from sandbox_db.soql import run_statement

    today = args.today or dt.datetime.now(dt.UTC).date()
    db = load_org(args.org)
    try:
        view = build_view(db, args.drift, args.rot, args.seed, today=today,
                          running_user_id=args.user)
    except ValueError as exc:  # an unknown --user
        db.close()
        raise UsageError(f"--user {args.user}: {exc}") from None
    indent = None if args.compact else 2
    try:
        result = run_statement(view, args.query, today=today)
    except SalesforceError as exc:
        print(json.dumps(exc.to_json(), indent=indent))
        return 1
    finally:
        view.close()
        db.close()
    json.dump(result, sys.stdout, indent=indent)
    sys.stdout.write("\n")
    return 0
