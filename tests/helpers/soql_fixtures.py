"""A small hand-written org for the SOQL/SOSL tests (no test functions here).

The b2b schema plus one multi-select picklist (Account.Tags__c), with records chosen to hit
edge cases: nulls, mixed case, parents missing, dates around the fixed TODAY (a Wednesday).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from sandbox_db.database import OrgDatabase, open_view, write_org_file
from sandbox_db.ids import make_id
from sandbox_db.schema import OrgSchema, build_schema
from schemas import SCHEMA_DIR

TODAY = dt.date(2024, 6, 12)


def fixture_schema() -> OrgSchema:
    return build_schema("b2b", fixture_objects())


def fixture_objects() -> dict:
    """The raw object specs (as in schemas/*.yaml) of the fixture schema."""
    shared = yaml.safe_load((SCHEMA_DIR / "objects.yaml").read_text())["objects"]
    own = yaml.safe_load((SCHEMA_DIR / "b2b.yaml").read_text())["objects"]
    merged = {**shared, **own}
    merged["Account"] = {**merged["Account"], "fields": {
        **merged["Account"]["fields"],
        "Tags__c": {"type": "multipicklist", "values": ["Gold", "Silver", "Partner", "Vip"]}}}
    order = ["User", "Account", *[n for n in merged if n not in ("User", "Account")]]
    return {n: merged[n] for n in order}


def uid(n: int) -> str:
    return make_id("005", n)


def aid(n: int) -> str:
    return make_id("001", n)


def cid(n: int) -> str:
    return make_id("003", n)


def case_id(n: int) -> str:
    return make_id("500", n)


def opp_id(n: int) -> str:
    return make_id("006", n)


def ts(y: int, m: int, d: int, h: int = 0, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi)


def fixture_data() -> dict[str, list[dict]]:
    users = [
        {"Id": uid(1), "Name": "Ada Lovelace", "FirstName": "Ada", "LastName": "Lovelace",
         "Email": "ada@example.com", "IsActive": True, "Alias": "ada"},
        {"Id": uid(2), "Name": "Grace Hopper", "FirstName": "Grace", "LastName": "Hopper",
         "Email": "grace@example.com", "IsActive": False, "Alias": "grace"},
    ]
    accounts = [
        {"Id": aid(1), "Name": "Acme Corp", "Industry": "Technology", "NumberOfEmployees": 500,
         "ShippingState": "CA", "OwnerId": uid(1), "CreatedDate": ts(2024, 1, 5, 9),
         "Tags__c": "Gold;Partner", "Phone": "555-0100",
         "Description": "Acme builds anvils and rockets"},
        {"Id": aid(2), "Name": "globex", "Industry": "Manufacturing", "NumberOfEmployees": 120,
         "ShippingState": "NY", "OwnerId": uid(2), "CreatedDate": ts(2023, 11, 20, 15),
         "Tags__c": "Silver", "Phone": "555-0200", "Description": "Globex makes widgets"},
        {"Id": aid(3), "Name": "Initech", "Industry": None, "NumberOfEmployees": None,
         "ShippingState": "CA", "OwnerId": uid(1), "CreatedDate": ts(2024, 6, 12, 8),
         "Tags__c": None, "Phone": None, "Description": None},
        {"Id": aid(4), "Name": "Umbrella 100% Health", "Industry": "Healthcare",
         "NumberOfEmployees": 9000, "ShippingState": None, "OwnerId": None,
         "CreatedDate": ts(2022, 3, 1), "Tags__c": "Gold;Vip;Silver", "Phone": "555-0400",
         "Description": "Pharmaceuticals, acme of health"},
    ]
    contacts = [
        {"Id": cid(1), "Name": "John Smith", "FirstName": "John", "LastName": "Smith",
         "Email": "john@acme.com", "AccountId": aid(1), "OwnerId": uid(1),
         "CreatedDate": ts(2024, 6, 11, 23, 59)},
        {"Id": cid(2), "Name": "Jane Doe", "FirstName": "Jane", "LastName": "Doe",
         "Email": "jane@acme.com", "AccountId": aid(1), "OwnerId": uid(2),
         "CreatedDate": ts(2024, 6, 12, 0, 0)},
        {"Id": cid(3), "Name": "Bob Stone", "FirstName": "Bob", "LastName": "Stone",
         "Email": "bob@globex.com", "AccountId": aid(2), "OwnerId": uid(1),
         "CreatedDate": ts(2024, 5, 1, 12)},
        {"Id": cid(4), "Name": "Orphan Annie", "FirstName": "Annie", "LastName": "Orphan",
         "Email": None, "AccountId": None, "OwnerId": uid(2), "CreatedDate": ts(2023, 12, 31, 23)},
        {"Id": cid(5), "Name": "Zed Zulu", "FirstName": "Zed", "LastName": "zulu",
         "Email": "zed@umbrella.com", "AccountId": aid(4), "OwnerId": None,
         "CreatedDate": ts(2024, 4, 1)},
    ]
    statuses = ["New", "Working", "Escalated", "Closed", "Closed", "New", "Working", "Closed"]
    priorities = ["High", "Low", "High", "Medium", None, "Critical", "Low", "High"]
    created = [ts(2024, 6, 12, 10), ts(2024, 6, 9, 1), ts(2024, 6, 2), ts(2024, 5, 15, 18),
               ts(2024, 3, 31, 23), ts(2024, 1, 1), ts(2023, 12, 15), ts(2023, 6, 12, 12)]
    accounts_of = [aid(1), aid(1), aid(2), aid(2), aid(4), None, aid(1), aid(3)]
    contacts_of = [cid(1), cid(2), cid(3), None, cid(5), None, cid(1), None]
    cases = []
    for i in range(8):
        closed = created[i] + dt.timedelta(days=i + 1, hours=3) if statuses[i] == "Closed" else None
        cases.append({
            "Id": case_id(i + 1), "CaseNumber": f"{1000 + i:08d}",
            "Subject": ["Login failure", "Billing question", "Rocket misfire",
                        "login FAILURE again", "Widget broken", "Password reset",
                        "Anvil delivery", "Refund"][i],
            "Description": f"Details for case {i + 1}", "Status": statuses[i],
            "Priority": priorities[i], "Origin": ["Email", "Phone", "Web", "Chat"][i % 4],
            "AccountId": accounts_of[i], "ContactId": contacts_of[i],
            "OwnerId": [uid(1), uid(2)][i % 2] if i != 5 else None,
            "CreatedDate": created[i], "ClosedDate": closed})
    opps = [
        {"Id": opp_id(1), "Name": "Acme rockets", "AccountId": aid(1), "StageName": "Closed",
         "Amount": 50000.0, "Probability": 100.0, "CloseDate": dt.date(2024, 6, 10),
         "OwnerId": uid(1), "CreatedDate": ts(2024, 1, 10)},
        {"Id": opp_id(2), "Name": "Acme anvils", "AccountId": aid(1), "StageName": "Quote",
         "Amount": 1250.5, "Probability": 40.0, "CloseDate": dt.date(2024, 7, 1),
         "OwnerId": uid(2), "CreatedDate": ts(2024, 3, 3)},
        {"Id": opp_id(3), "Name": "Globex widgets", "AccountId": aid(2), "StageName": "Negotiation",
         "Amount": 20000.0, "Probability": 60.0, "CloseDate": dt.date(2024, 4, 30),
         "OwnerId": uid(1), "CreatedDate": ts(2023, 10, 1)},
        {"Id": opp_id(4), "Name": "Umbrella pharma", "AccountId": aid(4), "StageName": "Closed",
         "Amount": None, "Probability": 0.0, "CloseDate": dt.date(2023, 12, 31),
         "OwnerId": uid(2), "CreatedDate": ts(2023, 6, 1)},
        {"Id": opp_id(5), "Name": "Initech TPS", "AccountId": aid(3), "StageName": "Discovery",
         "Amount": 7000.0, "Probability": 10.0, "CloseDate": dt.date(2024, 6, 16),
         "OwnerId": uid(1), "CreatedDate": ts(2024, 6, 1)},
    ]
    knowledge = [
        {"Id": make_id("ka0", 1), "Title": "Resetting your password",
         "Summary": "How to reset a forgotten password", "FAQ_Answer__c": "Click forgot password.",
         "UrlName": "reset-password", "PublishStatus": "Online", "IsLatestVersion": True},
        {"Id": make_id("ka0", 2), "Title": "Rocket safety",
         "Summary": "Handling rockets and anvils",
         "FAQ_Answer__c": "Never point a rocket at people.",
         "UrlName": "rocket-safety", "PublishStatus": "Online", "IsLatestVersion": True},
        {"Id": make_id("ka0", 3), "Title": "Billing FAQ",
         "Summary": "Invoices, refunds, password-free billing",
         "FAQ_Answer__c": "Refunds take 5 days.", "UrlName": "billing", "PublishStatus": "Archived",
         "IsLatestVersion": False},
    ]
    return {"User": users, "Account": accounts, "Contact": contacts, "Case": cases,
            "Opportunity": opps, "Knowledge__kav": knowledge}


def open_fixture_view(tmp_path: Path):
    """(OrgDatabase, OrgView) over the fixture org in a fresh DuckDB file."""
    schema = fixture_schema()
    path = tmp_path / "fixture.duckdb"
    write_org_file(path, schema, fixture_data())
    db = OrgDatabase(schema, path)
    return db, open_view(db)
