"""OrgBuilder: the mutable org under construction that the base generator and planters share.

Why a builder: every record goes through one place that checks field names against the schema,
hands out realistic unique Ids, and gives each part of the generator its own named random stream,
so adding a planter (or a new stream) never shifts the randomness of anything else.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from typing import Any

from sandbox_db.database import OrgData
from sandbox_db.ids import make_id
from sandbox_db.schema import OrgSchema, OrgType, load_schema

#: The span of the org's history; every generated date falls inside it (naive UTC).
ORG_START = dt.datetime(2020, 1, 1)
ORG_END = dt.datetime(2024, 12, 31, 23, 59, 59)

#: Per-object Id numbers start in this range, like a real org's ("500Wt00000DDzSnIAL").
_ID_START_RANGE = (3 * 62**4, 62**5 - 100_000)
_ID_MAX_GAP = 37


def stable_seed(*parts: object) -> int:
    """A 64-bit seed from `parts` (sha256, never Python's per-process salted hash())."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big")


class OrgBuilder:
    """Records per object, validated against the org's schema, with deterministic Ids."""

    def __init__(self, org: OrgType, seed: int) -> None:
        self.org: OrgType = org
        self.seed = seed
        self.schema: OrgSchema = load_schema(org)
        self._records: dict[str, list[dict[str, Any]]] = {o.name: [] for o in self.schema.objects}
        self._by_id: dict[str, dict[str, dict[str, Any]]] = {
            o.name: {} for o in self.schema.objects}
        self._fields = {o.name: frozenset(o.field_names) for o in self.schema.objects}
        self._rngs: dict[str, random.Random] = {}
        self._next_number: dict[str, int] = {}

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

    def new_id(self, object_name: str) -> str:
        """A fresh, valid 18-char Id with the object's key prefix (increasing, small gaps)."""
        obj = self.schema.get(self._object(object_name))
        assert obj is not None
        stream = self.rng(f"ids:{object_name}")
        number = self._next_number.get(object_name)
        if number is None:
            number = stream.randint(*_ID_START_RANGE)
        self._next_number[object_name] = number + 1 + int(stream.random() * _ID_MAX_GAP)
        return make_id(obj.key_prefix, number)

    def add(self, object_name: str, **fields: Any) -> str:
        """Add one record (missing fields are NULL); returns its Id."""
        allowed = self._fields[self._object(object_name)]
        unknown = fields.keys() - allowed
        if unknown:
            raise ValueError(f"{object_name}: unknown fields {sorted(unknown)}")
        record_id = fields.get("Id") or self.new_id(object_name)
        if record_id in self._by_id[object_name]:
            raise ValueError(f"{object_name}: duplicate Id {record_id}")
        fields["Id"] = record_id
        self._records[object_name].append(fields)
        self._by_id[object_name][record_id] = fields
        return record_id

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
