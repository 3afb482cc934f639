"""The sandbox REST API's latency: a cached `query` over HTTPS against the same query in-process.

For a few statements (a small record query, a filtered one with a parent path, an aggregate),
it measures p50/p90 of:
- in-process: `run_statement` on the view `crmarena soql` builds (sandbox_db.soql_cli), with
  the translation cached: what `crmarena soql` spends per statement, minus process start-up;
- httpx: GET /services/data/v59.0/query?q=... on a keep-alive TLS connection to a sandbox
  running in this process (its own thread), the plan cached by the first request;
- simple_salesforce: `sf.query(q)` over its requests session (keep-alive) to the same sandbox;
and the overhead of HTTPS + routing + logging over the in-process time.
Timings are wall clock: run on an idle machine.

    uv run python bench/sandbox_api.py [--rounds 200] [--json]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import requests
from rich.console import Console
from rich.table import Table
from simple_salesforce import Salesforce

from data.org.store import load_org
from playground.session import SessionSettings
from salesforce_api.server import Sandbox, SandboxOptions
from sandbox_db.soql import run_statement
from sandbox_db.soql_cli import build_view

TODAY = dt.date(2024, 6, 1)
#: (label, statement)
QUERIES = [
    ("10 accounts", "SELECT Id, Name, Industry FROM Account ORDER BY Name LIMIT 10"),
    ("20 cases + parent", "SELECT Id, Subject, Status, Account.Name FROM Case "
                          "WHERE Status = 'Closed' ORDER BY CreatedDate DESC LIMIT 20"),
    ("aggregate", "SELECT Status, COUNT(Id) n FROM Case GROUP BY Status"),
]


def timed(fn: Callable[[], object], rounds: int) -> list[float]:
    for _ in range(5):  # warm: the plan cache, the connection, the TLS session
        fn()
    out = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def quantiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=10)
    return statistics.median(samples), cuts[8]


def measure(rounds: int) -> list[dict[str, object]]:
    db = load_org("b2b")
    view = build_view(db, "none", "none", 0, TODAY)  # exactly `crmarena soql`'s view
    root = Path(tempfile.mkdtemp(prefix="sandbox-bench-"))
    options = SandboxOptions(settings=SessionSettings(org="b2b", today=TODAY), port=0,
                             tls_dir=root / "tls", log_dir=root / "log")
    rows = []
    try:
        with Sandbox(options) as sb:
            assert sb.ready_session is not None
            session_id = sb.ready_session.id
            http = httpx.Client(base_url=sb.instance_url, verify=sb.tls.client_context(),
                                trust_env=False,
                                headers={"Authorization": f"Bearer {session_id}"})
            session = requests.Session()
            session.trust_env, session.verify = False, str(sb.tls.ca_cert)
            sf = Salesforce(instance_url=sb.instance_url, session_id=session_id,
                            session=session)
            for label, q in QUERIES:
                in_process = timed(lambda q=q: run_statement(view, q, today=TODAY), rounds)
                over_httpx = timed(lambda q=q: http.get("/services/data/v59.0/query",
                                                        params={"q": q}).raise_for_status(),
                                   rounds)
                over_ss = timed(lambda q=q: sf.query(q), rounds)
                rows.append({"label": label, "query": q, "in_process": quantiles(in_process),
                             "httpx": quantiles(over_httpx),
                             "simple_salesforce": quantiles(over_ss)})
            http.close()
    finally:
        view.close()
        db.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = measure(args.rounds)
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    table = Table(title=f"cached query latency, ms (p50 / p90 of {args.rounds})")
    for column in ("query", "crmarena soql in-process", "HTTPS httpx", "HTTPS simple_salesforce",
                   "HTTPS overhead p50"):
        table.add_column(column, overflow="fold")
    for r in rows:
        ip, hx, ss = r["in_process"], r["httpx"], r["simple_salesforce"]
        table.add_row(str(r["label"]), f"{ip[0]:.2f} / {ip[1]:.2f}",
                      f"{hx[0]:.2f} / {hx[1]:.2f}", f"{ss[0]:.2f} / {ss[1]:.2f}",
                      f"+{hx[0] - ip[0]:.2f} (httpx), +{ss[0] - ip[0]:.2f} (ss)")
    Console().print(table)


if __name__ == "__main__":
    main()
