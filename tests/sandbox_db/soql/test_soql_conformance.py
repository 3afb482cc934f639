"""SOQL conformance on the hand-written fixture org: every result is checked against an
expectation computed independently in plain Python over the same records."""

from __future__ import annotations

import datetime as dt

import pytest

from sandbox_db.errors import ErrorCode, SalesforceError
from sandbox_db.soql import run_soql
from sandbox_db.soql.dates import relative_range
from tests.helpers.soql_fixtures import (
    TODAY,
    aid,
    case_id,
    cid,
    fixture_data,
    open_fixture_view,
    uid,
)

DATA = fixture_data()
BY_ID = {r["Id"]: r for rows in DATA.values() for r in rows}


@pytest.fixture(scope="module")
def view(tmp_path_factory):
    db, v = open_fixture_view(tmp_path_factory.mktemp("soql"))
    yield v
    v.close()
    db.close()


def q(view, soql: str, today: dt.date = TODAY) -> dict:
    return run_soql(view, soql, today=today)


def ids(result: dict) -> list[str]:
    return [r["attributes"]["url"].rsplit("/", 1)[1] for r in result["records"]]


def rows(obj: str) -> list[dict]:
    return DATA.get(obj, [])


def sf_dt(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S.000+0000")


# --- field lists, parents, shapes --------------------------------------------------------------

def test_field_list_shape_and_types(view):
    res = q(view, "SELECT Id, Name, NumberOfEmployees, CreatedDate, Tags__c FROM Account "
                  "WHERE Name = 'Acme Corp'")
    a = BY_ID[aid(1)]
    assert res == {"totalSize": 1, "done": True, "records": [{
        "attributes": {"type": "Account", "url": f"/services/data/v62.0/sobjects/Account/{aid(1)}"},
        "Id": aid(1), "Name": "Acme Corp", "NumberOfEmployees": 500,
        "CreatedDate": sf_dt(a["CreatedDate"]), "Tags__c": "Gold;Partner"}]}


def test_names_are_case_insensitive_and_returned_in_api_case(view):
    res = q(view, "select name, industry from ACCOUNT where NAME = 'initech'")
    assert res["records"][0]["Name"] == "Initech" and "Industry" in res["records"][0]


def test_values_typed_as_rest(view):
    res = q(view, "SELECT Amount, Probability, CloseDate FROM Opportunity ORDER BY Id LIMIT 1")
    r = res["records"][0]
    o = rows("Opportunity")[0]
    assert r["Amount"] == o["Amount"] and isinstance(r["Amount"], float)
    assert r["CloseDate"] == o["CloseDate"].isoformat()
    u = q(view, "SELECT IsActive FROM User ORDER BY Name")["records"]
    assert [x["IsActive"] for x in u] == [True, False]


def test_parent_paths_nested_and_null_parent(view):
    res = q(view,
            "SELECT LastName, Account.Name, Account.Owner.Name FROM Contact ORDER BY LastName")
    expected = []
    for c in sorted(rows("Contact"), key=lambda c: c["LastName"].lower()):
        acc = BY_ID.get(c["AccountId"])
        owner = BY_ID.get(acc["OwnerId"]) if acc and acc["OwnerId"] else None
        expected.append((c["LastName"], acc and acc["Name"], owner and owner["Name"]))
    got = [(r["LastName"], r["Account"] and r["Account"]["Name"],
            r["Account"] and r["Account"]["Owner"] and r["Account"]["Owner"]["Name"])
           for r in res["records"]]
    assert got == expected
    orphan = next(r for r in res["records"] if r["LastName"] == "Orphan")
    assert orphan["Account"] is None
    zulu = next(r for r in res["records"] if r["LastName"] == "zulu")
    assert zulu["Account"]["Owner"] is None
    assert zulu["Account"]["attributes"]["type"] == "Account"


def test_parent_path_in_where_order_and_alias_prefix(view):
    res = q(view, "SELECT c.Subject FROM Case c WHERE c.Account.ShippingState = 'CA' "
                  "ORDER BY c.Account.Name DESC, c.Subject")
    expected = [c for c in rows("Case") if c["AccountId"]
                and BY_ID[c["AccountId"]]["ShippingState"] == "CA"]
    expected.sort(key=lambda c: c["Subject"].lower())
    expected.sort(key=lambda c: BY_ID[c["AccountId"]]["Name"].lower(), reverse=True)
    assert [r["Subject"] for r in res["records"]] == [c["Subject"] for c in expected]


def test_object_name_prefix(view):
    res = q(view, "SELECT Account.Name FROM Account WHERE Account.Name = 'globex'")
    assert res["records"][0]["Name"] == "globex"


# --- WHERE ---------------------------------------------------------------------------------

def where_ids(view, obj: str, cond: str) -> list[str]:
    return sorted(ids(q(view, f"SELECT Id FROM {obj} WHERE {cond}")))


def expect(obj: str, pred) -> list[str]:
    return sorted(r["Id"] for r in rows(obj) if pred(r))


@pytest.mark.parametrize("cond,pred", [
    ("Status = 'closed'", lambda c: c["Status"] == "Closed"),
    ("Status != 'Closed'", lambda c: c["Status"] != "Closed"),
    ("Status <> 'Closed'", lambda c: c["Status"] != "Closed"),
    ("Priority != 'High'", lambda c: c["Priority"] != "High"),  # nulls included, as SOQL
    ("Priority = null", lambda c: c["Priority"] is None),
    ("Priority != null", lambda c: c["Priority"] is not None),
    ("Subject LIKE 'login%'", lambda c: c["Subject"].lower().startswith("login")),
    ("Subject LIKE '%_e%'", lambda c: "e" in c["Subject"][1:].lower()),
    ("NOT Subject LIKE '%e%'", lambda c: "e" not in c["Subject"].lower()),
    ("Status IN ('new', 'Working')", lambda c: c["Status"] in ("New", "Working")),
    ("Priority NOT IN ('High', 'Low')", lambda c: c["Priority"] not in ("High", "Low")),
    ("(Status = 'New' OR Status = 'Escalated') AND Priority = 'High'",
     lambda c: c["Status"] in ("New", "Escalated") and c["Priority"] == "High"),
    ("Status = 'New' OR (Status = 'Escalated' AND Priority = 'High')",
     lambda c: c["Status"] == "New" or (c["Status"] == "Escalated" and c["Priority"] == "High")),
    ("NOT (Status = 'Closed' OR Priority = 'Low')",
     lambda c: not (c["Status"] == "Closed" or c["Priority"] == "Low")),
    (f"AccountId = '{aid(1)[:15]}'", lambda c: c["AccountId"] == aid(1)),
    (f"AccountId IN ('{aid(1)}', '{aid(2)[:15]}')", lambda c: c["AccountId"] in (aid(1), aid(2))),
    (f"AccountId = '{aid(1).lower()}'", lambda c: c["AccountId"] == aid(1)),  # 18 chars: any case
    (f"AccountId = '{aid(1)[:15].lower()}'", lambda c: False),  # 15 chars: case-sensitive
    ("AccountId != null AND Account.Industry = 'Technology'",
     lambda c: c["AccountId"] is not None and BY_ID[c["AccountId"]]["Industry"] == "Technology"),
    ("Owner.IsActive = false", lambda c: c["OwnerId"] in (uid(2), None)),  # no parent: false
    ("CreatedDate > 2024-06-01T00:00:00Z", lambda c: c["CreatedDate"] > dt.datetime(2024, 6, 1)),
    ("CreatedDate <= 2024-06-02T02:00:00+02:00",
     lambda c: c["CreatedDate"] <= dt.datetime(2024, 6, 2)),
    ("ClosedDate = null", lambda c: c["ClosedDate"] is None),
])
def test_where_on_case(view, cond, pred):
    assert where_ids(view, "Case", cond) == expect("Case", pred)


@pytest.mark.parametrize("cond,pred", [
    ("NumberOfEmployees > 150", lambda a: (a["NumberOfEmployees"] or 0) > 150),
    ("NumberOfEmployees <= 500", lambda a: a["NumberOfEmployees"] is not None
     and a["NumberOfEmployees"] <= 500),
    ("NumberOfEmployees >= -1.5", lambda a: a["NumberOfEmployees"] is not None),
    ("Name LIKE '%100\\%%'", lambda a: "100%" in a["Name"]),
    ("Tags__c INCLUDES ('Gold')", lambda a: "Gold" in (a["Tags__c"] or "").split(";")),
    ("Tags__c INCLUDES ('gold;silver', 'partner')",
     lambda a: {"Gold", "Silver"} <= set((a["Tags__c"] or "").split(";"))
     or "Partner" in (a["Tags__c"] or "").split(";")),
    ("Tags__c EXCLUDES ('Silver')", lambda a: "Silver" not in (a["Tags__c"] or "").split(";")),
    ("Id IN (SELECT AccountId FROM Case WHERE Status = 'Closed')",
     lambda a: any(c["AccountId"] == a["Id"] and c["Status"] == "Closed" for c in rows("Case"))),
    ("Id NOT IN (SELECT AccountId FROM Contact)",
     lambda a: not any(c["AccountId"] == a["Id"] for c in rows("Contact"))),
    ("OwnerId IN (SELECT Id FROM User WHERE IsActive = true)", lambda a: a["OwnerId"] == uid(1)),
])
def test_where_on_account(view, cond, pred):
    assert where_ids(view, "Account", cond) == expect("Account", pred)


# --- date literals ---------------------------------------------------------------------------

DATE_LITERALS = ["TODAY", "YESTERDAY", "TOMORROW", "LAST_WEEK", "THIS_WEEK", "NEXT_WEEK",
                 "LAST_MONTH", "THIS_MONTH", "NEXT_MONTH", "LAST_90_DAYS", "NEXT_90_DAYS",
                 "LAST_N_DAYS:3", "NEXT_N_DAYS:5", "N_DAYS_AGO:3", "LAST_N_WEEKS:2",
                 "NEXT_N_WEEKS:1", "LAST_N_MONTHS:2", "NEXT_N_MONTHS:1", "THIS_QUARTER",
                 "LAST_QUARTER", "NEXT_QUARTER", "LAST_N_QUARTERS:2", "THIS_YEAR", "LAST_YEAR",
                 "NEXT_YEAR", "LAST_N_YEARS:1", "N_YEARS_AGO:1", "THIS_FISCAL_YEAR"]


def test_relative_ranges_match_salesforce_definitions():
    t = TODAY  # Wednesday 2024-06-12; that week is Sun 06-09 .. Sat 06-15
    d = dt.date
    assert relative_range("TODAY", t) == (t, d(2024, 6, 13))
    assert relative_range("THIS_WEEK", t) == (d(2024, 6, 9), d(2024, 6, 16))
    assert relative_range("LAST_WEEK", t) == (d(2024, 6, 2), d(2024, 6, 9))
    assert relative_range("LAST_N_DAYS:1", t) == (d(2024, 6, 11), d(2024, 6, 13))  # incl. today
    assert relative_range("LAST_90_DAYS", t)[0] == d(2024, 3, 14)
    assert relative_range("NEXT_N_DAYS:2", t) == (d(2024, 6, 13), d(2024, 6, 15))
    assert relative_range("LAST_N_WEEKS:2", t) == (d(2024, 5, 26), d(2024, 6, 9))
    assert relative_range("LAST_N_MONTHS:2", t) == (d(2024, 4, 1), d(2024, 6, 1))
    assert relative_range("THIS_QUARTER", t) == (d(2024, 4, 1), d(2024, 7, 1))
    assert relative_range("LAST_QUARTER", t) == (d(2024, 1, 1), d(2024, 4, 1))
    assert relative_range("LAST_N_QUARTERS:2", t) == (d(2023, 10, 1), d(2024, 4, 1))
    assert relative_range("LAST_N_YEARS:2", t) == (d(2022, 1, 1), d(2024, 1, 1))
    assert relative_range("THIS_WEEK", d(2024, 6, 9)) == (d(2024, 6, 9), d(2024, 6, 16))  # Sunday
    assert relative_range("LAST_MONTH", d(2024, 1, 15)) == (d(2023, 12, 1), d(2024, 1, 1))


@pytest.mark.parametrize("literal", DATE_LITERALS)
@pytest.mark.parametrize("op", ["=", "!=", "<", "<=", ">", ">="])
def test_date_literals_on_datetime_and_date(view, literal, op):
    start, end = relative_range(literal, TODAY)

    def inside(v, lo, hi):
        if v is None:
            return op == "!="
        return {"=": lo <= v < hi, "!=": not lo <= v < hi, "<": v < lo, "<=": v < hi,
                ">": v >= hi, ">=": v >= lo}[op]

    lo_ts, hi_ts = (dt.datetime.combine(x, dt.time()) for x in (start, end))
    assert where_ids(view, "Case", f"CreatedDate {op} {literal}") == \
        expect("Case", lambda c: inside(c["CreatedDate"], lo_ts, hi_ts))
    assert where_ids(view, "Opportunity", f"CloseDate {op} {literal}") == \
        expect("Opportunity", lambda o: inside(o["CloseDate"], start, end))


def test_today_is_configurable(view):
    a = ids(q(view, "SELECT Id FROM Case WHERE CreatedDate = TODAY", today=dt.date(2024, 1, 1)))
    assert a == [case_id(6)]


def test_date_value_literals(view):
    assert where_ids(view, "Opportunity", "CloseDate >= 2024-06-10 AND CloseDate < 2024-07-01") \
        == expect("Opportunity",
                  lambda o: dt.date(2024, 6, 10) <= o["CloseDate"] < dt.date(2024, 7, 1))
    assert where_ids(view, "Opportunity", "CloseDate IN (2024-06-10, 2023-12-31)") == \
        expect("Opportunity",
               lambda o: o["CloseDate"] in (dt.date(2024, 6, 10), dt.date(2023, 12, 31)))


@pytest.mark.parametrize("cond,message", [
    ("CreatedDate > 2024-01-01", "must be of type dateTime and should not be enclosed in quotes"),
    ("CloseDate > 2024-01-01T00:00:00Z", "must be of type date and should not be enclosed"),
    ("CloseDate > '2024-01-01'", "must be of type date and should not be enclosed in quotes"),
])
def test_date_type_mismatch(view, cond, message):
    obj = "Case" if cond.startswith("Created") else "Opportunity"
    with pytest.raises(SalesforceError) as err:
        q(view, f"SELECT Id FROM {obj} WHERE {cond}")
    assert err.value.error_code == "INVALID_FIELD" and message in err.value.message


# --- date functions --------------------------------------------------------------------------

def test_date_functions_group_by(view):
    res = q(view, "SELECT CALENDAR_YEAR(CreatedDate) y, CALENDAR_QUARTER(CreatedDate), "
                  "COUNT(Id) FROM Case GROUP BY CALENDAR_YEAR(CreatedDate), "
                  "CALENDAR_QUARTER(CreatedDate) ORDER BY CALENDAR_YEAR(CreatedDate), "
                  "CALENDAR_QUARTER(CreatedDate)")
    counts: dict = {}
    for c in rows("Case"):
        k = (c["CreatedDate"].year, (c["CreatedDate"].month - 1) // 3 + 1)
        counts[k] = counts.get(k, 0) + 1
    assert [(r["y"], r["expr0"], r["expr1"]) for r in res["records"]] == \
        [(*k, v) for k, v in sorted(counts.items())]


@pytest.mark.parametrize("fn,py", [
    ("CALENDAR_MONTH", lambda d: d.month),
    ("DAY_IN_MONTH", lambda d: d.day),
    ("DAY_IN_WEEK", lambda d: (d.weekday() + 1) % 7 + 1),  # 1 = Sunday
    ("DAY_IN_YEAR", lambda d: d.timetuple().tm_yday),
    ("WEEK_IN_YEAR", lambda d: (d.timetuple().tm_yday - 1) // 7 + 1),
    ("HOUR_IN_DAY", lambda d: d.hour),
    ("CALENDAR_YEAR", lambda d: d.year),
])
def test_date_function_in_where(view, fn, py):
    value = py(rows("Case")[1]["CreatedDate"])
    assert where_ids(view, "Case", f"{fn}(CreatedDate) = {value}") == \
        expect("Case", lambda c: py(c["CreatedDate"]) == value)


def test_day_only(view):
    assert where_ids(view, "Contact", "DAY_ONLY(CreatedDate) = 2024-06-11") == [cid(1)]
    res = q(view, "SELECT DAY_ONLY(CreatedDate) d, COUNT(Id) FROM Contact "
                  "GROUP BY DAY_ONLY(CreatedDate) ORDER BY DAY_ONLY(CreatedDate) DESC LIMIT 1")
    assert res["records"] == [{"attributes": {"type": "AggregateResult"}, "d": "2024-06-12",
                               "expr0": 1}]


# --- aggregates ------------------------------------------------------------------------------

def test_count_forms(view):
    assert q(view, "SELECT COUNT() FROM Case") == {"totalSize": 8, "done": True, "records": []}
    assert q(view, "SELECT COUNT() FROM Case WHERE Status = 'Closed'")["totalSize"] == 3
    res = q(view, "SELECT COUNT(Id), COUNT(Priority), COUNT_DISTINCT(Status) FROM Case")
    assert res["totalSize"] == 1
    assert res["records"][0] == {"attributes": {"type": "AggregateResult"}, "expr0": 8,
                                 "expr1": 7, "expr2": 4}


def test_sum_avg_min_max_with_aliases(view):
    res = q(view, "SELECT SUM(Amount) total, AVG(Amount) avg, MIN(CloseDate), MAX(Amount) "
                  "FROM Opportunity")
    amounts = [o["Amount"] for o in rows("Opportunity") if o["Amount"] is not None]
    r = res["records"][0]
    assert r["total"] == pytest.approx(sum(amounts))
    assert r["avg"] == pytest.approx(sum(amounts) / len(amounts))
    assert r["expr0"] == min(o["CloseDate"] for o in rows("Opportunity")).isoformat()
    assert r["expr1"] == max(amounts)


def test_group_by_having_order_limit(view):
    res = q(view, "SELECT Account.Name, COUNT(Id) cnt FROM Case WHERE AccountId != null "
                  "GROUP BY Account.Name HAVING COUNT(Id) >= 2 ORDER BY COUNT(Id) DESC")
    counts: dict = {}
    for c in rows("Case"):
        if c["AccountId"]:
            n = BY_ID[c["AccountId"]]["Name"]
            counts[n] = counts.get(n, 0) + 1
    expected = sorted(((n, k) for n, k in counts.items() if k >= 2), key=lambda x: -x[1])
    assert [(r["Name"], r["cnt"]) for r in res["records"]] == expected


def test_group_by_nulls_group(view):
    res = q(view, "SELECT Priority, COUNT(Id) FROM Case GROUP BY Priority ORDER BY Priority")
    assert res["records"][0]["Priority"] is None  # ASC puts nulls first


# --- ORDER BY / LIMIT / OFFSET --------------------------------------------------------------

def test_boolean_null_is_false(view):
    assert where_ids(view, "User", "IsActive = null") == where_ids(view, "User", "IsActive = false")
    assert where_ids(view, "User", "IsActive != null") == [uid(1)]


def test_order_nulls_defaults_and_explicit(view):
    def order(clause):
        return [r["NumberOfEmployees"] for r in
                q(view, f"SELECT NumberOfEmployees FROM Account ORDER BY {clause}")["records"]]
    assert order("NumberOfEmployees") == [None, 120, 500, 9000]
    assert order("NumberOfEmployees DESC") == [9000, 500, 120, None]
    assert order("NumberOfEmployees ASC NULLS LAST") == [120, 500, 9000, None]
    assert order("NumberOfEmployees DESC NULLS FIRST") == [None, 9000, 500, 120]


def test_order_strings_case_insensitive_limit_offset(view):
    names = sorted((a["Name"] for a in rows("Account")), key=str.lower)
    res = q(view, "SELECT Name FROM Account ORDER BY Name LIMIT 2 OFFSET 1")
    assert [r["Name"] for r in res["records"]] == names[1:3]
    assert res["totalSize"] == 2


# --- child subqueries -------------------------------------------------------------------------

def test_child_subquery(view):
    res = q(view, "SELECT Name, (SELECT LastName, Email FROM Contacts ORDER BY LastName) "
                  "FROM Account ORDER BY Name")
    for rec in res["records"]:
        acc = next(a for a in rows("Account") if a["Name"] == rec["Name"])
        kids = sorted((c for c in rows("Contact") if c["AccountId"] == acc["Id"]),
                      key=lambda c: c["LastName"].lower())
        if not kids:
            assert rec["Contacts"] is None
        else:
            assert rec["Contacts"]["totalSize"] == len(kids) and rec["Contacts"]["done"] is True
            assert [r["LastName"] for r in rec["Contacts"]["records"]] \
                == [k["LastName"] for k in kids]
            assert rec["Contacts"]["records"][0]["attributes"]["type"] == "Contact"


def test_child_subquery_where_limit_and_parent_path(view):
    res = q(view, "SELECT Name, (SELECT Subject, Owner.Name FROM Cases WHERE Status != 'Closed' "
                  "ORDER BY CreatedDate DESC LIMIT 1) FROM Account WHERE Name = 'Acme Corp'")
    kids = sorted((c for c in rows("Case") if c["AccountId"] == aid(1) and c["Status"] != "Closed"),
                  key=lambda c: c["CreatedDate"], reverse=True)[:1]
    got = res["records"][0]["Cases"]["records"]
    assert [(r["Subject"], r["Owner"]["Name"]) for r in got] == \
        [(k["Subject"], BY_ID[k["OwnerId"]]["Name"]) for k in kids]


# --- FIELDS() ----------------------------------------------------------------------------------

def test_fields_functions(view):
    res = q(view, "SELECT FIELDS(ALL) FROM Account ORDER BY Name LIMIT 1")
    assert set(res["records"][0]) - {"attributes"} \
        == {f.name for f in view.schema.get("Account").fields}
    std = q(view, "SELECT FIELDS(STANDARD) FROM Account")["records"][0]
    assert "Tags__c" not in std and "Name" in std
    cus = q(view, "SELECT FIELDS(CUSTOM) FROM Account LIMIT 200")["records"][0]
    assert set(cus) == {"attributes", "Tags__c"}
    with pytest.raises(SalesforceError, match="LIMIT of at most 200"):
        q(view, "SELECT FIELDS(ALL) FROM Account")


# --- batch cap ---------------------------------------------------------------------------------

def test_batch_cap(view, monkeypatch):
    import sandbox_db.soql.execute as execute_mod
    import sandbox_db.soql.translate as translate_mod
    from sandbox_db.soql import translation_cache
    monkeypatch.setattr(translate_mod, "BATCH_SIZE", 3)
    monkeypatch.setattr(execute_mod, "BATCH_SIZE", 3)
    translation_cache.clear()
    try:
        res = q(view, "SELECT Id FROM Case")
        assert res["totalSize"] == 8 and res["done"] is False and len(res["records"]) == 3
        assert res["nextRecordsUrl"].startswith("/services/data/v62.0/query/01g")
        assert q(view, "SELECT Id FROM Case LIMIT 3")["done"] is True
    finally:
        translation_cache.clear()


def test_security_and_tracking_clauses_are_accepted(view):
    base = q(view, "SELECT Id FROM Case WHERE Status = 'New' ORDER BY Id")
    assert q(view, "SELECT Id FROM Case WHERE Status = 'New' WITH SECURITY_ENFORCED "
                   "ORDER BY Id") == base
    assert q(view, "SELECT Id FROM Case WHERE Status = 'New' ORDER BY Id FOR VIEW") == base


def test_translation_cache_keyed_by_today(view):
    from sandbox_db.soql import translation_cache
    soql = "SELECT COUNT() FROM Case WHERE CreatedDate = THIS_MONTH"
    counts = {d: q(view, soql, today=d)["totalSize"]
              for d in (dt.date(2024, 6, 1), dt.date(2024, 5, 1), dt.date(2024, 6, 1))}
    assert counts[dt.date(2024, 6, 1)] == sum(c["CreatedDate"].month == 6 and
                                              c["CreatedDate"].year == 2024 for c in rows("Case"))
    assert counts[dt.date(2024, 5, 1)] == 1
    hits = translation_cache.hits
    q(view, soql, today=dt.date(2024, 5, 1))
    assert translation_cache.hits == hits + 1


def test_a_refused_statement_is_refused_again_from_the_cache(view):
    """Translation is a pure function of (statement, schema, today): a refusal is cached like a
    plan, and each repeat raises a new error with the same code and message."""
    from sandbox_db.soql import translation_cache
    soql = "SELECT Id, No_Such_Field__c FROM Case"
    errors = []
    for _ in range(2):
        with pytest.raises(SalesforceError) as info:
            q(view, soql)
        errors.append(info.value)
    hits = translation_cache.hits
    with pytest.raises(SalesforceError) as info:
        q(view, soql)
    assert translation_cache.hits == hits + 1
    assert info.value is not errors[0] and errors[0] is not errors[1]
    assert {(e.error_code, e.message) for e in (*errors, info.value)} == {
        (ErrorCode.INVALID_FIELD, errors[0].message)}
    assert "No_Such_Field__c" in errors[0].message


def test_display_functions(view):
    """toLabel gives the label (this org's labels are its values); FORMAT the en_US rendering."""
    res = q(view, "SELECT toLabel(Status), FORMAT(CreatedDate) FROM Case ORDER BY Id LIMIT 1")
    c = rows("Case")[0]
    r = res["records"][0]
    created = c["CreatedDate"]
    hour = created.hour % 12 or 12
    assert r["Status"] == c["Status"]
    assert r["CreatedDate"] == (f"{created.month}/{created.day}/{created.year}, {hour}:"
                                f"{created.minute:02d} {'AM' if created.hour < 12 else 'PM'}")
    res = q(view, "SELECT HOUR_IN_DAY(convertTimezone(CreatedDate)) h, COUNT(Id) FROM Case "
                  "GROUP BY HOUR_IN_DAY(convertTimezone(CreatedDate)) ORDER BY "
                  "HOUR_IN_DAY(convertTimezone(CreatedDate))")
    hours: dict = {}
    for c in rows("Case"):
        hours[c["CreatedDate"].hour] = hours.get(c["CreatedDate"].hour, 0) + 1
    assert [(r["h"], r["expr0"]) for r in res["records"]] == sorted(hours.items())


def test_grouped_field_alias_and_empty_aggregate(view):
    res = q(view, "SELECT Origin o, COUNT(Id) FROM Case GROUP BY Origin ORDER BY Origin")
    assert [r["o"] for r in res["records"]] == sorted({c["Origin"] for c in rows("Case")})
    empty = q(view, "SELECT COUNT(Id), SUM(Amount) FROM Opportunity WHERE Amount > 1e9")
    assert empty["records"] == [{"attributes": {"type": "AggregateResult"}, "expr0": 0,
                                 "expr1": None}]
    none = q(view, "SELECT Status, COUNT(Id) FROM Case WHERE Status = 'nope' GROUP BY Status")
    assert none == {"totalSize": 0, "done": True, "records": []}
