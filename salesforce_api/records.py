"""Records by Id and by field value: `sobjects/{T}/{Id}`, `sobjects/{T}/{Field}/{Value}` and
`composite/sobjects/{T}`, each as one SOQL statement through the engine.

Going through `run_soql` is what keeps these routes as safe and as drifted as queries: the names
are checked against the visible schema, the value is a quoted literal, and only a validated
SELECT over the episode's views ever reaches DuckDB. Blocking: call on the org's thread.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from salesforce_api.instance import SandboxInstance, soql_string
from sandbox_db.errors import ErrorCode, SalesforceError
from sandbox_db.ids import to_18
from sandbox_db.schema import FieldType, SObject

#: Salesforce's limit on Ids in one composite retrieve.
MAX_COMPOSITE_IDS = 2000
_ID_RE = re.compile(r"^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$")
_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
#: Fields `sobjects/{T}/{Field}/{Value}` may look up by. The org has no external-Id fields, so,
#: as a practical stand-in, the Id and the filterable text fields (Name, Email, Username, ...).
LOOKUP_TYPES = frozenset({FieldType.ID, FieldType.STRING, FieldType.EMAIL, FieldType.PHONE,
                          FieldType.URL, FieldType.PICKLIST})


def not_found(message: str = "The requested resource does not exist") -> SalesforceError:
    return SalesforceError(ErrorCode.NOT_FOUND, message)


def sobject(instance: SandboxInstance, name: str) -> SObject:
    """The visible object named `name` (case-insensitive); NOT_FOUND otherwise."""
    obj = instance.schema.get(name) if _NAME_RE.match(name) else None
    if obj is None:
        raise not_found()
    return obj


def is_record_id(value: str) -> bool:
    return bool(_ID_RE.match(value))


@dataclass(frozen=True)
class Lookup:
    """What a retrieve asked for and the statement that answered it (for the log)."""

    soql: str
    result: Any


def field_list(obj: SObject, fields: list[str] | None) -> str:
    """The SELECT list: the given names (checked as identifiers; the engine checks they exist),
    else every field of the object."""
    if not fields:
        return ", ".join(obj.field_names)
    bad = [f for f in fields if not _NAME_RE.match(f)]
    if bad:
        raise SalesforceError(ErrorCode.INVALID_FIELD,
                              f"No such column '{bad[0]}' on entity '{obj.name}'. If you are "
                              "attempting to use a custom field, be sure to append the '__c' "
                              "after the custom field name. Please reference your WSDL or the "
                              "describe call for the appropriate names.")
    return ", ".join(dict.fromkeys(fields))


def retrieve(instance: SandboxInstance, obj: SObject, record_id: str,
             fields: list[str] | None) -> Lookup:
    """One record by Id (the given fields, else all); NOT_FOUND when there is none."""
    select = field_list(obj, fields)
    if not is_record_id(record_id):
        raise not_found()
    soql = f"SELECT {select} FROM {obj.name} WHERE Id = {soql_string(to_18(record_id))}"
    records = instance.query(soql)["records"]
    if not records:
        raise not_found()
    return Lookup(soql, records[0])


def retrieve_by_field(instance: SandboxInstance, obj: SObject, field_name: str,
                      value: str) -> Lookup:
    """The one record whose `field_name` equals `value`; when several match, the result is
    their URLs (the caller answers 300); NOT_FOUND for none or a field one cannot look up by."""
    field = obj.field(field_name) if _NAME_RE.match(field_name) else None
    if field is None or field.type not in LOOKUP_TYPES:
        raise not_found(f"Provided external ID field does not exist or is not accessible: "
                        f"{field_name}")
    soql = (f"SELECT {', '.join(obj.field_names)} FROM {obj.name} "
            f"WHERE {field.name} = {soql_string(value)}")
    records = instance.query(soql)["records"]
    if not records:
        raise not_found()
    if len(records) > 1:
        return Lookup(soql, [r["attributes"]["url"] for r in records])
    return Lookup(soql, records[0])


def retrieve_many(instance: SandboxInstance, obj: SObject, ids: list[str],
                  fields: list[str] | None) -> Lookup:
    """Records by Id in the order asked, None where there is none (composite retrieve)."""
    select = field_list(obj, fields)
    wanted = {to_18(i) for i in ids if is_record_id(i)}
    if not wanted:
        return Lookup("", [None] * len(ids))
    literals = ", ".join(soql_string(i) for i in sorted(wanted))
    soql = f"SELECT {select} FROM {obj.name} WHERE Id IN ({literals})"
    records = instance.query(soql)["records"]
    by_id = {r["attributes"]["url"].rsplit("/", 1)[-1]: r for r in records}
    return Lookup(soql, [by_id.get(to_18(i)) if is_record_id(i) else None for i in ids])
