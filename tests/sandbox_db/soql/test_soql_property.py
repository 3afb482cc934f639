"""Property: whatever text an agent sends, the SOQL/SOSL front end answers with a result or a
SalesforceError, never another exception and never DuckDB/Python error text."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sandbox_db.errors import SalesforceError
from sandbox_db.soql import run_statement
from tests.helpers.soql_fixtures import TODAY, open_fixture_view

LEAKS = ("duckdb", "Binder", "Catalog Error", "Traceback", "sqlglot", "Parser Error", "NoneType",
         "KeyError", "IndexError", "TypeError", "AttributeError", "org.main", "\x00")

VALID = [
    "SELECT Id, Name, Account.Name FROM Contact WHERE Name LIKE 'j%' ORDER BY Name LIMIT 5",
    "SELECT Status, COUNT(Id) n FROM Case GROUP BY Status HAVING COUNT(Id) > 1 ORDER BY Status",
    "SELECT Name, (SELECT LastName FROM Contacts) FROM Account WHERE Id IN "
    "(SELECT AccountId FROM Case WHERE CreatedDate = LAST_N_DAYS:30)",
    "SELECT CALENDAR_YEAR(CreatedDate), COUNT(Id) FROM Case GROUP BY CALENDAR_YEAR(CreatedDate)",
    "SELECT Id FROM Account WHERE Tags__c INCLUDES ('Gold;Silver') AND NumberOfEmployees > -5.5",
    "SELECT FIELDS(ALL) FROM Opportunity WHERE CloseDate >= 2024-01-01 LIMIT 10 OFFSET 1",
    "SELECT COUNT() FROM Case WHERE CreatedDate > 2024-01-01T00:00:00Z AND Priority != null",
    "SELECT HOUR_IN_DAY(convertTimezone(CreatedDate)) h, MAX(Account.Owner.Name) FROM Case "
    "GROUP BY HOUR_IN_DAY(convertTimezone(CreatedDate)) ORDER BY COUNT(Id) DESC NULLS LAST",
    "SELECT toLabel(Status), FORMAT(Owner.Name) FROM Case WHERE Owner.IsActive = true "
    "AND Subject NOT IN ('a', 'b') WITH SECURITY_ENFORCED",
    "FIND {acme* AND NOT \"rocket misfire\"} IN ALL FIELDS RETURNING Account(Name WHERE "
    "Industry = 'Technology' ORDER BY Name LIMIT 3), Contact(Email) LIMIT 10",
]
TOKENS = ["SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "IN", "LIKE", "INCLUDES", "GROUP BY",
          "HAVING", "ORDER BY", "ASC", "DESC", "NULLS", "FIRST", "LAST", "LIMIT", "OFFSET",
          "COUNT()", "COUNT(Id)", "SUM(", "MAX(", "FIELDS(ALL)", "(", ")", ",", ".", "=", "!=",
          "<", ">=", "'x'", "'%a_'", "5", "-1", "1e9", "null", "true", "TODAY", "LAST_N_DAYS:",
          "2024-01-01", "2024-01-01T00:00:00Z", "Id", "Name", "Account", "Case", "Contact",
          "Account.Owner.Name", "Contacts", "CreatedDate", "Amount", "*", ";", "JOIN", "UNION",
          "read_csv('/etc/passwd')", "CAST(", "::", "$1", "?", "FIND", "{acme}", "RETURNING",
          "CALENDAR_YEAR(", "DAY_ONLY(", "\\", "'", '"', "--", "/*", "\n", "WITH", "TYPEOF",
          "SECURITY_ENFORCED", "Tags__c", "EXCLUDES", "(SELECT",
          "Id IN (SELECT AccountId FROM Case)"]


STATE: dict = {}


@pytest.fixture(scope="module", autouse=True)
def view(tmp_path_factory):
    """The fixture org's view, also kept in STATE so hypothesis never reprs it in reports."""
    db, v = open_fixture_view(tmp_path_factory.mktemp("soqlprop"))
    STATE["view"] = v
    yield v
    v.close()
    db.close()


def check(text: str) -> None:
    view = STATE["view"]
    try:
        result = run_statement(view, text, today=TODAY)
    except SalesforceError as exc:
        assert isinstance(exc.message, str)
        # UNKNOWN_EXCEPTION is the catch-all for internal failures: a translator bug
        assert exc.error_code != "UNKNOWN_EXCEPTION", (text, exc.__cause__)
        for leak in LEAKS:
            assert leak not in exc.message or leak in text, (text, exc.message)
        return
    assert isinstance(result, dict) and ("records" in result or "searchRecords" in result)


@st.composite
def mutated(draw) -> str:
    text = draw(st.sampled_from(VALID))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["delete", "insert", "replace", "duplicate", "truncate"]))
        i = draw(st.integers(0, len(text)))
        j = draw(st.integers(i, min(len(text), i + 12)))
        if kind == "delete":
            text = text[:i] + text[j:]
        elif kind == "insert":
            text = text[:i] + " " + draw(st.sampled_from(TOKENS)) + " " + text[i:]
        elif kind == "replace":
            text = text[:i] + draw(st.text(max_size=4)) + text[j:]
        elif kind == "duplicate":
            text = text[:j] + text[i:j] + text[j:]
        else:
            text = text[:i]
    return text


def bounded(n: int) -> settings:
    """Deterministic (derandomized, no example database), bounded, no per-example deadline."""
    return settings(max_examples=n, derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


@bounded(400)
@given(text=mutated())
def test_mutated_statements_only_raise_salesforce_errors(text):
    check(text)


@bounded(300)
@given(parts=st.lists(st.sampled_from(TOKENS), min_size=1, max_size=16))
def test_token_soup_only_raises_salesforce_errors(parts):
    check(" ".join(parts))
    check("SELECT " + " ".join(parts))


@bounded(150)
@given(text=st.text(max_size=60))
def test_arbitrary_text_only_raises_salesforce_errors(text):
    check(text)
    check("SELECT Id FROM Account WHERE Name = '" + text.replace("'", "\\'") + "'")


@bounded(150)
@given(text=mutated())
def test_rewrite_only_raises_salesforce_errors(text):
    from sandbox_db.soql import rewrite_soql
    try:
        schema = STATE["view"].schema
        out = rewrite_soql(text, schema, schema, {}, {})
    except SalesforceError:
        return
    assert isinstance(out, str)


@pytest.mark.parametrize("text", VALID)
def test_identity_rewrite_is_identity(view, text):
    from sandbox_db.soql import rewrite_soql
    assert rewrite_soql(text, view.schema, view.schema, {}, {}) == text
