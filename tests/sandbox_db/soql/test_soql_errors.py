"""Every SOQL error class: Salesforce's codes and message shapes, never DuckDB or Python text."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from sandbox_db.database import OrgDatabase, open_view, write_org_file
from sandbox_db.errors import SalesforceError, invalid_field, invalid_type
from sandbox_db.schema import build_schema
from sandbox_db.soql import run_soql, run_statement
from tests.helpers.soql_fixtures import TODAY, open_fixture_view

LEAK_MARKERS = ("duckdb", "Binder", "Catalog Error", "Traceback", "sqlglot", "Parser Error",
                "Exception", "KeyError", "NoneType", "org.main", "\x00")


@pytest.fixture(scope="module")
def view(tmp_path_factory):
    db, v = open_fixture_view(tmp_path_factory.mktemp("soqlerr"))
    yield v
    v.close()
    db.close()


def error_of(view, query: str) -> SalesforceError:
    with pytest.raises(SalesforceError) as err:
        run_statement(view, query, today=TODAY)
    for marker in LEAK_MARKERS:
        assert marker not in err.value.message
    return err.value


def test_malformed_has_row_column_and_token(view):
    e = error_of(view, "SELECT Id FORM Account")
    assert e.error_code == "MALFORMED_QUERY"
    assert e.message == ("\nSELECT Id FORM Account\n               ^\nERROR at Row:1:Column:16\n"
                         "unexpected token: 'Account'")


def test_malformed_second_line_and_eof(view):
    e = error_of(view, "SELECT Id\nFROM Account WHERE")
    assert "ERROR at Row:2:Column:19" in e.message and "'<EOF>'" in e.message


@pytest.mark.parametrize("query", [
    "", "   ", "DELETE FROM Account", "UPDATE Account SET Name = 'x'",
    "SELECT Id FROM Account; SELECT Id FROM Case", "SELECT * FROM Account",
    "SELECT Id FROM Account JOIN Contact ON Contact.AccountId = Account.Id",
    "SELECT Id FROM Account UNION SELECT Id FROM Contact",
    "WITH x AS (SELECT Id FROM Account) SELECT Id FROM x",
    "SELECT Id FROM (SELECT Id FROM Account)", "SELECT DISTINCT Name FROM Account",
    "SELECT LOWER(Name) FROM Account", "SELECT Id FROM Account WHERE LOWER(Name) = 'x'",
    "SELECT Id FROM Account WHERE Name = read_text('/etc/passwd')",
    "SELECT read_csv('/etc/passwd') FROM Account", "SELECT Id FROM Account WHERE Name = Phone",
    "SELECT Id FROM Account WHERE NumberOfEmployees + 1 > 5",
    "SELECT CAST(Name AS INT) FROM Account", "SELECT Name n FROM Account",
    "SELECT Name, Name FROM Account", "SELECT Id FROM Account LIMIT -1",
    "SELECT Id FROM Account LIMIT 'x'", "SELECT Id FROM Account WHERE Name IS NULL",
    "SELECT Name, COUNT(Id) FROM Account", "SELECT Id FROM Account GROUP BY ROLLUP(Name)",
    "SELECT Id FROM Account WHERE Name = N'x'", "SELECT Id FROM main.Account",
    "SELECT Id FROM Account a, Contact c", "SELECT Id FROM Account WHERE Name = 'x' 'y'",
    "SELECT COUNT(), Name FROM Account", "SELECT SUM(Name) FROM Account",
    "SELECT Id FROM Account WHERE Name = \"x\"", "SELECT Id FROM Account OFFSET 5000",
    "SELECT Id FROM Account WHERE CreatedDate = LAST_N_DAYS:x",
    "SELECT Id, (SELECT Id, (SELECT Id, (SELECT Id, (SELECT Id, (SELECT Id FROM Tasks) "
    "FROM Cases__r) FROM OrderItems) FROM Orders) FROM Contracts) FROM Account",
    "SELECT FIELDS(EVERYTHING) FROM Account LIMIT 1",
    "SELECT Id FROM Account ORDER BY Description", "SELECT Id FROM Account WHERE Id IN ()",
    "SELECT Id FROM Account WHERE Id = :accountId", "SELECT Id FROM Account WHERE Id = ?",
    "SELECT Id FROM Account WHERE Name = $1", "SELECT Name, COUNT(Id) FROM Account",
    "SELECT Id FROM Account WHERE Name LIKE 'a%' ESCAPE '!'", "SELECT TYPEOF What END FROM Task",
    "SELECT Id FROM Account WHERE Name = 'x' OR", "SELECT Id FROM Account ORDER BY",
])
def test_malformed(view, query):
    e = error_of(view, query)
    assert e.error_code == "MALFORMED_QUERY", (query, e)


def test_invalid_field_exact_message(view):
    e = error_of(view, "SELECT Nme FROM Account")
    assert e.to_json() == invalid_field("Nme", "Account").to_json()
    assert "No such column 'Nme' on entity 'Account'. If you are attempting to use a custom " \
           "field, be sure to append the '__c'" in e.message


@pytest.mark.parametrize("query,field,entity", [
    ("SELECT Account.Nme FROM Contact", "Nme", "Account"),
    ("SELECT Id FROM Case WHERE Account.Owner.Emial = 'x'", "Emial", "User"),
    ("SELECT Id FROM Case ORDER BY Subjet", "Subjet", "Case"),
    ("SELECT Status, COUNT(Id) FROM Case GROUP BY Statuss", "Statuss", "Case"),
    ("SELECT Name, (SELECT Emial FROM Contacts) FROM Account", "Emial", "Contact"),
    ("SELECT Id FROM Account WHERE Id IN (SELECT AcountId FROM Case)", "AcountId", "Case"),
])
def test_invalid_field_everywhere(view, query, field, entity):
    assert error_of(view, query).to_json() == invalid_field(field, entity).to_json()


def test_invalid_relationship(view):
    e = error_of(view, "SELECT Acount.Name FROM Contact")
    assert e.error_code == "INVALID_FIELD"
    assert "Didn't understand relationship 'Acount'" in e.message


@pytest.mark.parametrize("query,message", [
    ("SELECT Id FROM Account WHERE Name = 5", "must be of type string and should be enclosed"),
    ("SELECT Id FROM Account WHERE NumberOfEmployees = '5'", "must be of type integer and should "
     "not be enclosed in quotes"),
    ("SELECT Id FROM User WHERE IsActive = 'true'", "must be of type boolean"),
    ("SELECT Id FROM Case WHERE CreatedDate = 2024-01-01", "must be of type dateTime"),
    ("SELECT Id FROM Account WHERE Description = 'x'", "can not be filtered in a query call"),
])
def test_invalid_field_filter_values(view, query, message):
    e = error_of(view, query)
    assert e.error_code == "INVALID_FIELD" and message in e.message


def test_invalid_type_exact_message(view):
    e = error_of(view, "SELECT Id FROM Acount")
    assert e.to_json() == invalid_type("Acount").to_json()
    e = error_of(view, "SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Casez)")
    assert e.to_json() == invalid_type("Casez").to_json()
    e = error_of(view, "SELECT Name, (SELECT Id FROM Contactz) FROM Account")
    assert e.error_code == "INVALID_TYPE"
    assert "Didn't understand relationship 'Contactz'" in e.message


@pytest.mark.parametrize("query,message", [
    ("SELECT Id FROM Account WHERE Id = 'abc'", "invalid ID field: abc"),
    ("SELECT Id FROM Case WHERE AccountId IN ('001Wt0000000001IAA', 'zz')", "invalid ID field: zz"),
    ("SELECT Id FROM Account WHERE Name INCLUDES ('a')", "only valid on multipicklist"),
    ("SELECT Id FROM Account WHERE NumberOfEmployees LIKE '5%'", "invalid operator"),
    ("SELECT Id FROM Account WHERE Id LIKE '001%'", "invalid operator on id field"),
    ("SELECT Id FROM User WHERE IsActive > true", "invalid operator on boolean field"),
])
def test_invalid_query_filter_operator(view, query, message):
    e = error_of(view, query)
    assert e.error_code == "INVALID_QUERY_FILTER_OPERATOR" and message in e.message


def test_non_string_query(view):
    with pytest.raises(SalesforceError):
        run_soql(view, None, today=TODAY)  # type: ignore[arg-type]


def _big_db(tmp_path) -> OrgDatabase:
    schema = build_schema("b2b", {
        "User": {"key_prefix": "005", "fields": {"Id": {"type": "id"},
                                                  "Name": {"type": "string", "name_field": True}}},
        "Big__c": {"key_prefix": "a09", "fields": {
            "Id": {"type": "id"}, "Name": {"type": "string", "name_field": True},
            "Other__c": {"type": "reference", "to": ["Big__c"], "relationship": "Other__r"}}},
    })
    n = 60_000  # the query below takes ~250 ms on this table: >10x the 20 ms timeout
    rows = [{"Id": f"a09{i:015d}", "Name": f"row {i * 7919 % n} text",
             "Other__c": f"a09{(i * 31) % n:015d}"} for i in range(n)]
    write_org_file(tmp_path / "big.duckdb", schema, {"Big__c": rows})
    return OrgDatabase(schema, tmp_path / "big.duckdb")


SLOW_QUERY = ("SELECT Name, Other__r.Other__r.Other__r.Name FROM Big__c "
              "WHERE Name LIKE '%1%' AND Other__r.Other__r.Name LIKE '%2%' "
              "AND Id NOT IN (SELECT Other__c FROM Big__c WHERE Name LIKE '%3%') "
              "ORDER BY Other__r.Name DESC, Name LIMIT 5")


def test_query_timeout(tmp_path):
    """A genuinely slow query on a large table is interrupted and reported as QUERY_TIMEOUT."""
    db = _big_db(tmp_path)
    view = open_view(db, query_timeout_s=0.02)
    try:
        with pytest.raises(SalesforceError) as err:
            run_soql(view, SLOW_QUERY, today=dt.date(2024, 1, 1))
        assert err.value.error_code == "QUERY_TIMEOUT"
        assert threading.active_count() < 50
    finally:
        view.close()
        db.close()


def test_deadline_that_passes_before_the_statement_runs_still_times_out(tmp_path):
    """The flake behind "DID NOT RAISE": on a busy machine the deadline can pass while DuckDB is
    still planning, and DuckDB forgets an interrupt that lands before execution, so the query
    ran to its end. A zero timeout makes that race happen every time."""
    db = _big_db(tmp_path)
    view = open_view(db, query_timeout_s=0.0)
    try:
        for _ in range(5):
            with pytest.raises(SalesforceError) as err:
                run_soql(view, SLOW_QUERY, today=dt.date(2024, 1, 1))
            assert err.value.error_code == "QUERY_TIMEOUT"
    finally:
        view.close()
        db.close()
