"""Hostile SOQL/SOSL against the real sandbox: every statement written to escape or exhaust it
gets a Salesforce-shaped error (no DuckDB or Python text) or a bounded result within the query
timeout, through the SOQL front end and through the tool layer agents actually call. Afterwards
the base org is unchanged, DuckDB holds nothing but the org, and memory stayed bounded."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from pathlib import Path

import pytest

from data.org.store import load_org
from entropy import build_view
from env.protocol import ToolCall
from env.tools import (
    DESCRIBE,
    OBSERVATION_LIMIT,
    SOQL_QUERY,
    SOSL_SEARCH,
    execute,
    render_payload,
    validate_call,
)
from sandbox_db.database import OrgDatabase
from sandbox_db.errors import SalesforceError
from sandbox_db.soql import run_statement
from sandbox_db.soql.execute import is_sosl
from sandbox_db.soql.translate import BATCH_SIZE

TODAY = dt.date(2024, 6, 1)
#: Slack over the view's query timeout for Python-side work (parsing, shaping, a busy CI box).
SLACK_S = 3.0
#: RSS growth allowed over the whole suite (DuckDB's own limit is 1 GB; 100k-item IN lists and
#: 1 MB statements must not add anything near that).
RSS_GROWTH_LIMIT_MB = 400

#: Text that must never reach an agent unless the agent wrote it itself.
LEAK_PATTERNS = [re.compile(p, re.IGNORECASE) for p in (
    r"duckdb", r"traceback", r"sqlglot", r"binder error", r"parser error", r"catalog error",
    r"conversion error", r"invalid input error", r"\bFile \"", r"\.py\b", r"<class ",
    r"Exception\b", r"\bv_\d+\b", r"\borg\.main\b", r"read_only", r"/etc/", r"/proc/",
    r"\x00", r"lock_configuration", r"enable_external_access", r"KeyError", r"TypeError",
    r"ValueError", r"AttributeError", r"IndexError", r"RecursionError")]


def _id_list(n: int) -> str:
    return ",".join(f"'500{i:015d}'" for i in range(n))


def _nested_semijoins(depth: int) -> str:
    query = "SELECT Id FROM Account"
    for _ in range(depth):
        query = f"SELECT Id FROM Account WHERE Id IN ({query})"
    return query


PASSWD = "'/etc/passwd'"
#: (id, statement). Ids are the test ids: one per hostile input.
HOSTILE: list[tuple[str, str]] = [
    # DuckDB table functions, as a FROM target and as expressions
    *[(f"tablefn-from-{fn}", f"SELECT Id FROM {fn}({PASSWD})")
      for fn in ("read_csv", "read_csv_auto", "read_text", "read_blob", "read_json",
                 "read_parquet", "parquet_scan", "glob", "query_table", "query")],
    *[(f"catalogfn-from-{fn}", f"SELECT Id FROM {fn}()")
      for fn in ("duckdb_settings", "duckdb_tables", "duckdb_views", "duckdb_databases",
                 "duckdb_extensions", "duckdb_functions", "pragma_database_list")],
    ("tablefn-quoted-path", f"SELECT Id FROM {PASSWD}"),
    ("tablefn-double-quoted-path", 'SELECT Id FROM "/etc/passwd"'),
    ("fn-in-select", f"SELECT read_text({PASSWD}) FROM Case"),
    ("fn-in-where", f"SELECT Id FROM Case WHERE Subject = read_text({PASSWD})"),
    ("fn-getenv", "SELECT Id FROM Case WHERE Subject = getenv('HOME')"),
    ("fn-current-setting", "SELECT current_setting('memory_limit') FROM Case"),
    ("fn-inside-allowed-fn", f"SELECT CALENDAR_YEAR(read_text({PASSWD})) FROM Case"),
    ("fn-inside-tolabel", "SELECT toLabel(query_table('org.main.Case')) FROM Case"),
    ("fn-inside-format", "SELECT FORMAT(getenv('HOME')) FROM Case"),
    ("fn-inside-count", "SELECT COUNT(read_csv('/etc/passwd')) FROM Case"),
    ("fn-in-order-by", "SELECT Id FROM Case ORDER BY read_text('/etc/passwd')"),
    ("fn-in-group-by", "SELECT COUNT(Id) FROM Case GROUP BY getenv('HOME')"),
    ("fn-range-blowup", "SELECT Id FROM range(1000000000000)"),
    ("fn-in-subquery-from", "SELECT Id FROM Account WHERE Id IN (SELECT Id FROM "
                            f"read_csv({PASSWD}))"),
    # statements that are not a SELECT
    ("attach", "ATTACH '/tmp/evil.duckdb' AS evil"),
    ("attach-memory", "ATTACH ':memory:' AS evil"),
    ("detach", "DETACH org"),
    ("copy-to", "COPY (SELECT Id FROM Case) TO '/tmp/out.csv'"),
    ("copy-from", "COPY Case FROM '/etc/passwd'"),
    ("export", "EXPORT DATABASE '/tmp/dump'"),
    ("install", "INSTALL httpfs"),
    ("load", "LOAD httpfs"),
    ("pragma", "PRAGMA database_list"),
    ("set", "SET enable_external_access = true"),
    ("reset", "RESET lock_configuration"),
    ("call", "CALL duckdb_settings()"),
    ("use", "USE org"),
    ("checkpoint", "CHECKPOINT"),
    ("vacuum", "VACUUM"),
    ("begin", "BEGIN TRANSACTION"),
    ("create-table", "CREATE TABLE x (a INT)"),
    ("create-macro", "CREATE MACRO m(a) AS a"),
    ("create-secret", "CREATE SECRET s (TYPE S3, KEY_ID 'a', SECRET 'b')"),
    ("drop-table", "DROP TABLE Case"),
    ("drop-schema", "DROP SCHEMA main CASCADE"),
    ("alter", "ALTER TABLE Case ADD COLUMN x INT"),
    ("insert", "INSERT INTO Case (Id) VALUES ('x')"),
    ("update", "UPDATE Case SET Subject = 'x'"),
    ("delete", "DELETE FROM Case"),
    ("upsert-soql", "UPSERT Case"),
    ("with-cte", "WITH x AS (SELECT Id FROM Case) SELECT Id FROM x"),
    ("values", "VALUES (1), (2)"),
    ("describe-sql", "DESCRIBE Case"),
    ("summarize", "SUMMARIZE Case"),
    ("explain", "EXPLAIN SELECT Id FROM Case"),
    ("select-star", "SELECT * FROM Case"),
    ("select-no-from", "SELECT 1"),
    # stacked statements and comments hiding statements
    ("stacked-drop", "SELECT Id FROM Case; DROP TABLE Case"),
    ("stacked-attach", "SELECT Id FROM Case;ATTACH '/tmp/x.db' AS x"),
    ("stacked-trailing-semicolon", "SELECT Id FROM Case;"),
    ("stacked-in-literal", "SELECT Id FROM Case WHERE Subject = 'a'; SELECT Id FROM Account"),
    ("comment-dash", "SELECT Id FROM Case -- WHERE Id = 'x'"),
    ("comment-dash-stacked", "SELECT Id FROM Case --\n; DROP TABLE Case"),
    ("comment-block", "SELECT Id FROM Case /* hidden */ WHERE Subject = 'x'"),
    ("comment-block-stacked", "SELECT Id FROM Case /*; */ ; ATTACH ':memory:' AS x"),
    ("comment-unterminated", "SELECT Id FROM Case /* never closed"),
    ("comment-hash", "SELECT Id FROM Case # comment"),
    ("quote-breakout", "SELECT Id FROM Case WHERE Subject = 'x'' OR 1=1 --'"),
    ("quote-breakout-backslash", "SELECT Id FROM Case WHERE Subject = 'x\\' OR Id != null"),
    ("quote-unterminated", "SELECT Id FROM Case WHERE Subject = 'x"),
    ("union", "SELECT Id FROM Case WHERE Subject = 'a' UNION SELECT Id FROM Account"),
    ("union-all", "SELECT Id FROM Case UNION ALL SELECT Id FROM Case"),
    ("intersect", "SELECT Id FROM Case INTERSECT SELECT Id FROM Case"),
    ("dollar-quoting", "SELECT Id FROM Case WHERE Subject = $$x$$"),
    ("param-placeholder", "SELECT Id FROM Case WHERE Subject = ?"),
    ("param-dollar", "SELECT Id FROM Case WHERE Subject = $1"),
    ("nul-marker-literal", "SELECT Id FROM Case WHERE Subject = '\x00Account\x00'"),
    ("nul-marker-object", "SELECT Id FROM \x00Account\x00"),
    # reaching beyond the episode's views: grading data, other episodes, the base catalog
    *[(f"grading-object-{name}", f"SELECT Id FROM {name}")
      for name in ("tasks", "task", "results", "gold", "answers", "logs", "episodes",
                   "information_schema.tables", "duckdb_tables", "sqlite_master",
                   "pg_catalog.pg_tables", "temp.main.x", "system.main.x")],
    ("catalog-base-table", "SELECT Id FROM org.main.Case"),
    ("catalog-base-quoted", 'SELECT Id FROM org.main."Case"'),
    ("catalog-episode-view", 'SELECT Id FROM main.v_0.Case'),
    ("catalog-episode-quoted", 'SELECT Id FROM "main"."v_0"."Case"'),
    ("catalog-dotted-quoted", 'SELECT Id FROM "org.main.Case"'),
    ("catalog-quote-in-ident", 'SELECT Id FROM "Case"" UNION SELECT 1 --"'),
    ("catalog-backtick", "SELECT Id FROM `Case`"),
    ("catalog-brackets", "SELECT Id FROM [Case]"),
    ("catalog-field-qualified", "SELECT org.main.Case.Id FROM Case"),
    ("catalog-field-quoted", 'SELECT "Id" FROM Case'),
    ("catalog-info-schema-subquery",
     "SELECT Id FROM Case WHERE Id IN (SELECT table_name FROM information_schema.tables)"),
    ("catalog-duckdb-subquery",
     "SELECT Id FROM Case WHERE Subject IN (SELECT name FROM duckdb_settings())"),
    ("homoglyph-cyrillic-object", "SELECT Id FROM C\u0430se"),
    ("homoglyph-fullwidth-select", "\uff33\uff25\uff2c\uff25\uff23\uff34 Id FROM Case"),
    ("homoglyph-greek-field", "SELECT \u0399d FROM Case"),
    ("zero-width-in-object", "SELECT Id FROM Ca\u200bse"),
    ("rtl-override", "SELECT Id FROM Case WHERE Subject = '\u202eesac'"),
    ("combining-chars", "SELECT Id FROM Case WHERE Subject = '" + "a\u0301" * 5000 + "'"),
    # resource exhaustion
    ("in-list-100k", f"SELECT Id FROM Case WHERE Id IN ({_id_list(100_000)})"),
    ("in-list-just-under-limit", f"SELECT Id FROM Case WHERE Id IN ({_id_list(4_500)})"),
    ("nested-parens-5000", "SELECT Id FROM Case WHERE " + "(" * 5000 + "Id = 'a'" + ")" * 5000),
    ("nested-parens-300", "SELECT Id FROM Case WHERE " + "(" * 300 + "Id = 'a'" + ")" * 300),
    ("nested-not-2000", "SELECT Id FROM Case WHERE " + "NOT " * 2000 + "Id = 'a'"),
    ("nested-semijoin-200", _nested_semijoins(200)),
    ("nested-semijoin-3", _nested_semijoins(3)),
    ("nested-child-subqueries",
     "SELECT Id, (SELECT Id, (SELECT Id FROM Cases) FROM Contacts) FROM Account"),
    ("nested-functions",
     "SELECT " + "CALENDAR_YEAR(" * 500 + "CreatedDate" + ")" * 500 + " FROM Case"),
    ("or-chain-5000",
     "SELECT Id FROM Case WHERE " + " OR ".join(f"Subject = 's{i}'" for i in range(5000))),
    ("and-chain-5000",
     "SELECT Id FROM Case WHERE " + " AND ".join("Id != null" for _ in range(5000))),
    ("cartesian-comma-join", "SELECT Id FROM Case, Account, Contact, Opportunity"),
    ("cartesian-join-keyword", "SELECT Id FROM Case JOIN Account ON 1=1 JOIN Contact ON 1=1"),
    ("cartesian-self-semijoins",
     "SELECT Id FROM Case WHERE Id IN (SELECT Id FROM Case WHERE Id IN (SELECT Id FROM Case))"),
    ("wide-parent-child", "SELECT Id, Name, (SELECT Id, Subject, Description FROM Cases), "
                          "(SELECT Id, Name FROM Contacts), (SELECT Id, Name FROM Opportunities) "
                          "FROM Account"),
    ("all-rows-wide", "SELECT Id, Subject, Description, Status, CreatedDate FROM Case"),
    ("limit-huge", "SELECT Id FROM Case LIMIT 99999999999999999999999"),
    ("limit-negative", "SELECT Id FROM Case LIMIT -1"),
    ("offset-huge", "SELECT Id FROM Case LIMIT 1 OFFSET 99999999999999999999"),
    ("date-literal-huge-n", "SELECT Id FROM Case WHERE CreatedDate = "
                            "LAST_N_DAYS:99999999999999999999"),
    ("date-literal-negative-n", "SELECT Id FROM Case WHERE CreatedDate = LAST_N_DAYS:-5"),
    ("date-out-of-range", "SELECT Id FROM Case WHERE CreatedDate > 99999-12-31T00:00:00Z"),
    ("number-huge", "SELECT Id FROM Case WHERE CreatedDate > " + "9" * 5000),
    ("like-many-percents", "SELECT Id FROM Case WHERE Subject LIKE '" + "%" * 5000 + "'"),
    ("like-percent-a", "SELECT Id FROM Case WHERE Description LIKE '" + "%a" * 2000 + "%b'"),
    ("like-underscores", "SELECT Id FROM Case WHERE Description LIKE '" + "_%" * 2000 + "'"),
    ("like-escape-games", "SELECT Id FROM Case WHERE Subject LIKE '\\\\%\\\\_\\\\' ESCAPE '\\\\'"),
    ("like-or-chain", "SELECT Id FROM Case WHERE " + " OR ".join(
        f"Description LIKE '%{chr(97 + i % 26)}%{chr(98 + i % 25)}%'" for i in range(1500))),
    ("statement-1mb", "SELECT Id FROM Case WHERE Subject = '" + "a" * 1_000_000 + "'"),
    ("statement-1mb-whitespace", "SELECT Id FROM Case" + " " * 1_000_000),
    ("literal-99k", "SELECT Id FROM Case WHERE Subject = '" + "a" * 99_000 + "'"),
    ("many-fields-repeated", "SELECT " + ", ".join(["Id"] * 10_000) + " FROM Case"),
    ("group-by-every-field", "SELECT Subject, Status, Priority, Origin, COUNT(Id) FROM Case "
                             "GROUP BY Subject, Status, Priority, Origin"),
    # bytes that are not text
    ("nul-byte", "SELECT Id FROM Case WHERE Subject = '\x00'"),
    ("nul-in-keyword", "SEL\x00ECT Id FROM Case"),
    ("lone-surrogate", "SELECT Id FROM Case WHERE Subject = '\ud800'"),
    ("lone-surrogate-ident", "SELECT Id FROM Ca\udfffse"),
    ("invalid-utf8-surrogateescape", b"SELECT Id FROM Case WHERE Subject = '\xff\xfe\xc3'"
     .decode("utf-8", "surrogateescape")),
    ("invalid-utf8-latin1", b"SELECT Id FROM Case WHERE Subject = '\xc3\x28'".decode("latin-1")),
    ("control-chars",
     "SELECT Id FROM Case WHERE Subject = '" + "".join(map(chr, range(1, 32))) + "'"),
    ("bom-prefix", "\ufeffSELECT Id FROM Case"),
    ("empty", " "),
    # SOSL
    ("sosl-stacked", "FIND {acme} RETURNING Account(Id); DROP TABLE Account"),
    ("sosl-comment", "FIND {acme} RETURNING Account(Id) -- ; ATTACH 'x' AS y"),
    ("sosl-fn-in-where", f"FIND {{acme}} RETURNING Account(Id WHERE Name = read_text({PASSWD}))"),
    ("sosl-fn-object", "FIND {acme} RETURNING read_csv(Id)"),
    ("sosl-grading-object", "FIND {acme} RETURNING tasks(Id), results(Id)"),
    ("sosl-base-catalog", "FIND {acme} RETURNING org.main.Account(Id)"),
    ("sosl-quote-breakout", "FIND {a' OR 1=1 --} RETURNING Account(Id)"),
    ("sosl-brace-breakout", "FIND {a} } RETURNING Account(Id) {"),
    ("sosl-like-breakout", "FIND {%_%_%_%} RETURNING Account(Id)"),
    ("sosl-wildcards-only", "FIND {**} RETURNING Account(Id)"),
    ("sosl-many-wildcards", "FIND {" + "a*" * 3000 + "} RETURNING Case(Id)"),
    ("sosl-many-or", "FIND {" + " OR ".join(f"w{i}" for i in range(5000)) + "}"),
    ("sosl-50-words-all-objects", "FIND {" + " OR ".join(f"w{i}" for i in range(50)) + "}"),
    ("sosl-64-words-all-objects", "FIND {" + " ".join(f"w{i}*" for i in range(64)) + "}"),
    ("sosl-nested-parens", "FIND {" + "(" * 3000 + "acme" + ")" * 3000 + "}"),
    ("sosl-all-objects-all-fields", "FIND {a*} IN ALL FIELDS"),
    ("sosl-limit-huge", "FIND {acme} RETURNING Account(Id) LIMIT 99999999999999999999"),
    ("sosl-1mb", "FIND {" + "a" * 1_000_000 + "}"),
    ("sosl-nul", "FIND {a\x00b} RETURNING Account(Id)"),
    ("sosl-surrogate", "FIND {\ud800\udfff\ud800} RETURNING Account(Id)"),
    ("sosl-quoted-form", "FIND 'acme'' OR 1=1' RETURNING Account(Id)"),
    ("sosl-in-list-objects", "FIND {acme} RETURNING " + ", ".join(["Account(Id)"] * 2000)),
    ("sosl-child-subquery", "FIND {acme} RETURNING Account(Id, (SELECT Id FROM Contacts))"),
]
assert len({name for name, _ in HOSTILE}) == len(HOSTILE), "hostile ids must be unique"


def _rss_mb(field: str = "VmRSS") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


@pytest.fixture(scope="module")
def rss_at_start() -> float:
    return _rss_mb()


@pytest.fixture(scope="module")
def db(rss_at_start: float) -> OrgDatabase:
    return load_org("b2b")


@pytest.fixture(scope="module")
def base_counts(db: OrgDatabase) -> dict[str, int]:
    cur = db.cursor()
    try:
        return {o.name: cur.execute(f"SELECT count(*) FROM {db.base_table(o.name)}").fetchone()[0]
                for o in db.schema.objects}
    finally:
        cur.close()


@pytest.fixture(scope="module")
def view(db: OrgDatabase, base_counts: dict[str, int]):
    """An episode's view with drift and rot, as agents see it; a short timeout keeps the suite
    fast while still proving that runaway statements are cut off."""
    episode_view = build_view(db, drift="none", rot="medium", seed=3, today=TODAY)
    episode_view.query_timeout_s = 2.0
    yield episode_view
    episode_view.close()


def assert_no_leak(message: str, statement: str) -> None:
    """The message names nothing of the implementation that the statement did not name."""
    assert isinstance(message, str) and message
    for pattern in LEAK_PATTERNS:
        if pattern.search(message) and not pattern.search(statement):
            raise AssertionError(f"leak {pattern.pattern!r} in error message: {message[:500]!r}")


def assert_contained_result(result: dict, statement: str) -> None:
    json.dumps(result, default=str)  # JSON-shaped, whatever it holds
    records = result["searchRecords"] if is_sosl(statement) else result["records"]
    assert len(records) <= BATCH_SIZE


@pytest.mark.parametrize("statement", [s for _, s in HOSTILE], ids=[n for n, _ in HOSTILE])
def test_statement_gets_salesforce_error_or_bounded_result(view, statement: str) -> None:
    started = time.perf_counter()
    try:
        result = run_statement(view, statement, today=TODAY)
    except SalesforceError as exc:
        [error] = exc.to_json()
        assert set(error) == {"errorCode", "message"}
        assert_no_leak(error["message"], statement)
    else:
        assert_contained_result(result, statement)
    assert time.perf_counter() - started < view.query_timeout_s * 2 + SLACK_S


def _tool_call(statement: str) -> ToolCall:
    if is_sosl(statement):
        return ToolCall(name=SOSL_SEARCH, arguments={"search": statement})
    return ToolCall(name=SOQL_QUERY, arguments={"query": statement})


@pytest.mark.parametrize("statement", [s for _, s in HOSTILE], ids=[n for n, _ in HOSTILE])
def test_tool_call_observation_is_salesforce_shaped_and_bounded(view, statement: str) -> None:
    call = _tool_call(statement)
    problem = validate_call(call)
    if problem is not None:  # e.g. an empty statement: the environment's own argument error
        payload, code = problem, problem[0]["errorCode"]
    else:
        started = time.perf_counter()
        outcome = execute(view, call, TODAY)
        assert time.perf_counter() - started < view.query_timeout_s * 2 + SLACK_S
        payload, code = outcome.payload, outcome.error_code
    text, _ = render_payload(payload)
    assert len(text) <= OBSERVATION_LIMIT
    if code is not None:
        assert isinstance(payload, list) and len(payload) == 1
        assert set(payload[0]) == {"errorCode", "message"} and payload[0]["errorCode"] == code
        assert_no_leak(payload[0]["message"], statement)


HOSTILE_OBJECT_NAMES = ["../../etc/passwd", "org.main.Case", "main.v_0.Case", "tasks",
                        "Case\x00", "C\u0430se", "\ud800", "x" * 1_000_000, "'; DROP TABLE Case",
                        "information_schema.tables", "duckdb_settings()"]


@pytest.mark.parametrize("name", HOSTILE_OBJECT_NAMES,
                         ids=[f"describe-{i}" for i in range(len(HOSTILE_OBJECT_NAMES))])
def test_describe_of_hostile_object_is_not_found(view, name: str) -> None:
    outcome = execute(view, ToolCall(name=DESCRIBE, arguments={"object": name}), TODAY)
    assert outcome.error_code == "NOT_FOUND"
    text, _ = render_payload(outcome.payload)
    assert len(text) <= OBSERVATION_LIMIT


def test_runaway_query_is_interrupted_by_the_timeout(db: OrgDatabase) -> None:
    """The worst statement the front end accepts, against a tiny timeout: QUERY_TIMEOUT (or a
    result), never a hang."""
    quick = build_view(db, today=TODAY)
    quick.query_timeout_s = 0.05
    statement = ("SELECT Id FROM Case WHERE " + " OR ".join(
        f"Description LIKE '%{chr(97 + i % 26)}%{chr(98 + i % 25)}%{i}%'" for i in range(2000)))
    try:
        started = time.perf_counter()
        try:
            run_statement(quick, statement, today=TODAY)
        except SalesforceError as exc:
            assert exc.error_code.value in {"QUERY_TIMEOUT", "MALFORMED_QUERY"}
            assert_no_leak(exc.message, statement)
        assert time.perf_counter() - started < 5
    finally:
        quick.close()


def test_other_episodes_views_are_unreachable(db: OrgDatabase, view) -> None:
    """A second episode's view exists in the same DuckDB; no statement of this one reaches it."""
    other = build_view(db, today=TODAY)
    try:
        other.materialize()
        namespace = other.table("Case").split(".")[1].strip('"')
        for statement in (f'SELECT Id FROM main.{namespace}.Case',
                          f'SELECT Id FROM "{namespace}"."Case"',
                          f'SELECT Id FROM {namespace}.Case',
                          f'FIND {{acme}} RETURNING {namespace}.Account(Id)'):
            with pytest.raises(SalesforceError) as info:
                run_statement(view, statement, today=TODAY)
            assert info.value.error_code.value in {"MALFORMED_QUERY", "MALFORMED_SEARCH",
                                                   "INVALID_TYPE"}
    finally:
        other.close()


def test_duckdb_holds_nothing_but_the_org(db: OrgDatabase) -> None:
    """Grading data (tasks, gold answers, logs) never enters DuckDB: its catalog holds the org's
    base tables and episode views only, so no query of any shape could read them."""
    cur = db.cursor()
    try:
        tables = cur.execute("SELECT database_name, schema_name, table_name FROM duckdb_tables() "
                             "WHERE NOT internal").fetchall()
        views = cur.execute("SELECT database_name, schema_name, view_name FROM duckdb_views() "
                            "WHERE NOT internal").fetchall()
    finally:
        cur.close()
    objects = {o.name for o in db.schema.objects}
    assert {t[2] for t in tables} <= objects and all(t[0] == "org" for t in tables)
    assert all(v[0] == "memory" and re.fullmatch(r"v_\d+", v[1]) and v[2] in objects
               for v in views), views
    forbidden = {"tasks", "results", "gold", "answers", "logs", "episodes"}
    assert not forbidden & {t[2].lower() for t in tables + views}


def test_base_org_is_unchanged_and_the_sandbox_still_answers(db, view, base_counts) -> None:
    cur = db.cursor()
    try:
        after = {o.name: cur.execute(f"SELECT count(*) FROM {db.base_table(o.name)}").fetchone()[0]
                 for o in db.schema.objects}
        setting = "SELECT current_setting('enable_external_access')"
        assert cur.execute(setting).fetchone()[0] is False
        assert cur.execute("SELECT current_setting('lock_configuration')").fetchone()[0] is True
    finally:
        cur.close()
    assert after == base_counts
    result = run_statement(view, "SELECT COUNT() FROM Account", today=TODAY)
    assert result["totalSize"] >= base_counts["Account"]


def test_memory_stayed_bounded(rss_at_start: float, view) -> None:
    grown = _rss_mb() - rss_at_start
    print(f"RSS grew {grown:.0f} MB over {len(HOSTILE)} hostile statements "
          f"(peak {_rss_mb('VmHWM'):.0f} MB)")
    assert grown < RSS_GROWTH_LIMIT_MB
