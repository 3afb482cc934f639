"""simple_salesforce, unmodified, against a real sandbox over HTTPS (instance_url + session_id):
queries with paging, search, describes, records, limits, and every exception class it raises."""

from __future__ import annotations

import json

import pytest
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import (
    SalesforceExpiredSession,
    SalesforceGeneralError,
    SalesforceMalformedRequest,
    SalesforceMoreThanOneRecord,
    SalesforceRefusedRequest,
    SalesforceResourceNotFound,
)

from crmarena_cli import main as crmarena
from sandbox_db.database import open_view
from tests.helpers.sandbox import MANY_ROWS, TODAY, oauth_login, requests_session, start_sandbox

pytestmark = pytest.mark.slow


def connect(sb, session_id: str | None = None, version: str = "59.0") -> Salesforce:
    return Salesforce(instance_url=sb.instance_url, session_id=session_id or oauth_login(sb),
                      session=requests_session(sb), version=version)


@pytest.fixture
def sf(sandbox) -> Salesforce:
    return connect(sandbox)


def crmarena_soql(capsys, statement: str, *options: str) -> dict:
    """What `crmarena soql` prints for the statement on the same org options."""
    capsys.readouterr()
    code = crmarena(["soql", "--compact", "--today", TODAY.isoformat(), *options, statement])
    out = capsys.readouterr().out
    assert code == 0, out
    return json.loads(out)


def plain(value):
    return json.loads(json.dumps(value))


@pytest.mark.parametrize("statement", [
    "SELECT Id, Name, Industry FROM Account ORDER BY Name LIMIT 7",
    "SELECT Id, Name, Owner.Name, (SELECT Id, Subject FROM Cases LIMIT 2) FROM Account "
    "ORDER BY Name LIMIT 20",
    "SELECT Id, Subject, Account.Name FROM Case WHERE CreatedDate = LAST_N_DAYS:90 "
    "ORDER BY CreatedDate DESC LIMIT 20",
    "SELECT Status, COUNT(Id) n FROM Case GROUP BY Status",
    "SELECT COUNT() FROM Lead WHERE Status = 'Open'",
])
def test_query_equals_crmarena_soql_record_for_record(sf, capsys, statement):
    assert plain(sf.query(statement)) == crmarena_soql(capsys, statement)


def test_query_all_pages_past_2000_rows(sf, sandbox):
    first = sf.query(MANY_ROWS)
    assert first["done"] is False and len(first["records"]) == 2000
    assert first["nextRecordsUrl"].startswith("/services/data/v59.0/query/01g")
    everything = sf.query_all(MANY_ROWS)
    ids = [r["Id"] for r in everything["records"]]
    base = open_view(sandbox.instance.org.view.db)  # its own cursor: straight from DuckDB
    try:
        _, rows = base.execute(f"SELECT Id FROM {base.table('EmailMessage')} ORDER BY Id")
    finally:
        base.close()
    assert ids == [r[0] for r in rows] and len(ids) > 4000
    assert everything["records"][:2000] == first["records"]


def test_query_more_by_url_and_by_locator(sf):
    first = sf.query(MANY_ROWS)
    by_url = sf.query_more(first["nextRecordsUrl"], identifier_is_url=True)
    locator = first["nextRecordsUrl"].rsplit("/", 1)[-1]
    by_locator = sf.query_more(locator)
    assert by_url == by_locator and len(by_url["records"]) == 2000
    assert {r["Id"] for r in by_url["records"]}.isdisjoint(r["Id"] for r in first["records"])
    assert by_url["nextRecordsUrl"].endswith("-4000")


def test_batch_size_header_sets_the_page_size(sf):
    page = sf.query(MANY_ROWS, headers={"Sforce-Query-Options": "batchSize=500"})
    assert len(page["records"]) == 500 and page["nextRecordsUrl"].endswith("-500")
    second = sf.query_more(page["nextRecordsUrl"], identifier_is_url=True)
    assert len(second["records"]) == 500
    whole = sf.query_all(MANY_ROWS)
    assert page["records"] + second["records"] == whole["records"][:1000]


def test_query_all_with_include_deleted_uses_query_all(sf):
    rows = sf.query_all("SELECT Id FROM Case", include_deleted=True)
    assert rows["totalSize"] == sf.query("SELECT COUNT() FROM Case")["totalSize"]


def test_search_equals_crmarena_soql(sf, capsys):
    sosl = "FIND {Apex} IN NAME FIELDS RETURNING Account(Id, Name), Contact(Name)"
    found = sf.search(sosl)
    assert found["searchRecords"] and plain(found) == crmarena_soql(capsys, sosl)


def test_describes(sf, sandbox):
    names = [o["name"] for o in sf.describe()["sobjects"]]
    assert names == sandbox.instance.schema.object_names
    case = sf.Case.describe()
    assert [f["name"] for f in case["fields"]] == sandbox.instance.schema.get("Case").field_names
    assert sf.Case.metadata()["objectDescribe"]["keyPrefix"] == "500"


def test_get_by_id_and_fields(sf, sandbox):
    case_id = sf.query("SELECT Id FROM Case ORDER BY Id LIMIT 1")["records"][0]["Id"]
    record = sf.Case.get(case_id)
    assert record["Id"] == case_id
    assert set(record) - {"attributes"} == set(sandbox.instance.schema.get("Case").field_names)
    some = sf.Case.get(case_id, params={"fields": "Subject,Status"})
    assert set(some) == {"attributes", "Subject", "Status"}
    assert sf.Case.get(case_id[:15])["Id"] == case_id


def test_get_by_custom_id(sf):
    account = sf.query("SELECT Id, Name FROM Account ORDER BY Name LIMIT 1")["records"][0]
    found = sf.Account.get_by_custom_id("Name", account["Name"])  # spaces: quote_plus-encoded
    assert found["Id"] == account["Id"]
    with pytest.raises(SalesforceMoreThanOneRecord) as many:
        sf.Case.get_by_custom_id("Status", "New")
    assert all(url.startswith("/services/data/") for url in many.value.content)
    with pytest.raises(SalesforceResourceNotFound):
        sf.Account.get_by_custom_id("Name", "no such account name")


def test_limits_count_the_session_requests(sf):
    before = sf.restful("limits")["DailyApiRequests"]
    sf.query("SELECT Id FROM Account LIMIT 1")
    after = sf.restful("limits")["DailyApiRequests"]
    assert before["Max"] == 15000 and after["Remaining"] == before["Remaining"] - 2
    assert sf.api_usage["api-usage"].used == 15000 - after["Remaining"]


def test_every_exception_class(sf, sandbox, tmp_path):
    with pytest.raises(SalesforceMalformedRequest) as bad:  # 400
        sf.query("SELECT Nme FROM Account")
    assert bad.value.content[0]["errorCode"] == "INVALID_FIELD"
    with pytest.raises(SalesforceMalformedRequest):
        sf.query("SELEC Id FROM Account")
    with pytest.raises(SalesforceExpiredSession):  # 401
        connect(sandbox, session_id="00DWt0000000001!notasession").query("SELECT Id FROM Account")
    with pytest.raises(SalesforceResourceNotFound):  # 404
        sf.Case.get("500Wt00000XXXXXXXX")
    with pytest.raises(SalesforceResourceNotFound):
        sf.NoSuchObject__c.describe()
    with pytest.raises(SalesforceMoreThanOneRecord):  # 300
        sf.Case.get_by_custom_id("Status", "Closed")
    with pytest.raises(SalesforceGeneralError) as general:  # 405
        sf.restful("query", method="POST")
    assert general.value.status == 405
    with pytest.raises(SalesforceMalformedRequest) as write:  # a write, as a read-only user
        sf.Account.create({"Name": "New Co"})
    assert write.value.content[0]["errorCode"] == "INSUFFICIENT_ACCESS_OR_READONLY"
    limited = start_sandbox(tmp_path, api_limit=2)
    try:
        capped = connect(limited)
        capped.query("SELECT Id FROM Account LIMIT 1")
        capped.query("SELECT Id FROM Account LIMIT 1")
        with pytest.raises(SalesforceRefusedRequest) as refused:  # 403
            capped.query("SELECT Id FROM Account LIMIT 1")
        assert refused.value.content[0]["errorCode"] == "REQUEST_LIMIT_EXCEEDED"
    finally:
        limited.shutdown()


def test_error_text_parses_as_crmarena_parses_it(sf):
    """CRMArena: ast.literal_eval(str(e).split("Response content:")[1].strip())[0]."""
    import ast

    with pytest.raises(SalesforceMalformedRequest) as bad:
        sf.query("SELECT Id FROM Acount")
    error = ast.literal_eval(str(bad.value).split("Response content:")[1].strip())[0]
    assert error["errorCode"] == "INVALID_TYPE" and "Acount" in error["message"]


@pytest.mark.parametrize("version", ["37.0", "50.0", "62.0"])
def test_every_version_is_served(sandbox, version):
    sf = connect(sandbox, version=version)
    page = sf.query(MANY_ROWS)
    assert page["nextRecordsUrl"].startswith(f"/services/data/v{version}/query/")
    assert len(sf.query_more(page["nextRecordsUrl"], identifier_is_url=True)["records"]) == 2000
