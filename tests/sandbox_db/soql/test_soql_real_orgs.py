"""SOQL/SOSL conformance on the real generated orgs (b2b and b2c): each statement's result is
compared with hand-written DuckDB SQL (or Python) over the base tables; then every statement is
rewritten for a highly drifted schema and must return the same values there."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from data.org.store import load_org, load_org_data
from entropy.drift import plan_drift
from sandbox_db.database import open_view
from sandbox_db.soql import rewrite_soql, run_soql, run_sosl
from tests.helpers.soql_real_orgs import TODAY, raw


@pytest.fixture(scope="module", params=["b2b", "b2c"])
def org(request):
    db = load_org(request.param)
    view = open_view(db)
    yield request.param, db, view
    view.close()
    db.close()


def flat(record: dict) -> tuple:
    """A record's values in order, parents inlined, attributes dropped."""
    out: list = []
    for key, value in record.items():
        if key == "attributes":
            continue
        if isinstance(value, dict) and "records" in value:
            out.append(tuple(flat(r) for r in value["records"]))
        elif isinstance(value, dict):
            out.extend(flat(value))
        else:
            out.append(value)
    return tuple(out)


d90 = (TODAY - dt.timedelta(days=90)).isoformat()
d1 = (TODAY + dt.timedelta(days=1)).isoformat()

CASES = [
    ("SELECT Id, Subject, Status FROM Case WHERE Status = 'closed' ORDER BY CreatedDate DESC "
     "LIMIT 20",
     "SELECT Id, Subject, Status FROM {Case} WHERE lower(Status) = 'closed' "
     "ORDER BY CreatedDate DESC NULLS LAST, Id LIMIT 20"),
    ("SELECT Id, Priority, Account.Name, Owner.Name FROM Case WHERE Priority IN ('High', "
     "'Critical') ORDER BY Account.Name NULLS LAST, Id",
     "SELECT c.Id, c.Priority, a.Name, u.Name FROM {Case} c LEFT JOIN {Account} a ON a.Id = "
     "c.AccountId LEFT JOIN {User} u ON u.Id = c.OwnerId WHERE c.Priority IN ('High', 'Critical') "
     "ORDER BY lower(a.Name) NULLS LAST, c.Id"),
    ("SELECT OwnerId, COUNT(Id) n FROM Case GROUP BY OwnerId ORDER BY COUNT(Id) DESC, OwnerId",
     "SELECT OwnerId, COUNT(Id) FROM {Case} GROUP BY OwnerId "
     "ORDER BY COUNT(Id) DESC, OwnerId NULLS FIRST"),
    ("SELECT COUNT() FROM Case WHERE CreatedDate = LAST_N_DAYS:90",
     f"SELECT COUNT(*) FROM {{Case}} WHERE CreatedDate >= '{d90}' AND CreatedDate < '{d1}'"),
    ("SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Opportunity WHERE "
     "StageName = 'Closed') ORDER BY Id",
     "SELECT Id FROM {Account} WHERE Id IN (SELECT AccountId FROM {Opportunity} WHERE "
     "StageName = 'Closed') ORDER BY Id"),
    ("SELECT Id FROM Account WHERE Id NOT IN (SELECT AccountId FROM Case) ORDER BY Id",
     "SELECT Id FROM {Account} a WHERE NOT EXISTS (SELECT 1 FROM {Case} c WHERE "
     "c.AccountId = a.Id) ORDER BY Id"),
    ("SELECT CALENDAR_MONTH(CreatedDate), COUNT(Id) FROM Case WHERE CALENDAR_YEAR(CreatedDate) "
     "= 2024 GROUP BY CALENDAR_MONTH(CreatedDate) ORDER BY CALENDAR_MONTH(CreatedDate)",
     "SELECT month(CreatedDate) m, COUNT(*) FROM {Case} WHERE year(CreatedDate) = 2024 "
     "GROUP BY m ORDER BY m"),
    ("SELECT Id, Title FROM Knowledge__kav WHERE Title LIKE '%account%' ORDER BY Id",
     "SELECT Id, Title FROM {Knowledge__kav} WHERE Title ILIKE '%account%' ORDER BY Id"),
    ("SELECT StageName, SUM(Amount), AVG(Amount), MAX(CloseDate) FROM Opportunity "
     "GROUP BY StageName ORDER BY StageName",
     "SELECT StageName, SUM(Amount), AVG(Amount), MAX(CloseDate) FROM {Opportunity} "
     "GROUP BY StageName ORDER BY lower(StageName) NULLS FIRST"),
    ("SELECT Name, Owner.Name FROM Account WHERE CreatedDate < LAST_YEAR ORDER BY Name LIMIT 30",
     "SELECT a.Name, u.Name FROM {Account} a LEFT JOIN {User} u ON u.Id = a.OwnerId WHERE "
     "a.CreatedDate < '2023-01-01' ORDER BY lower(a.Name), a.Id LIMIT 30"),
    ("SELECT Case.Account.Owner.Name, COUNT(Id) FROM EmailMessage WHERE ParentId != null "
     "GROUP BY Parent.Account.Owner.Name ORDER BY COUNT(Id) DESC, Parent.Account.Owner.Name "
     "LIMIT 5".replace("Case.Account", "Parent.Account"),
     "SELECT u.Name, COUNT(e.Id) FROM {EmailMessage} e LEFT JOIN {Case} c ON c.Id = e.ParentId "
     "LEFT JOIN {Account} a ON a.Id = c.AccountId LEFT JOIN {User} u ON u.Id = a.OwnerId "
     "WHERE e.ParentId IS NOT NULL GROUP BY u.Name ORDER BY COUNT(e.Id) DESC, lower(u.Name) "
     "NULLS FIRST LIMIT 5"),
    ("SELECT Id, (SELECT Id FROM Cases ORDER BY Id) FROM Account ORDER BY Id LIMIT 40",
     "SELECT a.Id, (SELECT list(c.Id ORDER BY c.Id) FROM {Case} c WHERE c.AccountId = a.Id) "
     "FROM {Account} a ORDER BY a.Id LIMIT 40"),
]


@pytest.mark.parametrize("soql,sql", CASES, ids=[c[0][:50] for c in CASES])
def test_soql_matches_hand_written_sql(org, soql, sql):
    _, db, view = org
    res = run_soql(view, soql, today=TODAY)
    expected = raw(db, sql)
    if soql.startswith("SELECT COUNT()"):
        assert res["totalSize"] == expected[0][0] and res["records"] == []
        return
    got = [flat(r) for r in res["records"]]
    if "(SELECT Id FROM Cases" in soql:
        expected = [(i, tuple((k,) for k in kids) if kids else None) for i, kids in expected]
        got = [(g[0], g[1] if g[1] else None) for g in got]
        got = [(r["Id"], tuple((c["Id"],) for c in r["Cases"]["records"]) if r["Cases"] else None)
               for r in res["records"]]
    assert len(got) == len(expected) and res["totalSize"] == len(expected)
    for g, e in zip(got, expected, strict=True):
        assert len(g) == len(e)
        for a, b in zip(g, e, strict=True):
            assert a == pytest.approx(b) if isinstance(b, float) else a == b


def test_sosl_matches_python(org):
    name, db, view = org
    data = load_org_data(name)
    res = run_sosl(view, "FIND {refund*} IN ALL FIELDS RETURNING Case(Id), Knowledge__kav(Id)",
                   today=TODAY)
    rx = re.compile(r"(?i)(?:^|\W)refund\w*(?:\W|$)")
    expected = set()
    for obj in ("Case", "Knowledge__kav"):
        fields = [f.name for f in view.schema.get(obj).fields
                  if f.type.value in ("string", "textarea", "email", "phone", "url")]
        expected |= {r["Id"] for r in data[obj]
                     if any(r.get(f) and rx.search(r[f]) for f in fields)}
    assert {r["Id"] for r in res["searchRecords"]} == expected
    assert expected  # the orgs do talk about refunds


@pytest.mark.parametrize("seed", [1, 2])
def test_rewritten_queries_give_same_values_under_drift(org, seed):
    _, db, view = org
    plan = plan_drift(db.schema, "high", seed)
    visible, base_names = plan.apply(db.schema)
    assert plan.object_renames, "high drift renames some objects"
    drifted = open_view(db, visible, base_names)
    try:
        for soql, _ in CASES:
            new = rewrite_soql(soql, db.schema, visible, plan.object_renames, plan.field_renames)
            a = run_soql(view, soql, today=TODAY)
            b = run_soql(drifted, new, today=TODAY)
            assert a["totalSize"] == b["totalSize"], new
            assert [flat(r) for r in a["records"]] == [flat(r) for r in b["records"]], new
        search = "FIND {refund*} RETURNING Case(Subject, Account.Name WHERE Status != 'New')"
        new = rewrite_soql(search, db.schema, visible, plan.object_renames, plan.field_renames)
        assert [flat(r) for r in run_sosl(view, search, today=TODAY)["searchRecords"]] == \
            [flat(r) for r in run_sosl(drifted, new, today=TODAY)["searchRecords"]]
    finally:
        drifted.close()
