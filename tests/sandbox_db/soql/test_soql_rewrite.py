"""rewrite_soql: statements re-emitted under a drifted schema's names, checked exactly and by
running both versions (base view vs drifted view over the same rows)."""

from __future__ import annotations

import copy

import pytest

from sandbox_db.database import open_view
from sandbox_db.errors import SalesforceError
from sandbox_db.schema import build_schema
from sandbox_db.soql import rewrite_soql, run_soql, run_sosl
from tests.helpers.soql_fixtures import TODAY, fixture_objects, fixture_schema, open_fixture_view

OBJECT_MAP = {"Account": "Client__c"}
FIELD_MAP = {"Account": {"Name": "Label__c", "Industry": "Sector__c"},
             "Contact": {"AccountId": "Company__c", "LastName": "Surname__c"},
             "Case": {"Status": "State__c", "OwnerId": "Agent__c"}}


def drifted():
    """The fixture schema with the renames above (relationships follow their fields), plus the
    base_names map open_view needs."""
    raw = copy.deepcopy(fixture_objects())
    out = {}
    for name, spec in raw.items():
        fields = {}
        for fname, f in spec["fields"].items():
            f = dict(f)
            if "to" in f:
                f["to"] = [OBJECT_MAP.get(t, t) for t in f["to"]]
            new = FIELD_MAP.get(name, {}).get(fname, fname)
            if f.get("relationship") and new != fname:
                f["relationship"] = new.replace("__c", "__r")
                children = {"Contact": "Members__r", "Case": "Tickets__r"}
                f["child"] = children.get(name, f.get("child"))
            fields[new] = f
        out[OBJECT_MAP.get(name, name)] = {**spec, "fields": fields}
    schema = build_schema("b2b", out)
    base = fixture_schema()
    base_names = {}
    for obj in base.objects:
        fmap = FIELD_MAP.get(obj.name, {})
        base_names[OBJECT_MAP.get(obj.name, obj.name)] = (
            obj.name, {fmap.get(f.name, f.name): f.name for f in obj.fields})
    return schema, base_names


@pytest.fixture(scope="module")
def views(tmp_path_factory):
    db, base = open_fixture_view(tmp_path_factory.mktemp("rewrite"))
    schema, base_names = drifted()
    drift = open_view(db, schema, base_names)
    yield base, drift
    drift.close()
    base.close()
    db.close()


def rw(query: str, schema_to) -> str:
    return rewrite_soql(query, fixture_schema(), schema_to, OBJECT_MAP, FIELD_MAP)


def test_exact_rewrite_keeps_formatting():
    schema, _ = drifted()
    assert rw("SELECT Name, Industry FROM Account WHERE Name LIKE 'Acme%'", schema) == \
        "SELECT Label__c, Sector__c FROM Client__c WHERE Label__c LIKE 'Acme%'"
    assert rw("select lastname, account.name,\n  Account.Owner.Name from contact "
              "where Account.Industry = 'Name'", schema) == \
        ("select Surname__c, Company__r.Label__c,\n  Company__r.Owner.Name from Contact "
         "where Company__r.Sector__c = 'Name'")
    assert rw("SELECT Name, (SELECT LastName FROM Contacts), (SELECT Status FROM Cases) "
              "FROM Account a WHERE a.Id IN (SELECT AccountId FROM Contact)", schema) == \
        ("SELECT Label__c, (SELECT Surname__c FROM Members__r), (SELECT State__c FROM Cases) "
         "FROM Client__c a WHERE a.Id IN (SELECT Company__c FROM Contact)")
    assert rw("SELECT Owner.Name, Status, COUNT(Id) FROM Case GROUP BY Owner.Name, Status",
              schema) \
        == "SELECT Agent__r.Name, State__c, COUNT(Id) FROM Case GROUP BY Agent__r.Name, State__c"
    assert rw("FIND {acme} RETURNING Account(Name WHERE Industry != null), Contact(LastName)",
              schema) == ("FIND {acme} RETURNING Client__c(Label__c WHERE Sector__c != null), "
                          "Contact(Surname__c)")


QUERIES = [
    "SELECT Name, Industry FROM Account ORDER BY Name",
    "SELECT LastName, Account.Name, Account.Owner.Name FROM Contact ORDER BY LastName",
    "SELECT Name, (SELECT LastName FROM Contacts ORDER BY LastName) FROM Account ORDER BY Name",
    "SELECT Owner.Name, Status, COUNT(Id) FROM Case GROUP BY Owner.Name, Status "
    "ORDER BY Owner.Name, Status",
    "SELECT Name FROM Account WHERE Id IN (SELECT AccountId FROM Contact WHERE LastName "
    "LIKE '%o%') ORDER BY Name",
]


@pytest.mark.parametrize("query", QUERIES)
def test_rewritten_query_returns_same_rows_on_drifted_view(views, query):
    base, drift = views
    a = run_soql(base, query, today=TODAY)
    b = run_soql(drift, rw(query, drift.schema), today=TODAY)

    def values(v):
        if isinstance(v, list):
            return [values(x) for x in v]
        if isinstance(v, dict):
            return [values(x) for k, x in v.items() if k != "attributes"]
        return v
    assert a["totalSize"] == b["totalSize"]
    assert [values(r) for r in a["records"]] == [values(r) for r in b["records"]]


def test_rewritten_search_same_results(views):
    base, drift = views
    s = "FIND {acme} RETURNING Account(Name, Industry), Contact(LastName)"
    a = run_sosl(base, s, today=TODAY)["searchRecords"]
    b = run_sosl(drift, rw(s, drift.schema), today=TODAY)["searchRecords"]
    assert [list(r.values())[1:] for r in a] == [list(r.values())[1:] for r in b]


def test_rewrite_of_invalid_query_is_a_salesforce_error():
    schema, _ = drifted()
    with pytest.raises(SalesforceError) as err:
        rw("SELECT Nme FROM Account", schema)
    assert err.value.error_code == "INVALID_FIELD"
