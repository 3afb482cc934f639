"""A public SOQL/SOSL corpus run through the dialect: how much of the language as people write it
is accepted, and whether what Salesforce rejects is rejected.

corpus.jsonl (next to this file) holds 761 statements others wrote: the test suites of
jetstreamapp/soql-parser-js (MIT), aheber/tree-sitter-sfapex (MIT) and apex-dev-tools/apex-parser,
and examples from Salesforce's SOQL/SOSL references. Each line: id, lang, expected (syntax |
invalid | apex | nonstandard | unverified), text, note, sources, and, where the statement names
objects or fields the b2b org lacks, `mapped`: the same statement with those names replaced by
ones the org has, so a syntax gap cannot hide behind an unknown-name error.

Outcome of one statement: ok (a result), schema (INVALID_FIELD/INVALID_TYPE), semantic (another
non-malformed Salesforce error), malformed (MALFORMED_QUERY/MALFORMED_SEARCH/INVALID_SEARCH), bug
(a non-Salesforce error or UNKNOWN_EXCEPTION) or hang (no answer in time, or QUERY_TIMEOUT).
A `syntax` statement passes when it is ok/schema/semantic and its mapped variant is none of
malformed/bug/hang; an `invalid` one when it is rejected. Same rules as the shared check.py, run
in-process: each statement in a worker thread with a deadline (DuckDB work is interrupted by the
view's own query timeout).

    uv run python tests/sandbox_db/soql/corpus/corpus_check.py [-v]
"""

from __future__ import annotations

import collections
import concurrent.futures
import datetime as dt
import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus.jsonl"
MALFORMED = {"MALFORMED_QUERY", "MALFORMED_SEARCH", "INVALID_SEARCH"}
SCHEMA = {"INVALID_FIELD", "INVALID_TYPE"}
BAD = {"malformed", "bug", "hang"}

#: (label, regex on the statement): the features a statement shows (as check.py groups them).
FEATURES = [
    ("TYPEOF", r"\bTYPEOF\b"),
    ("polymorphic What/Who/Owner.Type", r"\b(What|Who)\.\w+|\bOwner\.Type\b"),
    ("USING SCOPE", r"\bUSING\s+SCOPE\b"),
    ("WITH DATA CATEGORY", r"\bWITH\s+DATA\s+CATEGORY\b"),
    ("WITH SECURITY_ENFORCED/USER_MODE/SYSTEM_MODE",
     r"\bWITH\s+(SECURITY_ENFORCED|USER_MODE|SYSTEM_MODE)\b"),
    ("WITH RecordVisibilityContext/UserId", r"\bWITH\s+(RecordVisibilityContext|UserId)\b"),
    ("FOR VIEW/REFERENCE/UPDATE", r"\bFOR\s+(VIEW|REFERENCE|UPDATE)\b"),
    ("UPDATE TRACKING/VIEWSTAT", r"\bUPDATE\s+(TRACKING|VIEWSTAT)\b"),
    ("GROUP BY ROLLUP/CUBE, GROUPING()", r"\bGROUP\s+BY\s+(ROLLUP|CUBE)\b|\bGROUPING\s*\("),
    ("FORMAT()/toLabel()/convertCurrency()", r"\b(FORMAT|toLabel|convertCurrency)\s*\("),
    ("currency literal (USD5000)", r"(?<![\w'])[A-Z]{3}\d+(\.\d+)?\b"),
    ("DISTANCE/GEOLOCATION", r"\b(DISTANCE|GEOLOCATION)\s*\("),
    ("child subquery (qualified, nested)", r"[(,]\s*\(\s*SELECT\b|SELECT\s*\(\s*SELECT\b"),
    ("object alias / alias join", r"\bFROM\s+\w+\s+(?!WHERE|ORDER|GROUP|LIMIT|OFFSET|USING|WITH|"
                                  r"FOR|UPDATE)[A-Za-z]\w*\b"),
    ("semi-join/anti-join", r"\bIN\s*\(\s*SELECT\b"),
    ("date function / literal", r"\b(CALENDAR_\w+|DAY_\w+|FISCAL_\w+|HOUR_IN_DAY|WEEK_IN_\w+)"
                                r"\s*\(|\b(LAST|NEXT|THIS)_\w+\b|\bN_\w+_AGO\b|\b(YESTER|TO)DAY\b"),
    ("aggregate / GROUP BY / HAVING", r"\b(COUNT|COUNT_DISTINCT|SUM|AVG|MIN|MAX)\s*\(|"
                                      r"\bGROUP\s+BY\b|\bHAVING\b"),
    ("SOSL WITH HIGHLIGHT/SNIPPET/SPELL_CORRECTION/METADATA",
     r"\bWITH\s+(SNIPPET|HIGHLIGHT|SPELL_CORRECTION|METADATA)\b"),
    ("SOSL WITH DIVISION/NETWORK/PricebookId", r"\bWITH\s+(DIVISION|NETWORK|PricebookId)\b"),
    ("SOSL USING ListView", r"\bUSING\s+ListView\b"),
    ("SOSL escaped reserved character", r"^\s*FIND\s*\{[^}]*\\"),
]


def features(text: str) -> list[str]:
    return [name for name, pat in FEATURES if re.search(pat, text, re.IGNORECASE)] or ["(basic)"]


@dataclass
class Row:
    case: dict[str, Any]
    outcome: str
    detail: str
    mapped_outcome: str | None = None
    mapped_detail: str = ""

    @property
    def expected(self) -> str:
        return self.case["expected"]

    @property
    def passed(self) -> bool:
        if self.expected == "syntax":
            return self.outcome in ("ok", "schema", "semantic") and self.mapped_outcome not in BAD
        if self.expected == "invalid":
            return self.outcome not in ("ok", "bug", "hang")
        return True

    @property
    def bug(self) -> bool:
        return self.outcome in ("bug", "hang") or self.mapped_outcome in ("bug", "hang")


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)

    def of(self, expected: str) -> list[Row]:
        return [r for r in self.rows if r.expected == expected]

    @property
    def syntax_rate(self) -> float:
        rows = self.of("syntax")
        return 100.0 * sum(r.passed for r in rows) / len(rows)

    @property
    def invalid_rate(self) -> float:
        rows = self.of("invalid")
        return 100.0 * sum(r.passed for r in rows) / len(rows)

    @property
    def bugs(self) -> list[Row]:
        return [r for r in self.rows if r.bug]

    def by_feature(self) -> dict[str, tuple[int, int]]:
        """Feature -> (syntax statements passed, syntax statements showing it)."""
        out: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
        for r in self.of("syntax"):
            for f in features(r.case["text"]):
                out[f][0] += r.passed
                out[f][1] += 1
        return {k: (v[0], v[1]) for k, v in out.items()}

    def summary(self, verbose: bool = False) -> str:
        syn, inv = self.of("syntax"), self.of("invalid")
        lines = [f"corpus: {len(self.rows)} statements; syntax accepted "
                 f"{sum(r.passed for r in syn)}/{len(syn)} = {self.syntax_rate:.1f}%, invalid "
                 f"rejected {sum(r.passed for r in inv)}/{len(inv)} = {self.invalid_rate:.1f}% "
                 f"(bugs: {len(self.bugs)})", "by feature (syntax statements accepted):"]
        for name, (ok, n) in sorted(self.by_feature().items(), key=lambda kv: -kv[1][1]):
            lines.append(f"  {ok:4d}/{n:<4d} {name}")
        failing = [r for r in syn + inv if not r.passed] + [r for r in self.bugs]
        for r in failing if verbose else failing[:20]:
            det = r.detail if r.outcome in BAD or r.expected == "invalid" else r.mapped_detail
            lines.append(f"  FAIL {r.case['id']} ({r.expected}, {r.outcome}/{r.mapped_outcome}) "
                         f"{' '.join(r.case['text'].split())[:110]}\n       "
                         f"{' '.join(det.split())[:200]}")
        return "\n".join(lines)


def classify(exc: BaseException | None, result: Any) -> tuple[str, str]:
    from sandbox_db.errors import SalesforceError
    if exc is None:
        if isinstance(result, dict) and ("records" in result or "searchRecords" in result):
            return "ok", f"{len(result.get('records', result.get('searchRecords', [])))} rows"
        return "bug", f"unexpected result shape: {type(result).__name__}"
    if isinstance(exc, SalesforceError):
        code = exc.error_code.value
        msg = f"{code}: {exc.message.strip()[:300]}"
        if code == "UNKNOWN_EXCEPTION":
            cause = exc.__cause__ or exc.__context__
            return "bug", msg + (f" <- {type(cause).__name__}: {cause}"[:300] if cause else "")
        if code == "QUERY_TIMEOUT":
            return "hang", msg
        if code in MALFORMED:
            return "malformed", msg
        return ("schema" if code in SCHEMA else "semantic"), msg
    return "bug", f"{type(exc).__name__}: {str(exc)[:300]}"


def run_corpus(view: Any, today: dt.date, timeout_s: float = 10.0,
               corpus: Path = CORPUS) -> Report:
    """Every statement (and its mapped variant) on `view`; stops at the first hang."""
    from sandbox_db.soql import run_statement

    cases = [json.loads(line) for line in corpus.read_text().splitlines() if line.strip()]
    report = Report()
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)

    def one(text: str) -> tuple[str, str]:
        def work() -> tuple[BaseException | None, Any]:
            try:
                return None, run_statement(view, text, today=today)
            except BaseException as exc:  # noqa: BLE001 - classify everything
                return exc, None
        started = time.perf_counter()
        future = pool.submit(work)
        try:
            exc, result = future.result(timeout=timeout_s)
        except concurrent.futures.TimeoutError:
            return "hang", f"no answer within {time.perf_counter() - started:.1f} s"
        return classify(exc, result)

    try:
        for case in cases:
            outcome, detail = one(case["text"])
            row = Row(case, outcome, detail)
            if case.get("mapped") and outcome != "hang":
                row.mapped_outcome, row.mapped_detail = one(case["mapped"])
            report.rows.append(row)
            if row.outcome == "hang" or row.mapped_outcome == "hang":
                break  # the worker may still be busy: nothing after this would be safe to time
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    return report


def corpus_today(view: Any) -> dt.date:
    """The day relative date literals resolve against: the org's last case's (as check.py)."""
    _, rows = view.execute(f'SELECT max("CreatedDate") FROM {view.table("Case")}')
    return rows[0][0].date() if rows and rows[0][0] else dt.date(2024, 6, 1)


def main() -> int:
    from data.org.store import load_org
    from sandbox_db.database import open_view

    db = load_org("b2b")
    view = open_view(db)
    try:
        report = run_corpus(view, corpus_today(view))
    finally:
        view.close()
        db.close()
    print(report.summary(verbose="-v" in sys.argv))
    return 0 if report.syntax_rate >= 95 and report.invalid_rate >= 95 and not report.bugs else 1


if __name__ == "__main__":
    sys.exit(main())
