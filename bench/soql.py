"""SOQL front-end latency: translate+execute, cold and cached, against raw DuckDB.

For a mixed query set on the default org (filters, parent paths, aggregates, date literals and
functions, semi/anti-joins, child subqueries, SOSL) it measures, per statement and overall:
- cold: run_soql/run_sosl with the translation cache cleared (parse + validate + translate +
  execute + shape the REST result);
- cached: the same with the translation in the cache;
- raw: the equivalent hand-written DuckDB SQL on the same views (execute + fetchall only);
and prints p50/p99 of each with the cached/raw and cold/raw ratios.
Goals (issue 4): p50 <= 1 ms, p99 <= 10 ms; cached <= 1.3x raw, cold <= 3x raw.
Timings are wall clock: run on an idle machine.

    uv run python bench/soql.py [--org b2b|b2c] [--rounds 30] [--json]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import statistics
import time

from rich.console import Console
from rich.table import Table

from data.org.store import load_org
from sandbox_db.database import open_view
from sandbox_db.soql import run_statement, translation_cache

TODAY = dt.date(2024, 9, 15)

RX = "'(?i)(?:^|\\W)refund\\w*(?:\\W|$)'"


def _search_sql(obj: str, fields: list[str], shown: str) -> str:
    """Hand-written equivalent of one RETURNING object of the SOSL query below."""
    match = " OR ".join(f"regexp_matches({f}, {RX})" for f in fields)
    score = " + ".join(f"CASE WHEN regexp_matches({f}, {RX}) THEN 1 ELSE 0 END" for f in fields)
    return (f"SELECT Id, {shown} FROM {{{obj}}} WHERE {match} ORDER BY {score} DESC, Id "
            f"LIMIT 2001")


#: (SOQL or SOSL, equivalent hand-written DuckDB SQL over {Object} views; a list is run in turn)
QUERIES: list[tuple[str, str | list[str]]] = [
    ("SELECT Id, Subject, Status FROM Case WHERE Status = 'Closed' ORDER BY CreatedDate DESC "
     "LIMIT 20",
     "SELECT Id, Subject, Status FROM {Case} WHERE Status = 'Closed' "
     "ORDER BY CreatedDate DESC NULLS LAST, Id LIMIT 20"),
    ("SELECT Id, Name, Email FROM Contact WHERE AccountId = '{account}'",
     "SELECT Id, Name, Email FROM {Contact} WHERE AccountId = '{account}' ORDER BY Id"),
    ("SELECT Id, Priority, Account.Name, Owner.Name FROM Case WHERE Priority IN ('High', "
     "'Critical') ORDER BY Account.Name",
     "SELECT c.Id, c.Priority, a.Name, COALESCE(u.Name, g.Name) FROM {Case} c LEFT JOIN "
     "{Account} a ON a.Id = c.AccountId LEFT JOIN {User} u ON u.Id = c.OwnerId LEFT JOIN {Group} "
     "g ON g.Id = c.OwnerId WHERE c.Priority IN ('High', 'Critical') "
     "ORDER BY lower(a.Name) NULLS FIRST, c.Id"),  # a case's owner is a user or a queue
    ("SELECT OwnerId, COUNT(Id) n FROM Case WHERE Status = 'Closed' GROUP BY OwnerId "
     "ORDER BY COUNT(Id) DESC LIMIT 5",
     "SELECT OwnerId, COUNT(Id) FROM {Case} WHERE Status = 'Closed' GROUP BY OwnerId "
     "ORDER BY COUNT(Id) DESC LIMIT 5"),
    ("SELECT COUNT() FROM Case WHERE CreatedDate = LAST_N_DAYS:90",
     "SELECT COUNT(*) FROM {Case} WHERE CreatedDate >= '2024-06-17' "
     "AND CreatedDate < '2024-09-16'"),
    ("SELECT Id, Name FROM Account WHERE Id IN (SELECT AccountId FROM Opportunity WHERE "
     "StageName = 'Closed')",
     "SELECT Id, Name FROM {Account} WHERE Id IN (SELECT AccountId FROM {Opportunity} WHERE "
     "StageName = 'Closed') ORDER BY Id"),
    ("SELECT CALENDAR_MONTH(CreatedDate), COUNT(Id) FROM Case WHERE CreatedDate = THIS_YEAR "
     "GROUP BY CALENDAR_MONTH(CreatedDate)",
     "SELECT month(CreatedDate) m, COUNT(*) FROM {Case} WHERE CreatedDate >= '2024-01-01' "
     "AND CreatedDate < '2025-01-01' GROUP BY m ORDER BY m"),
    ("SELECT StageName, SUM(Amount) total, AVG(Amount) FROM Opportunity GROUP BY StageName",
     "SELECT StageName, SUM(Amount), AVG(Amount) FROM {Opportunity} GROUP BY StageName "
     "ORDER BY StageName"),
    ("SELECT Id, Title FROM Knowledge__kav WHERE Title LIKE '%account%'",
     "SELECT Id, Title FROM {Knowledge__kav} WHERE Title ILIKE '%account%' ORDER BY Id"),
    ("SELECT Id, Name, (SELECT Subject, Status FROM Cases) FROM Account WHERE Id = '{account}'",
     "SELECT a.Id, a.Name, (SELECT list((c.Subject, c.Status) ORDER BY c.Id) FROM {Case} c "
     "WHERE c.AccountId = a.Id) FROM {Account} a WHERE a.Id = '{account}'"),
    ("SELECT Id, CaseId__r.Subject, OldValue__c, NewValue__c FROM CaseHistory__c WHERE "
     "Field__c = 'Owner Assignment' AND CreatedDate > 2024-01-01T00:00:00Z LIMIT 50",
     "SELECT h.Id, c.Subject, h.OldValue__c, h.NewValue__c FROM {CaseHistory__c} h LEFT JOIN "
     "{Case} c ON c.Id = h.CaseId__c WHERE h.Field__c = 'Owner Assignment' AND h.CreatedDate > "
     "'2024-01-01' ORDER BY h.Id LIMIT 50"),
    ("FIND {refund*} IN ALL FIELDS RETURNING Case(Id, Subject), Knowledge__kav(Id, Title)",
     [_search_sql("Case", ["CaseNumber", "Subject", "Description"], "Subject"),
      _search_sql("Knowledge__kav", ["Title", "Summary", "FAQ_Answer__c", "UrlName",
                                     "ArticleNumber"], "Title")]),
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--org", choices=("b2b", "b2c"), default="b2b")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="wall clock (the goal) or process CPU time (steadier on a busy "
                             "machine: excludes time spent waiting for a core)")
    args = parser.parse_args()

    db = load_org(args.org)
    view = open_view(db)
    _, rows = view.execute(f"SELECT AccountId FROM {view.table('Case')} WHERE AccountId IS NOT "
                           f"NULL GROUP BY AccountId ORDER BY COUNT(*) DESC LIMIT 1")
    account = rows[0][0]
    def hand_written(sql: str) -> str:
        return re.sub(r"\{(\w+)\}", lambda m: view.table(m.group(1)),
                      sql.replace("{account}", account))

    pairs = [(s.replace("{account}", account),
              [hand_written(x) for x in ([r] if isinstance(r, str) else r)]) for s, r in QUERIES]

    def run_raw(statements: list[str]) -> None:
        for sql in statements:
            view.cursor.execute(sql).fetchall()

    for statement, raw in pairs:  # warm up: views, DuckDB caches, imports
        run_statement(view, statement, today=TODAY)
        run_raw(raw)

    clock = time.perf_counter if args.clock == "wall" else time.process_time
    timings: dict[str, list[float]] = {"cold": [], "cached": [], "raw": []}
    per_query = []
    for statement, raw in pairs:
        cold, cached, rawt = [], [], []
        for _ in range(args.rounds):
            translation_cache.clear()
            t0 = clock()
            run_statement(view, statement, today=TODAY)
            t1 = clock()
            run_statement(view, statement, today=TODAY)
            t2 = clock()
            run_raw(raw)
            t3 = clock()
            cold.append((t1 - t0) * 1e3)
            cached.append((t2 - t1) * 1e3)
            rawt.append((t3 - t2) * 1e3)
        timings["cold"] += cold
        timings["cached"] += cached
        timings["raw"] += rawt
        per_query.append((statement, statistics.median(cold), statistics.median(cached),
                          statistics.median(rawt)))
    view.close()
    db.close()

    summary = {k: {"p50_ms": percentile(v, 0.5), "p99_ms": percentile(v, 0.99)}
               for k, v in timings.items()}
    summary["ratio"] = {
        "cached_over_raw_p50": summary["cached"]["p50_ms"] / summary["raw"]["p50_ms"],
        "cold_over_raw_p50": summary["cold"]["p50_ms"] / summary["raw"]["p50_ms"]}
    if args.json:
        print(json.dumps({"org": args.org, "clock": args.clock, "summary": summary, "queries": [
            {"statement": s, "cold_p50_ms": c, "cached_p50_ms": w, "raw_p50_ms": r}
            for s, c, w, r in per_query]}, indent=2))
        return 0
    console = Console()
    table = Table(title=f"SOQL latency on {args.org} ({args.rounds} rounds/query, ms, p50, "
                        f"{args.clock} clock)")
    for col in ("statement", "cold", "cached", "raw", "cached/raw"):
        table.add_column(col, justify="left" if col == "statement" else "right")
    for s, c, w, r in per_query:
        table.add_row(s[:60], f"{c:.3f}", f"{w:.3f}", f"{r:.3f}", f"{w / r:.2f}x")
    console.print(table)
    for k in ("cold", "cached", "raw"):
        p50, p99 = summary[k]["p50_ms"], summary[k]["p99_ms"]
        console.print(f"{k:>6}: p50 {p50:.3f} ms   p99 {p99:.3f} ms")
    console.print(f"cached/raw p50 {summary['ratio']['cached_over_raw_p50']:.2f}x (goal <= 1.3x)   "
                  f"cold/raw p50 {summary['ratio']['cold_over_raw_p50']:.2f}x (goal <= 3x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
