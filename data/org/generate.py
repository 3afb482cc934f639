"""generate_org: the whole deterministic org, base generation then planters.

Same (org, seed) gives the same records, byte for byte in the canonical serialization that
`org_fingerprint` hashes (records sorted by Id, values typed by the schema).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from typing import Any

from data.org import DEFAULT_SEED, GENERATOR_VERSION, sales, service
from data.org import catalog as catalog_mod
from data.org import people as people_mod
from data.org.builder import OrgBuilder
from data.org.org_features import add_feature_records
from data.org.plants import discover_planters
from data.org.sizes import target_counts
from sandbox_db.database import OrgData
from sandbox_db.schema import FieldType, OrgSchema, OrgType, load_schema


def build_base(builder: OrgBuilder) -> None:
    """The neutral base org: every object at the CRMArena-Pro size."""
    counts = target_counts(builder.org)
    people = people_mod.People()
    people_mod.make_users(builder, counts["User"], people)
    people_mod.make_territories(builder, counts.get("UserTerritory2Association", 0), people)
    if builder.org == "b2b":
        people_mod.make_b2b_accounts(builder, counts["Account"], people)
    else:
        people_mod.make_b2c_accounts(builder, counts["Account"], people)
    people_mod.make_contacts(builder, counts["Contact"], people)
    catalog = catalog_mod.make_catalog(builder, counts)
    sales.make_leads(builder, counts["Lead"], people)
    deals = sales.make_deals(builder, counts, people, catalog)
    sales.write_deals(builder, deals, catalog)
    sales.make_quotes(builder, deals, counts.get("Quote", 0))
    sales.make_activities(builder, deals, counts)
    sales.make_voice_calls(builder, deals, counts.get("VoiceCallTranscript__c", 0))
    service.make_cases(builder, counts, people)
    service.make_case_conversations(builder, counts)
    remaining = counts.get("EmailMessage", 0) - len(builder.records("EmailMessage"))
    sales.make_deal_emails(builder, deals, remaining)
    service.make_knowledge(builder, counts.get("Knowledge__kav", 0))


def generate_org(org: OrgType, seed: int = DEFAULT_SEED) -> OrgData:
    """The org `org` for `seed`: base records, every planter in data/org/plants/, then the
    records behind SOQL's org-level features (data.org.org_features)."""
    builder = OrgBuilder(org, seed)
    build_base(builder)
    for name, plant in discover_planters():
        try:
            plant(builder)
        except Exception as exc:
            raise RuntimeError(f"planter {name!r} failed on the {org} org: {exc}") from exc
    add_feature_records(builder)
    return normalize(builder.schema, builder.data())


# ----------------------------------------------------------------------------- typing

_DT_TYPES = {FieldType.DATETIME: dt.datetime, FieldType.DATE: dt.date}


def _coerce(ftype: FieldType, value: Any, where: str) -> Any:
    """A value as the schema type says (int->float for currency, etc.); clear error otherwise."""
    if value is None:
        return None
    try:
        if ftype in (FieldType.DOUBLE, FieldType.CURRENCY, FieldType.PERCENT):
            if isinstance(value, bool):
                raise TypeError
            return float(value)
        if ftype == FieldType.INT:
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise TypeError
            return int(value)
        if ftype == FieldType.BOOLEAN:
            if not isinstance(value, bool):
                raise TypeError
            return value
        if ftype == FieldType.DATETIME:
            if isinstance(value, str):
                value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            if not isinstance(value, dt.datetime):
                raise TypeError
            if value.tzinfo is not None:
                value = value.astimezone(dt.UTC).replace(tzinfo=None)
            return value
        if ftype == FieldType.DATE:
            if isinstance(value, dt.datetime):
                return value.date()
            if isinstance(value, str):
                return dt.date.fromisoformat(value[:10])
            if not isinstance(value, dt.date):
                raise TypeError
            return value
        if not isinstance(value, str):
            raise TypeError
        return value
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{where}: {value!r} is not a valid {ftype.value}") from exc


_PASS_THROUGH = {  # field type -> the Python type that needs no conversion
    FieldType.INT: int, FieldType.DOUBLE: float, FieldType.CURRENCY: float,
    FieldType.PERCENT: float, FieldType.BOOLEAN: bool, FieldType.DATETIME: dt.datetime,
    FieldType.DATE: dt.date,
}


def normalize(schema: OrgSchema, data: OrgData) -> dict[str, list[dict[str, Any]]]:
    """Every object of the schema, every record with exactly the schema's fields, typed."""
    out: dict[str, list[dict[str, Any]]] = {}
    for obj in schema.objects:
        fields = [(f.name, f.type, _PASS_THROUGH.get(f.type, str)) for f in obj.fields]
        allowed = frozenset(obj.field_names)
        rows = []
        for record in data.get(obj.name, ()):
            if not allowed.issuperset(record):
                raise ValueError(f"{obj.name}: unknown fields {sorted(set(record) - allowed)}")
            row = {}
            for name, ftype, ok in fields:
                value = record.get(name)
                # exact type match (a datetime in a date field, an int in a double, still convert)
                row[name] = value if value is None or type(value) is ok else \
                    _coerce(ftype, value, f"{obj.name}.{name}")
            rows.append(row)
        out[obj.name] = rows
    return out


# ----------------------------------------------------------------------------- fingerprint

_DATES = (dt.datetime, dt.date)
#: One encoder for every line (json.dumps with options builds a new one per call).
_LINE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def canonical_lines(data: OrgData, schema: OrgSchema | None = None) -> Iterator[bytes]:
    """One JSON line per record: objects in schema order, records by Id, fields in schema order."""
    if schema is None:
        objects = sorted(data)
        field_lists = {o: sorted({k for r in data[o] for k in r}) for o in objects}
    else:
        objects = schema.object_names
        field_lists = {o.name: o.field_names for o in schema.objects}
    for name in objects:
        fields = field_lists[name]
        for record in sorted(data.get(name, ()), key=lambda r: r.get("Id") or ""):
            row = [name, *(v.isoformat() if isinstance(v, _DATES) else v
                           for v in map(record.get, fields))]
            yield _LINE(row).encode() + b"\n"


def org_fingerprint(data: OrgData, schema: OrgSchema | None = None) -> str:
    """sha256 of the canonical serialization (pass the schema for typed, field-ordered lines)."""
    digest = hashlib.sha256()
    for line in canonical_lines(data, schema):
        digest.update(line)
    return digest.hexdigest()


def version_id(org: OrgType, seed: int | str, fingerprint: str) -> str:
    """The org version carried by a built org: org, seed, generator version, content hash."""
    return f"{org}-{seed}-g{GENERATOR_VERSION}-{fingerprint[:12]}"


def generated_version(org: OrgType, seed: int = DEFAULT_SEED) -> str:
    """Version id of a freshly generated org (generates it; data.org.store caches this)."""
    return version_id(org, seed, org_fingerprint(generate_org(org, seed), load_schema(org)))
