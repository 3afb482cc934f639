"""OrgBuilder: the mutable org under construction that the base generator and planters share.

Why a builder: every record goes through one place that checks field names against the schema,
gives it the Id and auto-number its creation time implies (data.org.creation, the rule context
rot follows too), and gives each part of the generator its own named random stream, so adding a
planter (or a new stream) never shifts the randomness of anything else.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from typing import Any

from data.org.creation import AUTO_NUMBERS, ORG_END, ORG_START, Numbering, creation_time
from sandbox_db.database import OrgData
from sandbox_db.schema import OrgSchema, OrgType, load_schema

__all__ = ["ORG_END", "ORG_START", "OrgBuilder", "business_datetime", "clamp", "random_datetime",
           "stable_seed"]


def stable_seed(*parts: object) -> int:
    """A 64-bit seed from `parts` (sha256, never Python's per-process salted hash())."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big")


class OrgBuilder:
    """Records per object, validated against the org's schema, with Ids from creation times."""

    def __init__(self, org: OrgType, seed: int) -> None:
        self.org: OrgType = org
        self.seed = seed
        self.schema: OrgSchema = load_schema(org)
        self._records: dict[str, list[dict[str, Any]]] = {o.name: [] for o in self.schema.objects}
        self._by_id: dict[str, dict[str, dict[str, Any]]] = {
            o.name: {} for o in self.schema.objects}
        self._fields = {o.name: frozenset(o.field_names) for o in self.schema.objects}
        self._rngs: dict[str, random.Random] = {}
        self._numbering = Numbering()

    def rng(self, name: str) -> random.Random:
        """The random stream called `name` (the same object on every call, so it continues)."""
        stream = self._rngs.get(name)
        if stream is None:
            stream = self._rngs[name] = random.Random(stable_seed(self.seed, self.org, name))
        return stream

    def _object(self, object_name: str) -> str:
        if object_name not in self._records:
            raise ValueError(f"unknown object {object_name!r} in the {self.org} schema")
        return object_name

    def add(self, object_name: str, **fields: Any) -> str:
        """Add one record (missing fields are NULL); returns its Id."""
        allowed = self._fields[self._object(object_name)]
        unknown = fields.keys() - allowed
        if unknown:
            raise ValueError(f"{object_name}: unknown fields {sorted(unknown)}")
        record_id = fields.get("Id")
        if record_id is None:
            obj = self.schema.get(object_name)
            assert obj is not None
            created = creation_time(object_name, fields, self.rng(f"created:{object_name}"))
            record_id = self._numbering.assign(object_name, obj.key_prefix, fields, created)
        elif record_id in self._by_id[object_name]:
            raise ValueError(f"{object_name}: duplicate Id {record_id}")
        else:
            self._numbering.claim(object_name, "Id", record_id)
        auto = AUTO_NUMBERS.get(object_name)
        if auto is not None and fields.get(auto.field) is not None:
            self._numbering.claim(object_name, auto.field, fields[auto.field])
        self._records[object_name].append(fields)
        self._by_id[object_name][record_id] = fields
        return record_id

    def auto_number(self, object_name: str, created: dt.datetime) -> str:
        """A free auto-number of `object_name` for a record created at `created` (for a record
        whose number comes from another moment than its Id: an article's first version)."""
        return self._numbering.auto_number(self._object(object_name), created)

    def records(self, object_name: str) -> list[dict[str, Any]]:
        """The live list of records of `object_name` (planters may edit records in place)."""
        return self._records[self._object(object_name)]

    def get(self, object_name: str, record_id: str) -> dict[str, Any]:
        """The record with Id `record_id` (KeyError if absent)."""
        record = self._by_id[self._object(object_name)].get(record_id)
        if record is None or record.get("Id") != record_id:  # list edited directly: rescan
            record = next((r for r in self._records[object_name] if r.get("Id") == record_id), None)
            if record is None:
                raise KeyError(f"{object_name} {record_id}")
            self._by_id[object_name][record_id] = record
        return record

    def remove(self, object_name: str, record_id: str) -> None:
        """Delete one record (for planters that replace base records); KeyError if absent."""
        record = self.get(object_name, record_id)
        records = self._records[object_name]
        del records[next(i for i, r in enumerate(records) if r is record)]
        del self._by_id[object_name][record_id]

    def data(self) -> OrgData:
        """All records, keyed by object API name (the builder's live lists)."""
        return self._records


def random_datetime(rng: random.Random, start: dt.datetime, end: dt.datetime) -> dt.datetime:
    """A uniform datetime in [start, end], whole seconds."""
    if end <= start:
        return start.replace(microsecond=0)
    span = int((end - start).total_seconds())
    return (start + dt.timedelta(seconds=int(rng.random() * (span + 1)))).replace(microsecond=0)


def business_datetime(rng: random.Random, start: dt.datetime, end: dt.datetime) -> dt.datetime:
    """Like random_datetime, but on a weekday between 13:00 and 23:59 UTC (US office hours)."""
    for _ in range(20):
        t = random_datetime(rng, start, end)
        if t.weekday() < 5:
            break
    seconds = int(rng.random() * 11 * 3600)  # 13:00:00 .. 23:59:59
    t = t.replace(hour=13 + seconds // 3600, minute=seconds // 60 % 60, second=seconds % 60)
    return min(max(t, start.replace(microsecond=0)), end.replace(microsecond=0))


def clamp(t: dt.datetime) -> dt.datetime:
    """Keep a datetime inside the org's history."""
    return min(max(t, ORG_START), ORG_END)
