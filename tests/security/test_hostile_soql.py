"""Hostile SOQL/SOSL against the real sandbox: every statement written to escape or exhaust it
gets a Salesforce-shaped error (no DuckDB or Python text) or a bounded result within the query
timeout, through the SOQL front end and through the tool layer agents actually call. Afterwards
the base org is unchanged, DuckDB holds nothing but the org, and memory stayed bounded."""

from __future__ import annotations

import datetime as dt
import json
import re
import time

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
from tests.helpers.hostile_corpus import HOSTILE, HOSTILE_OBJECT_NAMES
from tests.helpers.memory import rss_mb

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


@pytest.fixture(scope="module")
def rss_at_start() -> float:
    return rss_mb()


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


def test_other_episodes_distractor_rows_are_unreachable(db: OrgDatabase, view) -> None:
    """Episodes' distractor rows live in shared tables; no statement names one, by any spelling,
    and this episode's view of an object holds none of another episode's rows."""
    other = build_view(db, rot="high", seed=11, today=TODAY)
    try:
        other.materialize()
        cur = db.cursor()
        try:
            names = [r[0] for r in cur.execute(
                "SELECT table_name FROM duckdb_tables() WHERE starts_with(table_name, 'rows_')"
                ).fetchall()]
        finally:
            cur.close()
        assert names
        for name in names:
            for statement in (f"SELECT Id FROM {name}", f"SELECT Id FROM main.{name}",
                              f'SELECT Id FROM "{name}"', f"SELECT Id FROM memory.main.{name}",
                              f"FIND {{acme}} RETURNING {name}(Id)"):
                with pytest.raises(SalesforceError) as info:
                    run_statement(view, statement, today=TODAY)
                assert info.value.error_code.value in {"MALFORMED_QUERY", "MALFORMED_SEARCH",
                                                       "INVALID_TYPE"}
        planted = {o: {r["Id"] for r in rows} for o, rows in (other.extra_rows or {}).items()}
        assert planted
        clean = build_view(db, today=TODAY)  # no rot of its own: any planted Id would be a leak
        try:
            for obj, ids in planted.items():
                soql = f"SELECT Id FROM {obj} WHERE Id IN ({', '.join(map(repr, sorted(ids)))})"
                mine = run_statement(other, soql, today=TODAY)["records"]
                assert {r["Id"] for r in mine} == ids  # the episode that planted them sees them
                found = run_statement(clean, soql, today=TODAY)["records"]
                assert not found, obj
        finally:
            clean.close()
    finally:
        other.close()


def test_duckdb_holds_nothing_but_the_org(db: OrgDatabase) -> None:
    """Grading data (tasks, gold answers, logs) never enters DuckDB: its catalog holds the org's
    base tables, episode views and distractor rows (org records, each table one object's
    fields) only, so no query of any shape could read them."""
    cur = db.cursor()
    try:
        tables = cur.execute("SELECT database_name, schema_name, table_name FROM duckdb_tables() "
                             "WHERE NOT internal").fetchall()
        views = cur.execute("SELECT database_name, schema_name, view_name FROM duckdb_views() "
                            "WHERE NOT internal").fetchall()
    finally:
        cur.close()
    objects = {o.name for o in db.schema.objects}
    base = [t for t in tables if t[0] == "org"]
    rows = [t for t in tables if t[0] != "org"]
    assert {t[2] for t in base} <= objects
    assert all(t[:2] == ("memory", "main") and (m := re.fullmatch(r"rows_(\w+)_\d+", t[2]))
               and m.group(1) in objects for t in rows), rows
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
    grown = rss_mb() - rss_at_start
    print(f"RSS grew {grown:.0f} MB over {len(HOSTILE)} hostile statements "
          f"(peak {rss_mb('VmHWM'):.0f} MB)")
    assert grown < RSS_GROWTH_LIMIT_MB
