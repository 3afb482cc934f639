"""Creation order: when each record was created, and the Id and record number that follow.

In a real org a record's Id and its auto-number (CaseNumber, "VCT-00123") grow with the moment
it was created. Both the generator and context rot (entropy.rot) derive them from the creation
time with the functions here, so a distractor row sits in its object's sequence exactly where a
base record created at that moment would: interleaved with the base rows at the same density,
in date order. A base-only org is then just the same process with fewer records, and no Id or
number tells a distractor apart.

- Creation time (`creation_time`): the field that shows it (CreatedDate, MessageDate, ...); a
  date field plus a time of day no field shows (Task.ActivityDate, Order.EffectiveDate,
  Contract.CompanySignedDate); a moment after the parent's creation (line items, price book
  entries, category links); or a moment in the set-up year before the org's history (users,
  products, territories: nothing shows when they were made).
- Id number: seconds since ID_EPOCH plus an offset per key prefix, so an object's Ids increase
  with creation time like a busy pod's counter, and a parent's creation time is read back from
  its Id (`created_from_id`).
- Auto-number: minutes since ID_EPOCH plus an offset per object, formatted as the object's
  numbers are ("CH-2512345").
Two records of an object in the same second (minute) take the next free Id (number).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from sandbox_db.ids import make_id, record_number

#: The org's history (every generated business date falls inside it; naive UTC).
ORG_START = dt.datetime(2020, 1, 1)
ORG_END = dt.datetime(2024, 12, 31, 23, 59, 59)
#: The year before the history, when users, products and territories were set up.
SETUP_START = dt.datetime(2019, 1, 7)
#: Id numbers and auto-numbers count from here.
ID_EPOCH = dt.datetime(2016, 1, 1)
#: Largest per-key-prefix offset of Id numbers (keeps Ids at five significant base-62 digits).
_ID_OFFSET_RANGE = 62**4 * 8
#: A child record is created this many seconds (at most) after its parent.
CHILD_DELAY_S = (1, 300)
#: The time of day of records whose creation only shows as a date: US office hours in UTC.
OFFICE_HOURS_UTC = (13, 24)


@dataclass(frozen=True)
class Anchor:
    """Where a record's creation time comes from.

    kind: "field" (a datetime field shows it), "day" (a date field; the time of day is drawn),
    "parent" (the record `field` references, plus a moment), "setup" (drawn in the set-up year).
    """

    kind: str
    field: str | None = None


ANCHORS: dict[str, Anchor] = {
    **{obj: Anchor("field", "CreatedDate") for obj in (
        "Account", "Contact", "Lead", "Opportunity", "Quote", "Case", "CaseHistory__c",
        "VoiceCallTranscript__c")},
    "EmailMessage": Anchor("field", "MessageDate"),
    "LiveChatTranscript": Anchor("field", "StartTime"),
    "Event": Anchor("field", "StartDateTime"),
    "Knowledge__kav": Anchor("field", "LastPublishedDate"),
    "Task": Anchor("day", "ActivityDate"),
    "Order": Anchor("day", "EffectiveDate"),
    "Contract": Anchor("day", "CompanySignedDate"),
    "OpportunityLineItem": Anchor("parent", "OpportunityId"),
    "QuoteLineItem": Anchor("parent", "QuoteId"),
    "OrderItem": Anchor("parent", "OrderId"),
    "PricebookEntry": Anchor("parent", "Product2Id"),
    "ProductCategoryProduct": Anchor("parent", "ProductId"),
    "Knowledge__DataCategorySelection": Anchor("parent", "ParentId"),
    "ObjectTerritory2Association": Anchor("parent", "ObjectId"),
    "AccountTeamMember": Anchor("parent", "AccountId"),
    "UserTerritory2Association": Anchor("parent", "UserId"),
}
SETUP = Anchor("setup")


@dataclass(frozen=True)
class AutoNumber:
    """An object's auto-number field and how its values are written."""

    field: str
    template: str
    offset: int = 0

    def format(self, number: int) -> str:
        return self.template.format(number)

    def parse(self, value: Any) -> int | None:
        prefix = self.template.split("{", 1)[0]
        text = str(value or "")
        digits = text[len(prefix):] if text.startswith(prefix) else ""
        return int(digits) if digits.isdigit() else None


AUTO_NUMBERS: dict[str, AutoNumber] = {
    "Case": AutoNumber("CaseNumber", "{:08d}"),
    "CaseHistory__c": AutoNumber("Name", "CH-{:07d}", 180_000),
    "VoiceCallTranscript__c": AutoNumber("Name", "VCT-{:07d}", 60_000),
    "Order": AutoNumber("OrderNumber", "{:08d}", 1_200_000),
    "OrderItem": AutoNumber("OrderItemNumber", "{:010d}", 2_400_000),
    "Contract": AutoNumber("ContractNumber", "{:08d}", 600_000),
    "Knowledge__kav": AutoNumber("ArticleNumber", "{:09d}", 300_000),
    "LiveChatTranscript": AutoNumber("Name", "{:08d}", 1_800_000),
}


def anchor_of(obj: str) -> Anchor:
    return ANCHORS.get(obj, SETUP)


def _as_datetime(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    return None


def random_moment(rng: random.Random, start: dt.datetime, end: dt.datetime) -> dt.datetime:
    """A uniform moment in [start, end), whole seconds."""
    span = max(1, int((end - start).total_seconds()))
    return start + dt.timedelta(seconds=int(rng.random() * span))


def creation_time(obj: str, row: Mapping[str, Any], rng: random.Random) -> dt.datetime:
    """When `row` of `obj` was created; the parts no field shows are drawn from `rng`."""
    anchor = anchor_of(obj)
    value = _as_datetime(row.get(anchor.field)) if anchor.field else None
    if anchor.kind == "field" and value is not None:
        return value
    if anchor.kind == "day" and value is not None:
        lo, hi = OFFICE_HOURS_UTC
        return value + dt.timedelta(seconds=lo * 3600 + int(rng.random() * (hi - lo) * 3600))
    if anchor.kind == "parent" and isinstance(row.get(anchor.field or ""), str):
        return created_from_id(row[anchor.field or ""]) + \
            dt.timedelta(seconds=rng.randint(*CHILD_DELAY_S))
    return random_moment(rng, SETUP_START, ORG_START)


def revisions(rng: random.Random, published: dt.datetime,
              versions: tuple[int, ...] = (1, 2, 3),
              weights: tuple[int, ...] = (5, 3, 2)) -> tuple[int, dt.datetime]:
    """An article's version number and when its first version was written, for a latest
    version published at `published`: revised every 30-300 days before. (Stale versions in
    context rot are the earlier ones: an article needs some to have them.)"""
    version = rng.choices(versions, weights=weights)[0]
    first = published - sum((dt.timedelta(days=rng.randint(30, 300), hours=rng.randint(0, 9))
                             for _ in range(version - 1)), dt.timedelta())
    return version, first


@cache
def _id_offset(key_prefix: str) -> int:
    return int.from_bytes(hashlib.sha256(key_prefix.encode()).digest()[:8], "big") \
        % _ID_OFFSET_RANGE


def id_number_at(key_prefix: str, created: dt.datetime) -> int:
    """The Id number of a record of `key_prefix` created at `created` (before collisions; at
    least 1, for an org made some other way whose Ids encode no time)."""
    return max(1, _id_offset(key_prefix) + int((created - ID_EPOCH).total_seconds()))


def created_from_id(record_id: str) -> dt.datetime:
    """The creation time an Id encodes (to the second; later by the seconds a collision took)."""
    seconds = record_number(record_id) - _id_offset(record_id[:3])
    return ID_EPOCH + dt.timedelta(seconds=seconds)


def auto_number_at(obj: str, created: dt.datetime) -> int:
    """The auto-number of a record of `obj` created at `created` (before collisions)."""
    return max(1, AUTO_NUMBERS[obj].offset + int((created - ID_EPOCH).total_seconds() // 60))


def time_of_auto_number(obj: str, value: Any) -> dt.datetime | None:
    """The minute an auto-number of `obj` says its record (for an article: its first version)
    was created; None when `value` is not one."""
    auto = AUTO_NUMBERS.get(obj)
    number = auto.parse(value) if auto is not None else None
    if auto is None or number is None:
        return None
    return ID_EPOCH + dt.timedelta(minutes=number - auto.offset)


class Numbering:
    """Hands out the Ids and auto-numbers of one org from creation times, each at most once.

    `taken(object, field, value)` says whether a value already exists outside this numbering
    (context rot: in the base org); values handed out here are remembered.
    """

    def __init__(self, taken: Callable[[str, str, Any], bool] | None = None) -> None:
        self._taken = taken
        self._used: dict[tuple[str, str], set[Any]] = {}

    def _free(self, obj: str, field: str, value: Any) -> bool:
        return value not in self._used.get((obj, field), ()) and \
            not (self._taken is not None and self._taken(obj, field, value))

    def claim(self, obj: str, field: str, value: Any) -> None:
        self._used.setdefault((obj, field), set()).add(value)

    def assign(self, obj: str, key_prefix: str, row: dict[str, Any],
               created: dt.datetime, nearest: bool = False) -> str:
        """Set row["Id"] and, unless the row has one, its auto-number (`nearest`: see
        auto_number); returns the Id."""
        number = id_number_at(key_prefix, created)
        while not self._free(obj, "Id", record_id := make_id(key_prefix, number)):
            number += 1
        self.claim(obj, "Id", record_id)
        row["Id"] = record_id
        auto = AUTO_NUMBERS.get(obj)
        if auto is not None and row.get(auto.field) is None:
            row[auto.field] = self.auto_number(obj, created, nearest)
        return record_id

    def _nearest_free(self, obj: str, created: dt.datetime) -> int:
        """The free auto-number closest to that of a record created at `created` (the next
        one on a tie)."""
        auto = AUTO_NUMBERS[obj]
        ideal = auto_number_at(obj, created)
        for step in range(1_000_000):
            for number in (ideal + step, ideal - step):
                if number >= 1 and self._free(obj, auto.field, auto.format(number)):
                    return number
        raise ValueError(f"no free auto-number of {obj} near {ideal}")

    def number_shift(self, obj: str, created: dt.datetime) -> int:
        """How far from its time's auto-number a record of `obj` created at `created` and
        numbered by `auto_number(..., nearest=True)` would be (0: none, or free)."""
        if obj not in AUTO_NUMBERS:
            return 0
        return abs(self._nearest_free(obj, created) - auto_number_at(obj, created))

    def auto_number(self, obj: str, created: dt.datetime, nearest: bool = False) -> str:
        """The auto-number of a record of `obj` created at `created` (claimed): on a collision
        the next free one, as a sequence hands them out; `nearest`: the closest free one either
        way (a record added among records already numbered, as context rot adds them)."""
        auto = AUTO_NUMBERS[obj]
        number = auto_number_at(obj, created)
        if nearest:
            number = self._nearest_free(obj, created)
        while not self._free(obj, auto.field, value := auto.format(number)):
            number += 1
        self.claim(obj, auto.field, value)
        return value
