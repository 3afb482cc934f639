"""Polymorphic relationships (What, Who, Owner): the Name object's fields, `.Type` and TYPEOF,
compared with hand-written DuckDB SQL over the real orgs' base tables; records of several types
come from distractor-style extra rows (a queue-owned case, a task on an account about a lead)."""

from __future__ import annotations

import pytest

from data.org.store import load_org
from sandbox_db.database import open_view
from sandbox_db.errors import SalesforceError
from sandbox_db.ids import make_id
from sandbox_db.soql import run_soql
from tests.helpers.soql_real_orgs import TODAY, raw

PREFIX_TYPES = {"006": "Opportunity", "001": "Account", "500": "Case", "003": "Contact",
                "00Q": "Lead", "005": "User", "00G": "Group"}
QUEUED_CASE = make_id("500", 990_001)
ACCOUNT_TASK = make_id("00T", 990_002)


@pytest.fixture(scope="module", params=["b2b", "b2c"])
def org(request):
    db = load_org(request.param)
    group_id, group_name = raw(db, "SELECT Id, Name FROM {Group} WHERE Type = 'Queue' "
                                   "ORDER BY Id LIMIT 1")[0]
    account_id, account_phone = raw(db, "SELECT Id, Phone FROM {Account} ORDER BY Id LIMIT 1")[0]
    lead_id, lead_name = raw(db, "SELECT Id, Name FROM {Lead} ORDER BY Id LIMIT 1")[0]
    extra = {
        "Case": [{"Id": QUEUED_CASE, "Subject": "Waiting in a queue", "Status": "New",
                  "OwnerId": group_id}],
        "Task": [{"Id": ACCOUNT_TASK, "Subject": "Call about the account", "WhatId": account_id,
                  "WhoId": lead_id, "OwnerId": group_id, "Status": "Not Started"}],
    }
    view = open_view(db, extra_rows=extra)
    yield db, view, {"group": (group_id, group_name), "account": (account_id, account_phone),
                     "lead": (lead_id, lead_name)}
    view.close()
    db.close()


def q(view, soql: str) -> dict:
    return run_soql(view, soql, today=TODAY)


def test_what_and_who_give_name_object_fields_of_each_target(org):
    db, view, _ = org
    res = q(view, f"SELECT Id, What.Name, What.Type, Who.Name, Who.Email FROM Task "
                  f"WHERE Id != '{ACCOUNT_TASK}' ORDER BY Id LIMIT 60")
    expected = raw(db, "SELECT t.Id, t.WhatId, o.Name, t.WhoId, c.Name, c.Email FROM {Task} t "
                       "LEFT JOIN {Opportunity} o ON o.Id = t.WhatId "
                       "LEFT JOIN {Contact} c ON c.Id = t.WhoId ORDER BY t.Id LIMIT 60")
    assert len(res["records"]) == len(expected) == 60
    for rec, (tid, what_id, what_name, who_id, who_name, who_email) in zip(res["records"],
                                                                           expected, strict=True):
        assert rec["Id"] == tid
        assert rec["What"]["attributes"]["type"] == PREFIX_TYPES[what_id[:3]]
        assert rec["What"]["Name"] == what_name and rec["What"]["Type"] == "Opportunity"
        if who_id is None:
            assert rec["Who"] is None
        else:
            assert rec["Who"]["attributes"]["type"] == "Contact"
            assert (rec["Who"]["Name"], rec["Who"]["Email"]) == (who_name, who_email)


def test_a_record_of_another_type_behind_the_same_relationship(org):
    _, view, extra = org
    rec = q(view, f"SELECT What.Name, What.Type, What.Phone, Who.Name, Who.Type, Owner.Name, "
                  f"Owner.Type FROM Task WHERE Id = '{ACCOUNT_TASK}'")["records"][0]
    assert rec["What"]["attributes"]["type"] == "Account" and rec["What"]["Type"] == "Account"
    assert rec["What"]["Phone"] == extra["account"][1]
    assert rec["Who"]["Type"] == "Lead" and rec["Who"]["Name"] == extra["lead"][1]
    assert rec["Owner"]["Type"] == "Group" and rec["Owner"]["Name"] == extra["group"][1]


def test_type_in_where_and_group_by(org):
    db, view, _ = org
    counts = dict(raw(db, "SELECT substr(WhatId, 1, 3), COUNT(*) FROM {Task} "
                          "WHERE WhatId IS NOT NULL GROUP BY 1"))
    opps = counts.get("006", 0)
    assert q(view, "SELECT COUNT() FROM Task WHERE What.Type = 'Opportunity'")["totalSize"] == opps
    assert q(view, "SELECT COUNT() FROM Task WHERE What.Type IN ('Account', 'Opportunity')"
             )["totalSize"] == opps + counts.get("001", 0) + 1  # + the account task
    groups = q(view, "SELECT What.Type, COUNT(Id) n FROM Task GROUP BY What.Type")["records"]
    assert {r["Type"]: r["n"] for r in groups if r["Type"]} == {"Opportunity": opps,
                                                                  "Account": 1}
    owners = raw(db, "SELECT COUNT(*) FROM {Case} WHERE OwnerId LIKE '005%'")[0][0]
    assert q(view, "SELECT COUNT() FROM Case WHERE Owner.Type = 'User'")["totalSize"] == owners
    assert q(view, "SELECT COUNT() FROM Case WHERE Owner.Type = 'Group'")["totalSize"] == 1


def test_owner_name_on_cases_is_the_user_or_the_queue(org):
    db, view, extra = org
    res = q(view, f"SELECT Id, Owner.Name, Owner.Email FROM Case WHERE Id != '{QUEUED_CASE}' "
                  f"ORDER BY Id LIMIT 40")
    expected = {r[0]: (r[1], r[2]) for r in raw(
        db, "SELECT c.Id, u.Name, u.Email FROM {Case} c LEFT JOIN {User} u ON u.Id = c.OwnerId "
            "ORDER BY c.Id LIMIT 40")}
    for rec in res["records"]:
        assert (rec["Owner"]["Name"], rec["Owner"]["Email"]) == expected[rec["Id"]]
    queued = q(view, f"SELECT Owner.Name FROM Case WHERE Id = '{QUEUED_CASE}'")["records"][0]
    assert queued["Owner"] == {"attributes": {"type": "Group", "url": queued["Owner"][
        "attributes"]["url"]}, "Name": extra["group"][1]}


def test_typeof_picks_the_fields_of_each_type(org):
    db, view, extra = org
    res = q(view, "SELECT Id, TYPEOF What WHEN Opportunity THEN Name, Amount, Account.Name "
                  "WHEN Account THEN Phone ELSE Name END FROM Task WHERE What.Type = 'Opportunity' "
                  "ORDER BY Id LIMIT 30")
    expected = {r[0]: r[1:] for r in raw(
        db, "SELECT t.Id, o.Name, o.Amount, a.Name FROM {Task} t "
            "JOIN {Opportunity} o ON o.Id = t.WhatId LEFT JOIN {Account} a ON a.Id = o.AccountId "
            "ORDER BY t.Id LIMIT 30")}
    for rec in res["records"]:
        what = rec["What"]
        assert what["attributes"]["type"] == "Opportunity"
        assert (what["Name"], what["Amount"],
                (what["Account"] or {}).get("Name")) == expected[rec["Id"]]
    account = q(view, f"SELECT TYPEOF What WHEN Opportunity THEN Amount WHEN Account THEN Phone "
                      f"END FROM Task WHERE Id = '{ACCOUNT_TASK}'")["records"][0]["What"]
    assert account["Phone"] == extra["account"][1] and "Amount" not in account
    owner = q(view, f"SELECT TYPEOF Owner WHEN User THEN Email WHEN Group THEN DeveloperName, "
                    f"Type END FROM Case WHERE Id = '{QUEUED_CASE}'")["records"][0]["Owner"]
    developer = raw(db, "SELECT DeveloperName FROM {Group} WHERE Id = ?", [extra["group"][0]])
    assert owner["DeveloperName"] == developer[0][0] and owner["Type"] == "Queue"
    other = q(view, "SELECT TYPEOF What WHEN Account THEN Phone ELSE Name, Type END FROM Task "
                    "WHERE What.Type = 'Opportunity' ORDER BY Id LIMIT 1")["records"][0]["What"]
    assert set(other) == {"attributes", "Name", "Type"} and other["Type"] == "Opportunity"


@pytest.mark.parametrize("soql,code,text", [
    ("SELECT What.Amount FROM Task", "INVALID_FIELD", "on entity 'Name'"),
    ("SELECT What.Account.Name FROM Task", "INVALID_FIELD", "relationship 'Account'"),
    ("SELECT Owner.TimeZoneSidKey FROM Case", "INVALID_FIELD", "on entity 'Name'"),
    ("SELECT Owner.Type FROM Account", "INVALID_FIELD", "on entity 'User'"),
    ("SELECT TYPEOF Account WHEN Account THEN Name END FROM Contact", "MALFORMED_QUERY",
     "polymorphic"),
    ("SELECT TYPEOF What WHEN Lead THEN Name END FROM Task", "MALFORMED_QUERY", "not one of"),
    ("SELECT TYPEOF What WHEN Widget__c THEN Name END FROM Task", "INVALID_TYPE", "Widget__c"),
    ("SELECT TYPEOF What WHEN Account THEN Nme END FROM Task", "INVALID_FIELD", "'Nme'"),
    ("SELECT TYPEOF What WHEN Account THEN Name END, COUNT(Id) FROM Task", "MALFORMED_QUERY", ""),
    ("SELECT TYPEOF What END FROM Task", "MALFORMED_QUERY", "END"),
])
def test_polymorphic_errors(org, soql, code, text):
    _, view, _ = org
    with pytest.raises(SalesforceError) as err:
        q(view, soql)
    assert err.value.error_code == code and text in err.value.message, err.value


def test_polymorphic_statements_under_high_drift(org):
    db, view, _ = org
    from entropy.drift import plan_drift
    from sandbox_db.soql import rewrite_soql
    plan = plan_drift(db.schema, "high", 6, must_rename=[("Task", "WhatId"), ("Task", "WhoId"),
                                                          ("Opportunity", "Name"),
                                                          ("Contact", "Email")])
    visible, base_names = plan.apply(db.schema)
    statements = [
        "SELECT Id, What.Name, What.Type, Who.Email FROM Task WHERE What.Type = 'Opportunity' "
        "ORDER BY Id LIMIT 25",
        "SELECT Id, TYPEOF What WHEN Opportunity THEN Name, Amount WHEN Account THEN Phone "
        "ELSE Name END FROM Task ORDER BY Id LIMIT 25",
    ]

    def values(rec: object, drifted: bool = False) -> object:
        """Values in order; object names (What.Type) as the base schema names them."""
        if isinstance(rec, list):
            return [values(r, drifted) for r in rec]
        if isinstance(rec, dict):
            return [values(v, drifted) if k != "Type" or not drifted else base_object.get(v, v)
                    for k, v in rec.items() if k != "attributes"]
        return rec

    base_object = {plan.visible_object(o.name): o.name for o in db.schema.objects}

    with open_view(db, visible, base_names, extra_rows=view.extra_rows) as drifted:
        for soql in statements:
            new = rewrite_soql(soql, db.schema, visible, plan.object_renames, plan.field_renames)
            a = run_soql(view, soql, today=TODAY)["records"]
            b = run_soql(drifted, new, today=TODAY)["records"]
            assert a and values(a) == values(b, drifted=True), new
