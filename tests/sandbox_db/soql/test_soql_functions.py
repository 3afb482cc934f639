"""FORMAT(), toLabel(), convertCurrency() with aliases, currency literals, GROUP BY ROLLUP/CUBE
with GROUPING(): on the fixture org (known values, en_US renderings written out) and on the real
orgs (subtotals computed in plain Python from the base tables)."""

from __future__ import annotations

import collections

import pytest

from data.org.store import load_org
from sandbox_db.database import open_view
from sandbox_db.errors import SalesforceError
from sandbox_db.soql import run_soql, run_sosl
from tests.helpers.soql_fixtures import TODAY, open_fixture_view
from tests.helpers.soql_real_orgs import raw


@pytest.fixture(scope="module")
def fixture(tmp_path_factory):
    db, view = open_fixture_view(tmp_path_factory.mktemp("functions"))
    yield view
    view.close()
    db.close()


@pytest.fixture(scope="module", params=["b2b", "b2c"])
def org(request):
    db = load_org(request.param)
    view = open_view(db)
    yield db, view
    view.close()
    db.close()


def q(view, soql: str) -> dict:
    return run_soql(view, soql, today=TODAY)


def test_format_renders_as_an_en_us_user_sees_it(fixture):
    res = q(fixture, "SELECT Name, Amount, FORMAT(Amount) amt, FORMAT(CloseDate) closes, "
                     "FORMAT(CreatedDate) created, FORMAT(Probability) p FROM Opportunity "
                     "ORDER BY Name")
    got = {r["Name"]: (r["Amount"], r["amt"], r["closes"], r["created"], r["p"])
           for r in res["records"]}
    assert got["Acme anvils"] == (1250.5, "$1,250.50", "7/1/2024", "3/3/2024, 12:00 AM", "40%")
    assert got["Acme rockets"] == (50000.0, "$50,000.00", "6/10/2024", "1/10/2024, 12:00 AM",
                                   "100%")
    assert got["Umbrella pharma"][:2] == (None, None)
    employees = q(fixture, "SELECT FORMAT(NumberOfEmployees) FROM Account WHERE "
                           "NumberOfEmployees > 1000")["records"]
    assert [r["NumberOfEmployees"] for r in employees] == ["9,000"]
    cases = q(fixture, "SELECT FORMAT(ClosedDate) FROM Case WHERE Subject = 'Refund'")["records"]
    assert cases == [{"attributes": cases[0]["attributes"], "ClosedDate": "6/20/2023, 3:00 PM"}]


def test_convert_currency_and_format_of_aggregates(fixture):
    res = q(fixture, "SELECT Amount, convertCurrency(Amount) usd, FORMAT(convertCurrency(Amount)) "
                     "shown FROM Opportunity WHERE Amount != null ORDER BY Amount")
    assert [(r["Amount"], r["usd"], r["shown"]) for r in res["records"]] == [
        (1250.5, 1250.5, "$1,250.50"), (7000.0, 7000.0, "$7,000.00"),
        (20000.0, 20000.0, "$20,000.00"), (50000.0, 50000.0, "$50,000.00")]
    agg = q(fixture, "SELECT FORMAT(MIN(CloseDate)) earliest, FORMAT(SUM(Amount)) total, "
                     "FORMAT(COUNT(Id)) n FROM Opportunity")["records"][0]
    assert (agg["earliest"], agg["total"], agg["n"]) == ("12/31/2023", "$78,250.50", "5")
    sosl = run_sosl(fixture, "FIND {acme} RETURNING Opportunity(Name, FORMAT(Amount) amt "
                             "ORDER BY Name)", today=TODAY)["searchRecords"]
    assert [(r["Name"], r["amt"]) for r in sosl] == [("Acme anvils", "$1,250.50"),
                                                      ("Acme rockets", "$50,000.00")]


def test_tolabel_in_select_and_where(fixture):
    res = q(fixture, "SELECT Subject, toLabel(Status) st FROM Case WHERE toLabel(Status) = "
                     "'escalated'")["records"]
    assert [(r["Subject"], r["st"]) for r in res] == [("Rocket misfire", "Escalated")]
    both = q(fixture, "SELECT Name, toLabel(Industry) FROM Account WHERE toLabel(Industry) IN "
                      "('Technology', 'Healthcare') ORDER BY Name")["records"]
    assert [(r["Name"], r["Industry"]) for r in both] == [("Acme Corp", "Technology"),
                                                          ("Umbrella 100% Health", "Healthcare")]


@pytest.mark.parametrize("literal_where,plain_where", [
    ("Amount > USD5000", "Amount > 5000"),
    ("Amount >= usd1250.5 AND Amount < USD20000", "Amount >= 1250.5 AND Amount < 20000"),
    ("Amount IN (USD1250.50, usd7000)", "Amount IN (1250.5, 7000)"),
    ("(((((Amount > USD5000)))))", "Amount > 5000"),
])
def test_currency_literals_compare_like_numbers(fixture, literal_where, plain_where):
    a = q(fixture, f"SELECT Name FROM Opportunity WHERE {literal_where} ORDER BY Name")
    b = q(fixture, f"SELECT Name FROM Opportunity WHERE {plain_where} ORDER BY Name")
    assert a == b and a["records"]


@pytest.mark.parametrize("soql,code", [
    ("SELECT Id FROM Opportunity WHERE Amount > EUR5000", "INVALID_FIELD"),
    ("SELECT Id FROM Account WHERE NumberOfEmployees > USD5000", "INVALID_FIELD"),
    ("SELECT Name, MAX(Amount) FROM Opportunity GROUP BY Name HAVING MAX(Amount) > USD10000",
     "MALFORMED_QUERY"),
    ("SELECT convertCurrency(Probability) FROM Opportunity", "INVALID_FIELD"),
    ("SELECT toLabel(Name) FROM Account", "INVALID_FIELD"),
    ("SELECT Amount, FORMAT(Amount) FROM Opportunity", "MALFORMED_QUERY"),
    ("SELECT Name n FROM Account", "MALFORMED_QUERY"),
    ("SELECT convertCurrency(SUM(Amount)) FROM Opportunity", "MALFORMED_QUERY"),
    ("SELECT Id FROM Opportunity ORDER BY FORMAT(Amount)", "MALFORMED_QUERY"),
    ("SELECT Id FROM Opportunity WHERE FORMAT(Amount) = '$1.00'", "MALFORMED_QUERY"),
    ("SELECT StageName, GROUPING(StageName) FROM Opportunity GROUP BY StageName",
     "MALFORMED_QUERY"),
    ("SELECT StageName, COUNT(Id) FROM Opportunity GROUP BY ROLLUP(StageName, AccountId, "
     "OwnerId, ContactId)", "MALFORMED_QUERY"),
    ("SELECT StageName, GROUPING(OwnerId) FROM Opportunity GROUP BY ROLLUP(StageName)",
     "MALFORMED_QUERY"),
    ("SELECT MAX(CreatedDate) FROM Account LIMIT 1", "MALFORMED_QUERY"),
])
def test_function_errors(fixture, soql, code):
    with pytest.raises(SalesforceError) as err:
        q(fixture, soql)
    assert err.value.error_code == code, err.value


def test_rollup_adds_subtotals_after_each_group_and_a_grand_total(org):
    db, view = org
    rows = raw(db, "SELECT StageName, OwnerId FROM {Opportunity}")
    res = q(view, "SELECT StageName, OwnerId, COUNT(Id) n, GROUPING(StageName) gs, "
                  "GROUPING(OwnerId) go FROM Opportunity GROUP BY ROLLUP(StageName, OwnerId)")
    expected: list[tuple] = []
    for stage in sorted({s for s, _ in rows}, key=lambda s: (s is not None, s)):
        owners = collections.Counter(o for s, o in rows if s == stage)
        expected += [(stage, o, owners[o], 0, 0)
                     for o in sorted(owners, key=lambda o: (o is not None, o))]
        expected.append((stage, None, sum(owners.values()), 0, 1))
    expected.append((None, None, len(rows), 1, 1))
    got = [(r["StageName"], r["OwnerId"], r["n"], r["gs"], r["go"]) for r in res["records"]]
    assert got == expected
    assert res["totalSize"] == len(expected)


def test_cube_has_every_subtotal_and_grouping_orders(org):
    db, view = org
    rows = raw(db, "SELECT Status, Priority FROM {Case}")
    res = q(view, "SELECT Status, Priority, GROUPING(Status) gs, GROUPING(Priority) gp, "
                  "COUNT(Id) n FROM Case GROUP BY CUBE(Status, Priority) "
                  "ORDER BY GROUPING(Status), GROUPING(Priority), Status, Priority")
    counts: collections.Counter = collections.Counter()
    for status, priority in rows:
        for gs in (0, 1):
            for gp in (0, 1):
                counts[(None if gs else status, None if gp else priority, gs, gp)] += 1
    got = {(r["Status"], r["Priority"], r["gs"], r["gp"]): r["n"] for r in res["records"]}
    assert got == dict(counts)
    levels = [(r["gs"], r["gp"]) for r in res["records"]]
    assert levels == sorted(levels) and levels[-1] == (1, 1)
    having = q(view, "SELECT Status, COUNT(Id) n FROM Case GROUP BY ROLLUP(Status) "
                     "HAVING COUNT(Id) > 10")["records"]
    assert {r["Status"]: r["n"] for r in having} == {
        k: v for k, v in {**collections.Counter(s for s, _ in rows), None: len(rows)}.items()
        if v > 10}
