"""Fuzz the SOQL/SOSL front end with statements built from the schema's real names (so they get
past the parser and reach translation and DuckDB), then mutated. Every statement yields a
Salesforce-shaped result or a SalesforceError whose message names no DuckDB or Python internals."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data.org.store import load_org
from sandbox_db.database import open_view
from sandbox_db.errors import SalesforceError
from sandbox_db.schema import load_schema
from sandbox_db.soql import run_statement
from sandbox_db.soql.translate import BATCH_SIZE

TODAY = dt.date(2024, 6, 1)
SCHEMA = load_schema("b2b")
OBJECTS = [o for o in SCHEMA.objects]
FUZZ = settings(max_examples=150, derandomize=True, deadline=10_000,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
LEAK = re.compile(r"duckdb|traceback|sqlglot|binder error|parser error|catalog error|"
                  r"conversion error|\.py\b|<class |KeyError|TypeError|ValueError|"
                  r"AttributeError|IndexError|\bv_\d+\b|org\.main", re.IGNORECASE)

OPERATORS = ["=", "!=", "<", "<=", ">", ">=", "LIKE", "IN", "NOT IN", "INCLUDES", "EXCLUDES"]
LITERALS = st.sampled_from([
    "'x'", "'%a%'", "null", "true", "false", "0", "-1.5", "1e308", "2024-01-01",
    "2024-01-01T00:00:00Z", "TODAY", "LAST_N_DAYS:30", "THIS_FISCAL_QUARTER", "('a','b')",
    "'001000000000000AAA'", "''", "'\\''", "NEXT_N_MONTHS:-2"])
KEYWORDS = ["SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "ORDER BY", "GROUP BY", "HAVING",
            "LIMIT", "OFFSET", "COUNT()", "(", ")", ",", "'", '"', ";", "--", "/*", "*", ".",
            "FIND", "{", "}", "RETURNING", "\x00", "\ud800", "ASC", "DESC", "NULLS", "TYPEOF"]


@st.composite
def soql(draw) -> str:
    obj = draw(st.sampled_from(OBJECTS))
    fields = [f.name for f in obj.fields]
    parents = [f.relationship_name for f in obj.fields if getattr(f, "relationship_name", None)]
    paths = fields + [f"{p}.Name" for p in parents] + [f"{p}.Id" for p in parents]
    aggregate = draw(st.booleans())
    if aggregate:
        group = draw(st.sampled_from(fields))
        aggregate = draw(st.sampled_from(["COUNT(Id)", "MAX(CreatedDate)", "COUNT_DISTINCT(Id)",
                                          "SUM(Id)"]))
        select = f"{group}, {aggregate}"
    else:
        select = ", ".join(draw(st.lists(st.sampled_from(paths), min_size=1, max_size=4)))
    query = f"SELECT {select} FROM {obj.name}"
    conditions = draw(st.lists(st.tuples(st.sampled_from(paths), st.sampled_from(OPERATORS),
                                         LITERALS), max_size=3))
    if conditions:
        joiner = draw(st.sampled_from([" AND ", " OR "]))
        query += " WHERE " + joiner.join(f"{p} {op} {lit}" for p, op, lit in conditions)
    if aggregate:
        query += f" GROUP BY {group}"
    elif draw(st.booleans()):
        direction = draw(st.sampled_from(["ASC", "DESC", "DESC NULLS LAST"]))
        query += f" ORDER BY {draw(st.sampled_from(paths))} {direction}"
    if draw(st.booleans()):
        query += f" LIMIT {draw(st.integers(min_value=-2, max_value=10**6))}"
    return query


@st.composite
def sosl(draw) -> str:
    words = draw(st.lists(st.text(alphabet="abcdefghij*?\"' ", min_size=1, max_size=6),
                          min_size=1, max_size=3))
    term = " ".join(words)
    specs = draw(st.lists(st.sampled_from(OBJECTS), min_size=0, max_size=3))
    search = f"FIND {{{term}}}"
    if draw(st.booleans()):
        search += f" IN {draw(st.sampled_from(['ALL', 'NAME', 'EMAIL', 'PHONE', 'BOGUS']))} FIELDS"
    if specs:
        search += " RETURNING " + ", ".join(f"{o.name}(Id, {o.fields[-1].name})" for o in specs)
    return search


@st.composite
def mutated(draw, base) -> str:
    text = draw(base)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        at = draw(st.integers(min_value=0, max_value=len(text)))
        action = draw(st.sampled_from(["insert", "delete", "replace", "duplicate"]))
        if action == "insert":
            text = text[:at] + " " + draw(st.sampled_from(KEYWORDS)) + " " + text[at:]
        elif action == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 8)):]
        elif action == "replace":
            text = text[:at] + draw(st.characters()) + text[at + 1:]
        else:
            text = text[:at] + text[at:at + 20] * 2 + text[at + 20:]
    return text


@pytest.fixture(scope="module")
def view():
    episode_view = open_view(load_org("b2b"), query_timeout_s=2.0)
    yield episode_view
    episode_view.close()


def _check(view, statement: str) -> None:
    try:
        result = run_statement(view, statement, today=TODAY)
    except SalesforceError as exc:
        [error] = exc.to_json()
        assert error["errorCode"] and error["message"]
        leak = LEAK.search(error["message"])
        assert leak is None or LEAK.search(statement), error["message"]
        return
    records = result.get("records", result.get("searchRecords"))
    assert isinstance(records, list) and len(records) <= BATCH_SIZE


@FUZZ
@given(statement=soql())
def test_generated_soql(view, statement: str) -> None:
    _check(view, statement)


@FUZZ
@given(statement=mutated(soql()))
def test_mutated_soql(view, statement: str) -> None:
    _check(view, statement)


@FUZZ
@given(statement=sosl() | mutated(sosl()))
def test_generated_and_mutated_sosl(view, statement: str) -> None:
    _check(view, statement)


@FUZZ
@given(statement=st.text(max_size=200))
def test_arbitrary_text(view, statement: str) -> None:
    _check(view, statement)


def test_the_generator_reaches_duckdb(view) -> None:
    """Guard against a fuzzer that only ever hits parse errors: plain generated queries run."""
    obj = SCHEMA.get("Account")
    result = run_statement(view, f"SELECT Id, Name FROM {obj.name} WHERE Name != null LIMIT 3",
                           today=TODAY)
    assert len(result["records"]) == 3
