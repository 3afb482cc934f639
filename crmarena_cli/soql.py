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
from sandbox_db.errors import SalesforceError


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "soql", help="run one SOQL or SOSL statement and print the JSON result",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("query", help="SOQL (SELECT ...) or SOSL (FIND {...} ...) statement")
    p.add_argument("--org", choices=("b2b", "b2c"), default="b2b")
    p.add_argument("--today", type=dt.date.fromisoformat, default=None,
                   help="the date relative date literals resolve against (default: today, UTC)")
    p.add_argument("--drift", choices=LEVELS, default="none")
    p.add_argument("--rot", choices=LEVELS, default="none")
    p.add_argument("--seed", type=int, default=DEFAULT_ENTROPY_SEED, help="entropy seed")
    p.add_argument("--user", default=None, metavar="USER_ID",
                   help="the User the statement runs as (USING SCOPE mine, team, ...); default: "
                        "the org's first active User")
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
        print(f"error: {exc}", file=sys.stderr)
        return 2
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
