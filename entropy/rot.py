"""Context rot: real distractor rows that look like the records a task is about.

For each of a task's rot targets (a record in play, optionally the date window the task filters
on), `plan_rot_groups` makes 1-2 (low), 3-4 (medium) or 5-6 (high) *groups* of rows:
near-namesake accounts and products, duplicate-looking people, clones just outside the date window
or owned by look-alike users, stale knowledge article versions, transcripts about other leads.
A group is the unit that stands or falls together (a look-alike user and the case it owns), so
dropping a group to protect a gold answer never leaves a dangling reference.

Every row is keyed by base names and references only existing base rows or rows of its own
group. Nothing but the task's meaning tells a distractor from a base record
(tests/validity/test_rot_indistinguishable.py): its dates move by whole weeks (weekdays, times of
day and the gaps between its own dates keep the base org's shape) and stay inside its object's
history; its Id and auto-number are those of a base record created at its new time
(data.org.creation), so it sits in the Id sequence among the base rows at their density; decoy
owners and issues come from the values base records of the object have; clones of a family's
records (a product's cases) keep the family's shape in time and its middle record (FAMILIES).
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import random
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from data.org.creation import (
    AUTO_NUMBERS,
    Numbering,
    anchor_of,
    created_from_id,
    creation_time,
    random_moment,
    time_of_auto_number,
)
from data.org.people import user_login
from data.org.text import url_name
from data.tasks.model import RotTarget
from entropy.levels import ROT_COUNTS, RotLevel, check_level, seeded_rng
from entropy.sources import RecordSource, record_source
from entropy.variants import SPARE_WORDS, email_like, mutate_digits, namesakes, perturb_numbers
from sandbox_db.database import OrgData, OrgDatabase
from sandbox_db.ids import is_valid_id, record_number
from sandbox_db.schema import FieldType, OrgSchema, SObject

Row = dict[str, Any]

#: Fields (besides Ids and auto-numbers) whose values identify a record: fresh in a clone.
UNIQUE_FIELDS: dict[str, tuple[str, ...]] = {
    "User": ("Username",), "Product2": ("ProductCode", "External_ID__c"),
}

#: (child object, its reference to the parent, the child's own children to clone with it).
ChildSpec = tuple[tuple[str, str, "ChildSpec"], ...]

#: Children cloned with a clone of the same record (moved out of a window, look-alike owner).
CHILDREN: dict[str, ChildSpec] = {
    "Case": (("CaseHistory__c", "CaseId__c", ()),),
    "Opportunity": (("OpportunityLineItem", "OpportunityId", ()),
                    ("VoiceCallTranscript__c", "OpportunityId__c", ())),
    "Order": (("OrderItem", "OrderId", ()),),
}

#: Records attached to a near-namesake or duplicate (a few per group), so that a lookup that
#: matches names instead of Ids reaches different data through it.
NAMESAKE_CHILDREN: dict[str, ChildSpec] = {
    "Issue__c": (("Case", "IssueId__c", (("CaseHistory__c", "CaseId__c", ()),)),),
    "Product2": (("OrderItem", "Product2Id", (("Case", "OrderItemId__c", ()),)),
                 ("OpportunityLineItem", "Product2Id", ())),
    "Account": (("Case", "AccountId", ()), ("Opportunity", "AccountId", ())),
    "Territory2": (("UserTerritory2Association", "Territory2Id", ()),),
    "Lead": (("VoiceCallTranscript__c", "LeadId__c", ()),),
    "Contact": (("Case", "ContactId", ()),),
}
NAMESAKE_CHILD_LIMIT = 3

#: A clone moves to a moment among the base records up to this many records before or after
#: its original (or beyond the edge of the task's window): spread out, so that the stretch
#: around a task's records does not fill up with distractors (a denser stretch of Ids would give
#: them away), yet near (a clone far from its original would stand out where the original is
#: among the newest or oldest records).
SPREAD = 20
#: Draws of a distractor's creation moment (where one is drawn, as a child's delay after its
#: parent): the one whose free auto-number lies nearest its time's is taken.
CREATION_DRAWS = 4
#: A namesake of a record made in the set-up year (no field shows when) is made among the base
#: records up to this many Ids either side of its original's.
SETUP_NEIGHBOURS = 3
#: Beyond a task's window, the distractors of all its targets in one object share the stretch
#: past each edge: it spans at least this many base records per distractor planned there, so
#: that they add about a fifth to its density (a denser stretch of Ids gives them away).
WINDOW_SPREAD_PER_CLONE = 5
#: A windowed record's family: the records a question about one of the task's targets counts
#: together (a product's cases, through their order items): windowed object -> (its reference,
#: the referenced object, that object's reference to the target the family shares). Clones of
#: a family's records go where the family's own base records lie outside the window, not just
#: past its edges: a product's few cases (a dozen or two) with ten clones crowding the window's
#: edges made the window the middle of the product's history, and the issue of the product's
#: median case the window's answer.
FAMILIES: dict[str, tuple[str, str, str]] = {"Case": ("OrderItemId__c", "OrderItem",
                                                       "Product2Id")}

PERSON_OBJECTS = ("Contact", "Lead")
#: An object with fewer names than this (the territories) has a small catalogue: its
#: look-alikes are as long as the original's name where the swaps allow.
SMALL_CATALOGUE = 12


@dataclass
class RotGroup:
    """Distractor rows that only make sense together (base object name -> rows)."""

    target: int
    kind: str
    rows: dict[str, list[Row]] = field(default_factory=dict)
    #: Planned beyond the level's count: used only to replace groups that verification drops.
    spare: bool = False
    #: Id of each row -> Id of the base record it imitates (what an audit compares it with).
    sources: dict[str, str] = field(default_factory=dict)

    def add(self, obj: str, row: Row, source: str) -> Row:
        self.rows.setdefault(obj, []).append(row)
        self.sources[row["Id"]] = source
        return row

    def row_count(self) -> int:
        return sum(len(v) for v in self.rows.values())


def _hand_over(row: Row, people: Mapping[str, str], keep: Sequence[str]) -> None:
    """Every field of `row` but `keep` that names one of `people` names their replacement."""
    for k, v in row.items():
        if k not in keep and isinstance(v, str) and v in people:
            row[k] = people[v]


def merge_groups(groups: Sequence[RotGroup]) -> dict[str, list[Row]]:
    """The rows of all groups per base object, in group order (open_view's extra_rows)."""
    out: dict[str, list[Row]] = {}
    for g in groups:
        for obj, rows in g.rows.items():
            out.setdefault(obj, []).extend(rows)
    return out


class _Planner:
    def __init__(self, source: RecordSource, schema: OrgSchema, level: str, seed: int) -> None:
        self.source = source
        self.schema = schema
        self.level = level
        self.seed = seed
        # Ids and auto-numbers follow creation time exactly as the generator's do
        self.numbering = Numbering(lambda obj, fld, value: bool(source.existing(obj, fld, [value])))
        self._used: dict[tuple[str, str], set[Any]] = {}
        self._decoys: dict[tuple[str, str], list[str]] = {}
        #: record Id -> week shifts its clones took (two clones of a record never share a
        #: moment, which would put their Ids side by side)
        self._shifts: dict[str, set[int]] = {}
        self._first_names: dict[str, str] | None = None
        #: article version Id -> the earlier versions made of it: version number -> published
        self._versions: dict[str, dict[int, dt.datetime]] = {}
        #: object -> its base records' Id numbers and Ids in Id order (objects made in the
        #: set-up year)
        self._setup_ids: dict[str, tuple[list[int], list[str]]] = {}
        #: target -> the names of its record and of the namesakes made for it so far
        self._family: dict[str, list[str]] = {}
        self._target_key = ""
        #: Issues of the task's target cases: never a decoy, so that distractors never add
        #: cases about an issue in play (which could make "the most frequent issue over all
        #: time" the window's answer).
        self.issues_in_play: set[str] = set()
        #: Object -> how many of the task's targets in it have a date window.
        self.windowed: Counter[str] = Counter()
        #: Ids of the task's targets (a family needs its shared record among them).
        self.target_ids: set[str] = set()
        #: Family (its shared record's Id) -> clones placed before and after its median record.
        self._family_sides: dict[str, list[int]] = {}
        #: Whether the group being planned is a spare.
        self._spare = False

    # --- fresh values ------------------------------------------------------------------------
    def fresh(self, obj: str, fld: str, candidates: Sequence[Any]) -> Any:
        """The first candidate not already a value of obj.fld in the base org or in rot."""
        used = self._used.setdefault((obj, fld), set())
        existing = self.source.existing(obj, fld, [c for c in candidates if c not in used])
        for c in candidates:
            if c not in used and c not in existing:
                used.add(c)
                return c
        return None

    def fresh_code(self, obj: str, fld: str, value: Any, rng: random.Random) -> Any:
        if not isinstance(value, str) or not value:
            return value
        keep = 1 if sum(c.isdigit() for c in value) > 4 else 0
        return self.fresh(obj, fld, [mutate_digits(value, rng, keep) for _ in range(12)]) or \
            f"{value}-{rng.randrange(100, 999)}"

    def identify(self, obj: SObject, row: Row, rng: random.Random, *,
                 keep_number: bool = False, created: dt.datetime | None = None) -> Row:
        """Make `row` (a copy whose dates and parent references are final) a new record: the
        Id and auto-number of a record created when its dates say (data.org.creation, as in
        the generator), fresh unique codes. `keep_number`: keep the auto-number (another
        version of the same article)."""
        auto = AUTO_NUMBERS.get(obj.name)
        if auto is not None and not keep_number:
            row[auto.field] = None
        if created is None:
            # where the moment is drawn (a child's delay after its parent, a time of day): one
            # whose auto-number is free or nearly, as a base record's is; a copy among its
            # original's siblings would otherwise be numbered past them all
            draws = [creation_time(obj.name, row, rng) for _ in range(CREATION_DRAWS)]
            created = draws[0] if keep_number else \
                min(draws, key=lambda c: self.numbering.number_shift(obj.name, c))
        self.numbering.assign(obj.name, obj.key_prefix, row, created, nearest=True)
        for fld in UNIQUE_FIELDS.get(obj.name, ()):
            if fld in row:
                row[fld] = self.fresh_code(obj.name, fld, row[fld], rng)
        return row

    def beside(self, obj: SObject, row: Row, rng: random.Random) -> dt.datetime | None:
        """For a record made in the set-up year (no field shows when): a moment among the base
        records up to SETUP_NEIGHBOURS Ids either side of `row`'s, so that a look-alike's Id
        lies where its original's could, not anywhere in the catalogue (a classifier would
        otherwise learn where the originals of one sample of tasks happen to lie). None: the
        object has a creation field or parent, which places its records already."""
        if anchor_of(obj.name).kind != "setup":
            return None
        if obj.name not in self._setup_ids:
            ids = sorted(self.source.values(obj.name, "Id"), key=record_number)
            self._setup_ids[obj.name] = ([record_number(i) for i in ids], ids)
        numbers, ids = self._setup_ids[obj.name]
        if not ids:
            return None
        at = bisect.bisect_left(numbers, record_number(row["Id"]))
        here = created_from_id(row["Id"])
        lo = created_from_id(ids[at - SETUP_NEIGHBOURS]) if at >= SETUP_NEIGHBOURS else None
        hi = created_from_id(ids[at + SETUP_NEIGHBOURS]) \
            if at + SETUP_NEIGHBOURS < len(ids) else None
        # as far either way: an original among the first or last records has look-alikes
        # before and after it too, not only on the side where there are records
        if lo is not None and hi is not None:
            return random_moment(rng, lo, hi)
        if lo is not None:
            return random_moment(rng, lo, here + (here - lo))
        if hi is not None:
            return random_moment(rng, here - (hi - here), hi)
        return None

    # --- dates: whole weeks, inside the object's history ---------------------------------------
    def _shifted(self, value: Any, delta: dt.timedelta) -> Any:
        if isinstance(value, dt.datetime):
            return value + delta
        if isinstance(value, dt.date):
            return value + dt.timedelta(days=delta.days)
        return value

    def weeks(self, obj: SObject, row: Row, candidates: Sequence[int],
              target: RotTarget | None = None,
              not_before: dt.datetime | None = None) -> dt.timedelta | None:
        """The first of `candidates` (whole weeks, so weekdays and times of day keep the base
        org's shape) that no other clone of the row took, keeps the row's creation date inside
        its object's base history (which runs past a task's "today", as the base rows do) and
        the target's window date (if any) outside the window; `not_before`: the earliest
        creation date it may take."""
        taken = self._shifts.setdefault(row["Id"], set())
        anchor = anchor_of(obj.name)
        field_name = anchor.field if anchor.kind in ("field", "day") else None
        lo, hi = self.source.bounds(obj.name, field_name) if field_name else (None, None)
        created = row.get(field_name) if field_name else None
        for k in candidates:
            if k == 0 or k in taken:
                continue
            delta = dt.timedelta(weeks=k)
            if created is not None and lo is not None:
                moved = self._shifted(created, delta)
                if moved < lo or moved > hi or \
                        (not_before is not None and self._as_datetime(moved) < not_before):
                    continue
            if target is not None and target.date_field and row.get(target.date_field):
                moved = self._shifted(row[target.date_field], delta)
                if self._inside_window(target, moved):
                    continue
            taken.add(k)
            return delta
        return None

    @staticmethod
    def _as_datetime(value: Any) -> dt.datetime:
        return value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())

    def _inside_window(self, target: RotTarget, value: Any) -> bool:
        """Inside the window, or within a day of it (a DATE must be another calendar day)."""
        moment = self._as_datetime(value)
        margin = dt.timedelta(days=1)
        after_start = target.window_start is None or moment >= target.window_start - margin
        before_end = target.window_end is None or moment <= target.window_end + margin
        return after_start and before_end

    def _created_field(self, obj: SObject) -> str | None:
        """The field that shows when a record of `obj` was created, if one does."""
        anchor = anchor_of(obj.name)
        return anchor.field if anchor.kind in ("field", "day") else None

    def _weeks_into(self, value: Any, start: Any, end: Any, side: int, n: int,
                    rng: random.Random) -> list[int]:
        """`n` week shifts that move `value` to a moment drawn uniformly between `start` and
        `end` (a random moment, not a record's: a clone that sat next to a base record would
        have shorter Id gaps than records do), at least a week towards `side` (+1 later, -1
        earlier; 0: either way)."""
        start, end = sorted((self._as_datetime(start), self._as_datetime(end)))
        here = self._as_datetime(value)
        out = []
        for _ in range(n):
            weeks = (random_moment(rng, start, end) - here) / dt.timedelta(weeks=1)
            towards = side or (1 if weeks >= 0 else -1)
            out.append(max(1, math.ceil(weeks)) if towards > 0 else min(-1, math.floor(weeks)))
        return out

    def nearby_weeks(self, obj: SObject, row: Row, rng: random.Random) -> list[int]:
        """Week shifts that move the row to a moment among the base records up to SPREAD
        records before or after it: further in a sparse object, less far in a dense one, so
        that clones neither crowd one stretch of the Id sequence nor wander off to where their
        original could not be (among the newest records, say); where those records lie within
        a few days (many planted on the same day), among twice and four times as many. Without
        a creation date: a few weeks either way."""
        field_name = self._created_field(obj)
        value = row.get(field_name) if field_name else None
        if value is None:
            return [rng.choice((-1, 1)) * rng.randint(1, 5) for _ in range(12)]
        values = self.source.values(obj.name, field_name)  # type: ignore[arg-type]
        at = bisect.bisect_left(values, value)
        return [k for spread in (SPREAD, 2 * SPREAD, 4 * SPREAD)
                for k in self._weeks_into(value, values[max(0, at - spread)],
                                          values[min(len(values) - 1, at + spread)], 0, 12, rng)]

    def version_weeks(self, obj: SObject, published: dt.datetime | None,
                      first: dt.datetime | None, older: int, versions: int,
                      rng: random.Random) -> list[int]:
        """Week shifts that move the latest version (`published` then) back to when its version
        `older` (of `versions` earlier ones) was published: among the base records published
        between the first version and a week before the latest, in the `older`-th of as many
        equal shares of them, as densely as they lie there (a base record drawn at random, then
        a moment among its neighbours), not uniformly over the span: archived versions in the
        sparse early years would sit farther from their Id neighbours than any record does."""
        field_name = self._created_field(obj)
        if field_name is None or published is None or first is None:
            return []
        values = self.source.values(obj.name, field_name)
        lo = bisect.bisect_left(values, first)
        hi = bisect.bisect_left(values, published - dt.timedelta(weeks=1))
        share = (hi - lo) / versions
        start, end = lo + int((older - 1) * share), lo + int(older * share)
        if end - start < 1:
            return []
        out = []
        for _ in range(6):
            at = rng.randrange(start, end)
            out += self._weeks_into(published, values[max(lo, at - 2)],
                                    values[min(hi - 1, at + 2)], -1, 1, rng)
        return out

    def window_spread(self, obj: SObject) -> int:
        """Base records past a window's edge that its distractors in `obj` spread over."""
        clones = self.windowed[obj.name] * ROT_COUNTS[self.level][1] / 2  # per side
        return max(SPREAD, math.ceil(WINDOW_SPREAD_PER_CLONE * clones))

    def window_weeks(self, obj: SObject, target: RotTarget, row: Row,
                     rng: random.Random) -> list[int] | None:
        """Week shifts that move target.date_field outside the task's window: beside the
        family's own records first (`family_weeks`), then to a moment among the base records
        up to `window_spread` records beyond either edge (sides in random order: the stretch
        around a window should not fill up with distractors). None: no window."""
        if not target.date_field or (target.window_start is None and target.window_end is None):
            return None
        value = row.get(target.date_field)
        if value is None:
            return None
        values = [self._as_datetime(v)
                  for v in self.source.values(obj.name, target.date_field)]
        margin = dt.timedelta(days=1)
        kin = self.family_weeks(obj, target, row, values, rng)
        sides: list[list[int]] = []
        if target.window_start is not None and values:
            edge = target.window_start - margin
            far = values[max(0, bisect.bisect_left(values, edge) - self.window_spread(obj))]
            sides.append(self._weeks_into(value, min(far, edge - margin * 7), edge, -1, 8, rng))
        if target.window_end is not None and values:
            edge = target.window_end + margin
            far = values[min(len(values) - 1,
                             bisect.bisect_right(values, edge) + self.window_spread(obj) - 1)]
            sides.append(self._weeks_into(value, edge, max(far, edge + margin * 7), 1, 8, rng))
        rng.shuffle(sides)
        return kin + [k for side in sides for k in side]

    def family(self, obj: SObject, row: Row) -> tuple[str, list[Row]] | None:
        """(the Id of the record they share, the base records of `row`'s family: FAMILIES)
        when that record is one of the task's targets, else None."""
        spec = FAMILIES.get(obj.name)
        if spec is None or not row.get(spec[0]):
            return None
        ref, via, shared = spec
        link = self.source.get(via, row[ref])
        if link is None or link.get(shared) not in self.target_ids:
            return None
        links = self.source.find(via, shared, link[shared], limit=1000)
        return link[shared], [r for lk in links
                              for r in self.source.find(obj.name, ref, lk["Id"], limit=1000)]

    def family_weeks(self, obj: SObject, target: RotTarget, row: Row,
                     values: Sequence[dt.datetime], rng: random.Random) -> list[int]:
        """Week shifts that put a clone of a family's record beside one of the family's base
        records outside the window (drawn at random; a moment among the object's records up to
        SPREAD either side of it, on its side of the window), before and after the family's
        median record in turn: the family keeps its shape in time and its middle record, which
        is what a solver who takes a family's densest run for the answer reads. Empty: no
        family, or none of it on the chosen side outside the window."""
        field_name = target.date_field
        value = row.get(field_name) if field_name else None
        if not field_name or value is None or not values:
            return []
        found = self.family(obj, row)
        if found is None:
            return []
        key, kin = found
        dates = sorted(self._as_datetime(d) for r in kin if (d := r.get(field_name)) is not None)
        if not dates:
            return []
        median = dates[len(dates) // 2]  # the upper one, as data.tasks.heuristics.burst takes
        # the middle record stays the middle one: as many clones before it as after, the
        # extra one of an odd count after it when the family's count is even, else before
        sides = self._family_sides.setdefault(key, [0, 0])
        later = sides[1] < sides[0] or (sides[0] == sides[1] and len(dates) % 2 == 0)
        margin, away = dt.timedelta(days=1), dt.timedelta(days=3)
        pool = [d for d in dates if not self._inside_window(target, d)
                and (d > median + away if later else d < median - away)]
        out: list[int] = []
        for _ in range(8 if pool else 0):
            anchor = rng.choice(pool)
            at = bisect.bisect_left(values, anchor)
            lo, hi = values[max(0, at - SPREAD)], values[min(len(values) - 1, at + SPREAD)]
            if later:  # a few days from the middle record, not beside it
                lo = max(lo, median + away)
            else:
                hi = min(hi, median - away)
            # on the anchor's side of the window
            if target.window_start is not None and anchor < target.window_start:
                hi = min(hi, target.window_start - 2 * margin)
            elif target.window_end is not None:
                lo = max(lo, target.window_end + 2 * margin)
            if lo < hi:
                out += self._weeks_into(value, lo, hi, 1 if later else -1, 1, rng)
        if out and not self._spare:  # spares replace dropped groups on either side: not counted
            sides[later] += 1
        return out

    def shift_dates(self, obj: SObject, row: Row, delta: dt.timedelta) -> None:
        for f in obj.fields:
            if f.type in (FieldType.DATE, FieldType.DATETIME) and row.get(f.name) is not None:
                row[f.name] = self._shifted(row[f.name], delta)

    # --- cloning -----------------------------------------------------------------------------
    def clone_children(self, group: RotGroup, obj_name: str, old_id: str, new_id: str,
                       delta: dt.timedelta | None, rng: random.Random,
                       people: Mapping[str, str] | None = None,
                       spec: ChildSpec | None = None, limit: int = 12) -> None:
        """Clone the records that reference `old_id` so they reference `new_id` instead
        (recursively per `spec`); `limit` per child object, picked by rng when there are more.
        `people` maps users to the ones the clones name instead (in every field but the Ids);
        a cloned case also gets handlers of its own (`case_handlers`)."""
        children = CHILDREN.get(obj_name, ()) if spec is None else spec
        for child_name, ref, grandchildren in children:
            child = self.schema.get(child_name)
            if child is None or child.field(ref) is None:
                continue
            rows = self.source.find(child_name, ref, old_id, limit=max(limit, 20))
            if len(rows) > limit:
                rows = sorted(rng.sample(rows, limit), key=lambda r: r["Id"])
            for row in rows:
                new = dict(row)
                new[ref] = new_id
                if delta:
                    self.shift_dates(child, new, delta)
                    # taken for the child too, should it be a target itself
                    self._shifts.setdefault(row["Id"], set()).add(delta.days // 7)
                mapped = people
                if child_name == "Case" and not people:
                    mapped = self.case_handlers(row, new_id)
                if mapped:
                    _hand_over(new, mapped, keep=("Id", ref))
                self.vary_child(child_name, obj_name, new, rng)
                self.identify(child, new, rng)
                group.add(child_name, new, row["Id"])
                if grandchildren:
                    self.clone_children(group, child_name, row["Id"], new["Id"], delta, rng,
                                        mapped, grandchildren, limit)

    def vary_child(self, child_name: str, parent_name: str, row: Row, rng: random.Random) -> None:
        """A cloned child should not be a verbatim copy where its content is the point."""
        if child_name == "VoiceCallTranscript__c":
            if parent_name == "Opportunity":  # a call from another deal, filed under the clone
                others = [r for r in self.source.sample(child_name, 200)
                          if r.get("Body__c") and r.get("Body__c") != row.get("Body__c")]
                if others:
                    row["Body__c"] = rng.choice(others)["Body__c"]
            else:
                row["Body__c"] = perturb_numbers(row.get("Body__c"), rng)
        elif child_name == "Case":
            # the look-alike's cases went to other people (case_handlers), about something else
            # (always another issue: copies about the same issue would make "the product's most
            # frequent issue over all time" right more often than the window's answer)
            if row.get("IssueId__c"):
                row["IssueId__c"] = self.decoy("Case", "IssueId__c", row["IssueId__c"]) or \
                    row["IssueId__c"]
        elif child_name == "UserTerritory2Association" and row.get("UserId"):
            row["UserId"] = self.territory_member(row["UserId"], rng)

    def case_handlers(self, case: Row, clone: str, keep_owner: bool = False) -> dict[str, str]:
        """Other people for a cloned case: everyone its owner-assignment history names, and its
        owner unless `keep_owner`, each replaced one for one (the clone's history still reads as
        one chain of hand-overs) by someone drawn as often as people own cases. A copy would add
        to the cases and transfers of whoever handled the original, often the task's answer:
        "who owns (or transfers) the most cases over all time" then passed more tasks in an
        episode than the budget allows on the base org. A case moved out of a window keeps its
        owner (a target's owner is as busy as the task made it: a drawn one told clones apart).
        Drawn apart from the planner's own draws (keyed by the case and `clone`, what tells its
        clones apart)."""
        rng = seeded_rng("rot-handlers", self.schema.version, self.seed, case["Id"], clone)
        history = self.source.find("CaseHistory__c", "CaseId__c", case["Id"], limit=20)
        named = [case.get("OwnerId"), *(h.get(f) for h in history
                                         for f in ("OldValue__c", "NewValue__c"))]
        people = list(dict.fromkeys(v for v in named if isinstance(v, str)
                                    and v[:3] in ("005", "00G") and is_valid_id(v)))
        pool = self.source.values("Case", "OwnerId")
        taken = set(people)
        out: dict[str, str] = {}
        for person in people:
            if keep_owner and person == case.get("OwnerId"):
                continue
            pick = next((p for p in (rng.choice(pool) for _ in range(20)) if p not in taken),
                        None) if pool else None
            if pick is not None:
                out[person] = pick
                taken.add(pick)
        return out

    def territory_member(self, avoid: str, rng: random.Random) -> str:
        """Another user for a cloned territory membership. A membership is made right after
        its user, so it sits beside that user's other memberships in the Id sequence: as often
        as base memberships share their user, a user with one membership (making two),
        otherwise a user with none; a clone beside someone's membership every time would
        always have a close Id neighbour, which only some base memberships have."""
        counts = Counter(self.source.values("UserTerritory2Association", "UserId"))
        shared = sum(n for n in counts.values() if n > 1) / max(1, counts.total())
        ones = [u for u, n in sorted(counts.items()) if n == 1 and u != avoid]
        none = [u for u in self.source.values("User", "Id") if u not in counts and u != avoid]
        pool = (ones if rng.random() < shared else none) or ones or none
        return rng.choice(pool) if pool else avoid

    def decoy(self, obj_name: str, fld: str, avoid: str) -> str | None:
        """One stable wrong value of obj.fld per target, drawn from the values base records of
        the object have (the same owners, the same issues): distractors that agree on the wrong
        owner or issue pull a careless count towards it instead of spreading out."""
        key = (self._target_key, f"{obj_name}.{fld}")
        if key not in self._decoys:  # drawn as often as base records have each value
            values = self.source.values(obj_name, fld)
            rng = seeded_rng("rot-decoy", self.schema.version, self.seed, *key)
            picks: list[str] = []
            for _ in range(60):
                if len(picks) == 6 or not values:
                    break
                if (pick := rng.choice(values)) not in picks:
                    picks.append(pick)
            self._decoys[key] = picks
        # never an issue of the task's own cases: distractors agreeing on the right issue would
        # make ignoring the window *more* right for "the top issue"
        in_play = self.issues_in_play if fld == "IssueId__c" else set()
        return next((d for d in self._decoys[key] if d != avoid and d not in in_play), None)

    def attach_namesake_children(self, group: RotGroup, obj: SObject, old_id: str, new_id: str,
                                 rng: random.Random) -> None:
        spec = NAMESAKE_CHILDREN.get(obj.name)
        if spec:
            taken = self._shifts.setdefault(f"{old_id}:children", set())
            # among the first child's own neighbours (as far as its object's density says):
            # all the look-alikes' children within a few weeks would crowd that stretch
            child_name, ref, _ = spec[0]
            child = self.schema.get(child_name)
            kids = self.source.find(child_name, ref, old_id, limit=20) if child else []
            near = self.nearby_weeks(child, dict(kids[0]), rng) if child and kids else \
                self.nearby_weeks(obj, {}, rng)
            # nor a shift a child already took as a target of its own (same second, next Id)
            blocked = taken.union(*(self._shifts.get(kid["Id"], ()) for kid in kids))
            k = next(k for k in near + list(range(6, 99)) if k not in blocked)
            taken.add(k)
            self.clone_children(group, obj.name, old_id, new_id, dt.timedelta(weeks=k), rng,
                                None, spec, NAMESAKE_CHILD_LIMIT)

    # --- distractor kinds --------------------------------------------------------------------
    def lookalike_user(self, group: RotGroup, user: Row, rng: random.Random) -> Row | None:
        """A new user with the same first name and another of the org's users' last names (a
        careless `Owner.Name LIKE '%John%'` matches both), set up as every user is."""
        users = self.schema.get("User")
        first = user.get("FirstName") or (user.get("Name") or "").split(" ")[0]
        if users is None or not first:
            return None
        lasts = sorted(set(self.source.values("User", "LastName")) - {user.get("LastName")})
        name = self.fresh("User", "Name", [f"{first} {last}" for last in
                                           rng.sample(lasts, min(12, len(lasts)))])
        if name is None:
            return None
        last = name[len(first) + 1:]
        new = self.identify(users, dict(user), rng)
        login = user_login(first, last)
        new.update(Name=name, FirstName=first, LastName=last, Email=login["Email"],
                   Alias=login["Alias"])
        if "Username" in new:
            new["Username"] = self.fresh("User", "Username", [login["Username"]]) or \
                new["Username"]
        if "Phone" in new and isinstance(new["Phone"], str):
            new["Phone"] = mutate_digits(new["Phone"], rng)
        return group.add("User", new, user["Id"])

    def namesake_owner(self, obj: SObject, owner_id: str, rng: random.Random) -> str | None:
        """Another user who owns records of `obj` in the base org and has the owner's first
        name (a look-alike owner from the real population of owners), if there is one."""
        if self._first_names is None:
            self._first_names = {u["Id"]: u.get("FirstName") or (u.get("Name") or " ").split()[0]
                                 for u in self.source.sample("User", 1_000_000)}
        first = self._first_names.get(owner_id)
        owners = [o for o in self.source.values(obj.name, "OwnerId")  # as often as they own
                  if o != owner_id and first and self._first_names.get(o) == first]
        return rng.choice(owners) if owners else None

    def namesake(self, group: RotGroup, obj: SObject, row: Row, target: RotTarget,
                 rng: random.Random, nth: int) -> bool:
        name_field = obj.name_field
        if name_field is None or not isinstance(row.get(name_field.name), str):
            return False
        # a namesake of the record or of one of its namesakes: a family of look-alikes has
        # no centre that shares the most words with all the others (the original would be it)
        family = self._family.setdefault(self._target_key, [row[name_field.name]])
        names = self.source.values(obj.name, name_field.name)
        variants = namesakes(rng.choice(family), names, rng, SPARE_WORDS.get(obj.name, ()))
        new = dict(row)
        delta = self.weeks(obj, new, self.nearby_weeks(obj, new, rng))
        if delta is None:
            return False
        if len(names) < SMALL_CATALOGUE:
            # as long as the record's own name first: a small catalogue's swaps are mostly
            # shorter or longer words, and look-alikes would drift to the catalogue's mean
            mine = len(row[name_field.name])
            variants = sorted(variants, key=lambda v: abs(len(v) - mine))
        name = self.fresh(obj.name, name_field.name, variants[:40])
        if name is None:
            return False
        new[name_field.name] = name
        family.append(name)
        for fld in ("Phone",):
            if isinstance(new.get(fld), str):
                new[fld] = mutate_digits(new[fld], rng)
        self.shift_dates(obj, new, delta)
        article = obj.name == "Knowledge__kav"
        if article:
            self._fresh_article(new, delta, rng)
        self.identify(obj, new, rng, keep_number=article, created=self.beside(obj, row, rng))
        group.add(obj.name, new, row["Id"])
        if article:  # its earlier versions, as the article it imitates has in the episode
            made = [v for k in range((new.get("VersionNumber") or 1) - 1)
                    if (v := self.archived_version(group, obj, new, row["Id"], k, rng))]
            # numbered as they were made: where the history has no room for one of them (a
            # look-alike first written just after the org's first articles), a version
            # number with no earlier version would mark the look-alike
            for number, v in enumerate(sorted(made, key=lambda v: v["VersionNumber"]), 1):
                v["VersionNumber"] = number
            new["VersionNumber"] = len(made) + 1
        self.attach_namesake_children(group, obj, row["Id"], new["Id"], rng)
        pricebook_entries = self.schema.get("PricebookEntry")
        if obj.name == "Product2" and pricebook_entries is not None:
            # a price for the look-alike product, so it shows up in deals
            for entry in self.source.find("PricebookEntry", "Product2Id", row["Id"], limit=1):
                pbe = dict(entry, Product2Id=new["Id"], Name=name)
                if isinstance(pbe.get("UnitPrice"), (int, float)):
                    factor = rng.choice((0.8, 0.9, 1.1, 1.25))
                    pbe["UnitPrice"] = round(pbe["UnitPrice"] * factor, 2)
                self.identify(pricebook_entries, pbe, rng)
                group.add("PricebookEntry", pbe, entry["Id"])
        return True

    def _fresh_article(self, new: Row, delta: dt.timedelta, rng: random.Random) -> None:
        """Another article: its URL name made from its title as every article's is, its number
        that of a first version written as long before this one as the original's was (its
        dates already moved by `delta`)."""
        if isinstance(new.get("UrlName"), str) and isinstance(new.get("Title"), str):
            stem = url_name(new["Title"])
            new["UrlName"] = self.fresh("Knowledge__kav", "UrlName",
                                        [stem, *(f"{stem}-{n}" for n in range(2, 20))])
        first = time_of_auto_number("Knowledge__kav", new.get("ArticleNumber"))
        new["ArticleNumber"] = None if first is None else \
            self.numbering.auto_number("Knowledge__kav", first + delta)
        for fld in ("FAQ_Answer__c", "Summary"):
            if fld in new:
                new[fld] = perturb_numbers(new[fld], rng)

    def duplicate_person(self, group: RotGroup, obj: SObject, row: Row, target: RotTarget,
                         rng: random.Random, nth: int) -> bool:
        new = dict(row)
        first = row.get("FirstName") or (row.get("Name") or "").split(" ")[0]
        last = row.get("LastName") or (row.get("Name") or "").split(" ")[-1]
        for fld in ("Email", "PersonEmail"):
            if fld in new:  # as the org writes addresses: sometimes the same one again
                new[fld] = next((e for e in (email_like(row.get(fld), first, last, rng)
                                             for _ in range(8))
                                 if e == row.get(fld) or self.fresh(obj.name, fld, [e])),
                                new[fld])
        if isinstance(new.get("Phone"), str):
            new["Phone"] = mutate_digits(new["Phone"], rng)
        delta = self.weeks(obj, new, self.window_weeks(obj, target, new, rng) or
                           self.nearby_weeks(obj, new, rng), target)
        if delta is None:
            return False
        self.shift_dates(obj, new, delta)
        self.identify(obj, new, rng)
        group.add(obj.name, new, row["Id"])
        self.attach_namesake_children(group, obj, row["Id"], new["Id"], rng)
        return True

    def out_of_window(self, group: RotGroup, obj: SObject, row: Row, target: RotTarget,
                      rng: random.Random, nth: int, lookalike_owner: bool = False) -> bool:
        new = dict(row)
        people: dict[str, str] = {}
        if lookalike_owner:
            owner = self.namesake_owner(obj, row["OwnerId"], rng) if row.get("OwnerId") else None
            if owner is None:
                return False
            people = {row["OwnerId"]: owner}
        delta = self.weeks(obj, new, self.window_weeks(obj, target, new, rng) or
                           self.nearby_weeks(obj, new, rng), target)
        if delta is None:
            return False
        self.shift_dates(obj, new, delta)
        if obj.name == "Case":  # handed over by others (its owner stays, or is the look-alike)
            handlers = self.case_handlers(row, f"{target.record_id}:{delta.days}",
                                          keep_owner=True)
            people = {**{k: v for k, v in handlers.items() if v not in people.values()},
                      **people}
        if people:
            _hand_over(new, people, keep=("Id",))
        if obj.name == "Case" and new.get("IssueId__c"):
            # a neighbouring case about another issue: a copy about the same issue just outside
            # the window would make ignoring the window *more* right for "the top issue"
            new["IssueId__c"] = self.decoy("Case", "IssueId__c", new["IssueId__c"]) or \
                new["IssueId__c"]
        self.identify(obj, new, rng)
        group.add(obj.name, new, row["Id"])
        self.clone_children(group, obj.name, row["Id"], new["Id"], delta, rng, people)
        return True

    def stale_version(self, group: RotGroup, obj: SObject, row: Row, target: RotTarget,
                      rng: random.Random, nth: int) -> bool:
        """An archived older version of the article; when no older one fits, a namesake, as
        long as the target has fewer distractors than the level's least (each further namesake
        takes a less likely title)."""
        if self.archived_version(group, obj, row, row["Id"], nth, rng) is not None:
            return True
        return nth < ROT_COUNTS[self.level][0] and \
            self.namesake(group, obj, row, target, rng, nth)

    def archived_version(self, group: RotGroup, obj: SObject, current: Row, source_id: str,
                         nth: int, rng: random.Random) -> Row | None:
        """The `nth` version before `current` (same number and URL name, published earlier but
        after the article was first written, its numbers stale), archived; None when the
        history has no room for it."""
        versions = (current.get("VersionNumber") or 1) - 1
        older = versions - nth
        if older < 1:
            return None
        new = dict(current)
        first = time_of_auto_number(obj.name, current.get("ArticleNumber"))
        # published after the versions made before it and before those made after it
        made = self._versions.setdefault(current["Id"], {})
        after = max((d for v, d in made.items() if v < older), default=None)
        before = min((d for v, d in made.items() if v > older), default=None)
        when = current.get(self._created_field(obj) or "")
        published = self._as_datetime(when) if when is not None else None

        def in_order(weeks: int) -> bool:
            if published is None:
                return True
            moment = published + dt.timedelta(weeks=weeks)
            return (after is None or moment > after) and (before is None or moment < before)

        candidates = [*self.version_weeks(obj, published, first, older, versions, rng),
                      *(-(nth + 1) * rng.randint(4, 17) for _ in range(6))]
        delta = self.weeks(obj, new, [k for k in candidates if in_order(k)], not_before=first)
        if delta is None:
            return None
        if published is not None:
            made[older] = published + delta
        self.shift_dates(obj, new, delta)
        new.update(VersionNumber=older, PublishStatus="Archived", IsLatestVersion=False)
        for fld in ("FAQ_Answer__c", "Summary"):
            if fld in new:
                new[fld] = perturb_numbers(new[fld], rng)
        self.identify(obj, new, rng, keep_number=True)
        return group.add(obj.name, new, source_id)

    def other_lead_transcript(self, group: RotGroup, obj: SObject, row: Row, target: RotTarget,
                              rng: random.Random, nth: int) -> bool:
        lead_id = row.get("LeadId__c")
        leads = [r for r in self.source.sample("Lead", 60) if r["Id"] != lead_id]
        if not leads:
            return self.out_of_window(group, obj, row, target, rng, nth)
        other = rng.choice(leads)
        new = dict(row)
        new["LeadId__c"] = other["Id"]
        mine = self.source.get("Lead", lead_id) if lead_id else None
        for fld in ("Name", "Body__c"):
            text = new.get(fld)
            if isinstance(text, str) and mine:
                for key in ("Name", "FirstName", "LastName", "Company"):
                    if mine.get(key) and other.get(key):
                        text = text.replace(str(mine[key]), str(other[key]))
                new[fld] = text
        delta = self.weeks(obj, new, self.window_weeks(obj, target, new, rng) or
                           self.nearby_weeks(obj, new, rng), target)
        if delta is None:
            return False
        self.shift_dates(obj, new, delta)
        self.identify(obj, new, rng)
        group.add(obj.name, new, row["Id"])
        return True

    def user_lookalike(self, group: RotGroup, obj: SObject, row: Row, target: RotTarget,
                       rng: random.Random, nth: int) -> bool:
        return self.lookalike_user(group, row, rng) is not None

    # --- per target --------------------------------------------------------------------------
    def kinds(self, obj: SObject, target: RotTarget, row: Row) -> list[str]:
        if obj.name == "User":
            return ["user_lookalike"]
        if obj.name == "Knowledge__kav":
            return ["stale_version"]
        if obj.name == "VoiceCallTranscript__c":
            return ["other_lead_transcript", "out_of_window"]
        if obj.name in PERSON_OBJECTS or (obj.name == "Account" and self.schema.org == "b2c"):
            return ["duplicate_person"]
        has_window = bool(target.date_field)
        has_dates = any(f.type in (FieldType.DATE, FieldType.DATETIME) for f in obj.fields)
        if obj.name in ("Account", "Product2", "Issue__c", "ProductCategory", "Pricebook2",
                        "Territory2") and not has_window:
            return ["namesake"]
        kinds = []
        if has_window or has_dates:
            kinds.append("out_of_window")
        if row.get("OwnerId"):
            kinds.append("lookalike_owner")
        return kinds or ["namesake"]

    def groups_for(self, index: int, target: RotTarget, spare: int = 0) -> list[RotGroup]:
        obj = self.schema.get(target.object)
        if obj is None:
            raise ValueError(f"rot target: unknown object {target.object!r}")
        row = self.source.get(obj.name, target.record_id)
        if row is None:
            raise ValueError(f"rot target: no {obj.name} with Id {target.record_id}")
        rng = seeded_rng("rot", self.schema.version, self.level, self.seed, index, obj.name,
                         target.record_id)
        self._target_key = f"{index}:{target.record_id}"
        lo, hi = ROT_COUNTS[self.level]
        wanted = rng.randint(lo, hi)
        kinds = self.kinds(obj, target, row)
        groups: list[RotGroup] = []
        failures = 0
        while len(groups) < wanted + spare and failures < (wanted + spare) * 2:
            kind = kinds[(len(groups) + failures) % len(kinds)]
            group = RotGroup(target=index, kind=kind, spare=len(groups) >= wanted)
            self._spare = group.spare
            nth = sum(1 for g in groups if g.kind == kind)
            if kind == "lookalike_owner":
                ok = self.out_of_window(group, obj, row, target, rng, nth, lookalike_owner=True)
            else:
                ok = getattr(self, kind)(group, obj, row, target, rng, nth)
            if ok and group.rows:
                groups.append(group)
            else:
                failures += 1
        return groups


def plan_rot_groups(data: OrgData | OrgDatabase | RecordSource, schema: OrgSchema,
                    targets: Sequence[RotTarget], level: RotLevel, seed: int,
                    spare: int = 0) -> list[RotGroup]:
    """Distractor groups for `targets`, in target order; deterministic in every argument.
    `spare` extra groups per target (marked `spare`) are replacements for verification."""
    check_level(level)
    if level == "none" or not targets:
        return []
    planner = _Planner(record_source(data), schema, level, seed)
    planner.windowed = Counter(t.object for t in targets if t.date_field and (
        t.window_start is not None or t.window_end is not None))
    planner.target_ids = {t.record_id for t in targets}
    planner.issues_in_play = {row["IssueId__c"] for t in targets if t.object == "Case"
                              for row in [planner.source.get("Case", t.record_id)]
                              if row and row.get("IssueId__c")}
    groups: list[RotGroup] = []
    for i, target in enumerate(targets):
        groups.extend(planner.groups_for(i, target, spare))
    return groups


def plan_rot(data: OrgData | OrgDatabase | RecordSource, schema: OrgSchema,
             targets: Sequence[RotTarget], level: RotLevel, seed: int) -> dict[str, list[Row]]:
    """Distractor rows (base names) for the task's rot targets: open_view's `extra_rows`."""
    return merge_groups(plan_rot_groups(data, schema, targets, level, seed))


#: Spare groups planned per target, to replace groups that would change a gold answer.
SPARE_GROUPS = 4


def iter_references(schema: OrgSchema,
                    rows: dict[str, list[Row]]) -> Iterator[tuple[str, str, str, str]]:
    """(object, field, target object, Id) for every non-null reference in `rows`."""
    for obj_name, obj_rows in rows.items():
        obj = schema.get(obj_name)
        assert obj is not None
        refs = [f for f in obj.fields if f.type == FieldType.REFERENCE]
        for r in obj_rows:
            for f in refs:
                if r.get(f.name):
                    yield obj_name, f.name, f.reference_to[0], r[f.name]


def default_rot_targets(data: OrgData | OrgDatabase | RecordSource, schema: OrgSchema,
                        seed: int, per_object: int = 2) -> list[RotTarget]:
    """Org-wide targets when there is no task (CLI, REPL): a few records of the objects agents
    look things up in, picked deterministically by seed."""
    source = record_source(data)
    out: list[RotTarget] = []
    for name in ("Account", "Product2", "Contact", "Lead", "Case", "Opportunity",
                 "Knowledge__kav", "VoiceCallTranscript__c"):
        if schema.get(name) is None:
            continue
        rows = source.sample(name, 200)
        rng = seeded_rng("rot-default-targets", schema.version, seed, name)
        for row in rng.sample(rows, min(per_object, len(rows))):
            out.append(RotTarget(object=name, record_id=row["Id"]))
    return out
