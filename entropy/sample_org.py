"""A small, deterministic synthetic org for tests and benchmarks of entropy.

The real generator (data.org) produces the benchmark's org; this one only has to be valid for the
schema (typed values, every reference pointing at an existing row) and realistic enough in its
names and dates that near-namesakes, duplicates and date windows mean something.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from entropy.levels import seeded_rng
from sandbox_db.ids import make_id
from sandbox_db.schema import FieldType, OrgSchema

FIRST = ["Jane", "John", "Maria", "Wei", "Aisha", "Carlos", "Priya", "Liam", "Olga", "Kenji",
         "Fatima", "Noah", "Elena", "Samuel", "Grace", "Omar"]
LAST = ["Doe", "Smith", "Garcia", "Chen", "Khan", "Lopez", "Patel", "Murphy", "Ivanova", "Sato",
        "Haddad", "Brown", "Rossi", "Okafor", "Kim", "Nguyen"]
STEMS = ["Secure", "Quantum", "Blue", "Apex", "Nimbus", "Vertex", "Bright", "Cobalt", "Summit",
         "Silver"]
NOUNS = ["Analytics", "Circuits", "Dynamics", "Logistics", "Systems", "Networks", "Labs",
         "Health", "Energy", "Media"]
TIERS = ["Pro", "Lite", "Enterprise", "Suite", "Cloud"]
COMPANY_SUFFIX = ["Inc.", "LLC", "Corp", "Group", "Ltd."]
STATES = ["CA", "NY", "TX", "WA", "IL", "MA", "FL", "CO"]

#: Rows per object (others get DEFAULT_COUNT).
COUNTS = {"User": 16, "Account": 40, "Contact": 80, "Lead": 60, "Opportunity": 80,
          "Case": 200, "CaseHistory__c": 300, "Product2": 30, "Knowledge__kav": 20,
          "Territory2": 4}
DEFAULT_COUNT = 40
EPOCH = dt.datetime(2023, 1, 2, 9, 0, 0)


def _person(i: int) -> tuple[str, str]:
    return FIRST[i % len(FIRST)], LAST[(i * 7 + i // len(FIRST)) % len(LAST)]


def _name(obj: str, i: int, org: str) -> str | None:
    if obj in ("User", "Contact", "Lead") or (obj == "Account" and org == "b2c"):
        first, last = _person(i + (3 if obj == "Lead" else 0))
        return f"{first} {last}"
    if obj == "Account":
        return f"{STEMS[i % 10]} {NOUNS[(i // 10 + i) % 10]} {COMPANY_SUFFIX[i % 5]}"
    if obj in ("Product2", "PricebookEntry"):
        return f"{STEMS[i % 10]}{NOUNS[(i // 10) % 10]} {TIERS[i % 5]}"
    if obj == "Knowledge__kav":
        return f"How to configure {STEMS[i % 10]}{NOUNS[i % 10]} refunds ({i})"
    return None


def sample_org(schema: OrgSchema, seed: int = 7) -> dict[str, list[dict[str, Any]]]:
    """OrgData for `schema`: a few dozen rows per object, deterministic in `seed`."""
    rng = seeded_rng("sample-org", schema.version, seed)
    counts = {o.name: COUNTS.get(o.name, DEFAULT_COUNT) for o in schema.objects}
    ids = {o.name: [make_id(o.key_prefix, i + 1) for i in range(counts[o.name])]
           for o in schema.objects}
    data: dict[str, list[dict[str, Any]]] = {}
    for o in schema.objects:
        rows = []
        for i in range(counts[o.name]):
            created = EPOCH + dt.timedelta(days=rng.randrange(0, 700), hours=rng.randrange(0, 9))
            row: dict[str, Any] = {}
            for f in o.fields:
                row[f.name] = _value(schema.org, o.name, f, i, ids, created, rng)
            if o.name in ("User", "Contact", "Lead") \
                    or (o.name == "Account" and schema.org == "b2c"):
                first, last = row["Name"].split(" ")
                for key, value in (("FirstName", first), ("LastName", last)):
                    if key in row:
                        row[key] = value
                for key in ("Email", "PersonEmail"):
                    if key in row:
                        row[key] = f"{first}.{last}{i}@example.com".lower()
            if o.name == "User":
                row["Username"] = f"{row['Email']}.crm"
                row["Alias"] = (row["FirstName"][0] + row["LastName"][:4]).lower()
            if o.name == "Knowledge__kav":
                row.update(PublishStatus="Online", IsLatestVersion=True, VersionNumber=1 + i % 3,
                           ArticleNumber=f"{1000 + i:09d}", UrlName=f"article-{i}",
                           FAQ_Answer__c=f"Refunds are issued within {10 + i} days of the request.")
            if o.name == "Case" and row.get("ClosedDate") is not None:
                row["ClosedDate"] = row["CreatedDate"] + dt.timedelta(hours=rng.randrange(1, 200))
            rows.append(row)
        data[o.name] = rows
    return data


def _value(org: str, obj: str, f: Any, i: int, ids: dict[str, list[str]],
           created: dt.datetime, rng: Any) -> Any:
    t = f.type
    if t == FieldType.ID:
        return ids[obj][i]
    if t == FieldType.REFERENCE:
        pool = ids[f.reference_to[0]]
        return pool[(i * 7 + rng.randrange(0, 3)) % len(pool)]
    if f.name_field and t == FieldType.STRING:
        name = _name(obj, i, org)
        return name if name is not None else f"{f.label} {i + 1:05d}"
    if f.name in ("FirstName", "LastName"):
        return None  # filled from Name
    if t in (FieldType.PICKLIST, FieldType.MULTIPICKLIST):
        values = f.picklist_values
        return values[(i + rng.randrange(0, len(values))) % len(values)]
    if t == FieldType.BOOLEAN:
        return i % 4 != 0
    if t == FieldType.INT:
        return rng.randrange(1, 500)
    if t in (FieldType.DOUBLE, FieldType.CURRENCY, FieldType.PERCENT):
        return float(rng.randrange(1, 1000) * 10)
    if t == FieldType.DATE:
        return (created + dt.timedelta(days=rng.randrange(0, 60))).date()
    if t == FieldType.DATETIME:
        return created if f.name in ("CreatedDate", "StartTime", "MessageDate") else \
            created + dt.timedelta(hours=rng.randrange(1, 100))
    if t == FieldType.EMAIL:
        return f"user{i}@example.com"
    if t == FieldType.PHONE:
        return f"(555) {100 + i:03d}-{rng.randrange(1000, 9999)}"
    if t == FieldType.URL:
        return f"https://example.com/{i}"
    if "State" in f.name:
        return STATES[i % len(STATES)]
    if t == FieldType.TEXTAREA:
        return f"{f.label} text for record {i + 1}."
    return f"{f.label} {i + 1}"
