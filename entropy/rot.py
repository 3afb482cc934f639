"""Context rot: real distractor rows that look like the records a task is about.

For each of a task's rot targets (a record in play, optionally the date window the task filters
on), `plan_rot_groups` makes 1-2 (low), 3-4 (medium) or 5-6 (high) *groups* of rows:
near-namesake accounts and products, duplicate-looking people, clones just outside the date window
or owned by look-alike users, stale knowledge article versions, transcripts about other leads.
A group is the unit that stands or falls together (a look-alike user and the case it owns), so
dropping a group to protect a gold answer never leaves a dangling reference.

Every row is keyed by base names, has a fresh valid Id in the same number band as the base org's
(so Ids give nothing away) checked against the base catalog, and references only existing base
rows or rows of its own group.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from data.tasks.model import RotTarget
from entropy.levels import ROT_COUNTS, RotLevel, check_level, seeded_rng
from entropy.sources import RecordSource, record_source
from entropy.variants import (
    email_variant,
    lookalike_person,
    mutate_digits,
    name_variants,
    perturb_numbers,
)
from sandbox_db.database import OrgData, OrgDatabase
from sandbox_db.ids import make_id
from sandbox_db.schema import FieldType, OrgSchema, SObject

Row = dict[str, Any]

#: The base org's Id number band (data.org.builder): distractor Ids are drawn from it too.
ID_BAND = (3 * 62**4, 62**5 - 1)

#: Fields whose values identify a record and must stay unique in a clone.
UNIQUE_FIELDS: dict[str, tuple[str, ...]] = {
    "Case": ("CaseNumber",), "Order": ("OrderNumber",), "OrderItem": ("OrderItemNumber",),
    "Contract": ("ContractNumber",), "User": ("Username",),
    "Product2": ("ProductCode", "External_ID__c"),
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

PERSON_OBJECTS = ("Contact", "Lead")

#: A name field holding a record number ("00001027", "VCT-00029", "CH-1234"): cloned with a new one.
CODE_LIKE = re.compile(r"^[A-Za-z]{0,6}[-#]?\d{3,}$")


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


def merge_groups(groups: Sequence[RotGroup]) -> dict[str, list[Row]]:
    """The rows of all groups per base object, in group order (open_view's extra_rows)."""
    out: dict[str, list[Row]] = {}
    for g in groups:
        for obj, rows in g.rows.items():
            out.setdefault(obj, []).extend(rows)
    return out


class _Planner:
    def __init__(self, source: RecordSource, schema: OrgSchema, level: str, seed: int,
                 today: dt.date | None) -> None:
        self.source = source
        self.schema = schema
        self.level = level
        self.seed = seed
        self.today = today
        self._id_pools: dict[str, list[str]] = {}
        self._id_rngs: dict[str, random.Random] = {}
        self._used: dict[tuple[str, str], set[Any]] = {}
        self._decoys: dict[tuple[str, str], list[str]] = {}
        self._target_key = ""

    # --- fresh values ------------------------------------------------------------------------
    def new_id(self, obj_name: str) -> str:
        """A fresh Id for `obj_name`: same band as the base org's, absent from it, unused."""
        pool = self._id_pools.setdefault(obj_name, [])
        if not pool:
            obj = self.schema.get(obj_name)
            assert obj is not None
            rng = self._id_rngs.setdefault(
                obj_name,
                seeded_rng("rot-ids", self.schema.version, self.level, self.seed, obj_name))
            candidates = [make_id(obj.key_prefix, rng.randint(*ID_BAND)) for _ in range(32)]
            taken = self.source.existing(obj_name, "Id", candidates)
            pool.extend(c for c in candidates if c not in taken)
            pool.reverse()
        used = self._used.setdefault((obj_name, "Id"), set())
        new = pool.pop()
        if new in used:
            return self.new_id(obj_name)
        used.add(new)
        return new

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

    # --- cloning -----------------------------------------------------------------------------
    def clone(self, obj: SObject, row: Row, rng: random.Random) -> Row:
        """A copy of `row` under a fresh Id with fresh unique codes (references unchanged)."""
        new = dict(row)
        new["Id"] = self.new_id(obj.name)
        codes = list(UNIQUE_FIELDS.get(obj.name, ()))
        name_field = obj.name_field
        if name_field is not None and isinstance(new.get(name_field.name), str) \
                and CODE_LIKE.match(new[name_field.name]):
            codes.append(name_field.name)  # "VCT-00029", "00001027": a record number, not a name
        for fld in codes:
            if fld in new:
                new[fld] = self.fresh_code(obj.name, fld, new[fld], rng)
        return new

    def shift_dates(self, obj: SObject, row: Row, delta: dt.timedelta) -> None:
        for f in obj.fields:
            v = row.get(f.name)
            if v is None:
                continue
            if f.type == FieldType.DATETIME and isinstance(v, dt.datetime):
                row[f.name] = v + delta
            elif f.type == FieldType.DATE and isinstance(v, dt.date):
                row[f.name] = v + dt.timedelta(days=delta.days)

    def window_delta(self, target: RotTarget, row: Row, rng: random.Random) -> dt.timedelta | None:
        """How far to move `row` so target.date_field lands just outside the task's window."""
        if not target.date_field or (target.window_start is None and target.window_end is None):
            return None
        value = row.get(target.date_field)
        days = dt.timedelta(days=rng.randint(1, 10), hours=rng.randint(0, 20))
        sides: list[dt.datetime] = []
        after = None
        if target.window_start is not None:
            sides.append(target.window_start - days)
        if target.window_end is not None:
            after = target.window_end + days
            if self.today is None or after.date() <= self.today:
                sides.append(after)
        if not sides and after is not None:  # only an end, and after it lies beyond today
            sides.append(after)
        goal = rng.choice(sides)
        if value is None:
            obj = self.schema.get(target.object)
            f = obj.field(target.date_field) if obj else None
            is_date = f is not None and f.type == FieldType.DATE
            row[target.date_field] = goal.date() if is_date else goal
            return dt.timedelta(0)
        if isinstance(value, dt.datetime):
            return goal - value
        if isinstance(value, dt.date):
            # a DATE field: outside means a different calendar day beyond the bound
            goal_day = goal.date()
            if target.window_start is not None and goal < target.window_start:
                goal_day = min(goal_day, target.window_start.date() - dt.timedelta(days=1))
            elif target.window_end is not None:
                goal_day = max(goal_day, target.window_end.date() + dt.timedelta(days=1))
            return dt.timedelta(days=(goal_day - value).days)
        return None

    def clone_children(self, group: RotGroup, obj_name: str, old_id: str, new_id: str,
                       delta: dt.timedelta | None, rng: random.Random,
                       owner_swap: tuple[str, str] | None = None,
                       spec: ChildSpec | None = None, limit: int = 12) -> None:
        """Clone the records that reference `old_id` so they reference `new_id` instead
        (recursively per `spec`); `limit` per child object, picked by rng when there are more."""
        children = CHILDREN.get(obj_name, ()) if spec is None else spec
        for child_name, ref, grandchildren in children:
            child = self.schema.get(child_name)
            if child is None or child.field(ref) is None:
                continue
            rows = self.source.find(child_name, ref, old_id, limit=max(limit, 20))
            if len(rows) > limit:
                rows = sorted(rng.sample(rows, limit), key=lambda r: r["Id"])
            for row in rows:
                new = self.clone(child, row, rng)
                new[ref] = new_id
                if delta:
                    self.shift_dates(child, new, delta)
                if owner_swap:
                    for k, v in list(new.items()):
                        if v == owner_swap[0] and k not in ("Id", ref):
                            new[k] = owner_swap[1]
                self.vary_child(child_name, obj_name, new, rng)
                group.add(child_name, new, row["Id"])
                if grandchildren:
                    self.clone_children(group, child_name, row["Id"], new["Id"], delta, rng,
                                        owner_swap, grandchildren, limit)

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
            # the look-alike's cases went to someone else, about something else
            if row.get("OwnerId") and rng.random() < 0.7:
                row["OwnerId"] = self.decoy("User", row["OwnerId"]) or row["OwnerId"]
            if row.get("IssueId__c") and rng.random() < 0.7:
                row["IssueId__c"] = self.decoy("Issue__c", row["IssueId__c"]) or row["IssueId__c"]
        elif child_name == "UserTerritory2Association" and row.get("UserId"):
            users = [u["Id"] for u in self.source.sample("User", 200) if u["Id"] != row["UserId"]]
            if users:
                row["UserId"] = rng.choice(users)

    def decoy(self, obj_name: str, avoid: str) -> str | None:
        """One stable wrong record per (target, object): distractors that agree on the wrong
        owner or issue pull a careless count towards it instead of spreading out."""
        key = (self._target_key, obj_name)
        if key not in self._decoys:
            rows = [r["Id"] for r in self.source.sample(obj_name, 200)]
            rng = seeded_rng("rot-decoy", self.schema.version, self.seed, *key)
            self._decoys[key] = rng.sample(rows, min(3, len(rows)))
        return next((d for d in self._decoys[key] if d != avoid), None)

    def attach_namesake_children(self, group: RotGroup, obj: SObject, old_id: str, new_id: str,
                                 rng: random.Random) -> None:
        spec = NAMESAKE_CHILDREN.get(obj.name)
        if spec:
            self.clone_children(group, obj.name, old_id, new_id,
                                -dt.timedelta(days=rng.randint(2, 40)), rng, None, spec,
                                NAMESAKE_CHILD_LIMIT)

    def nearby_delta(self, rng: random.Random, obj: SObject | None = None,
                     row: Row | None = None) -> dt.timedelta:
        """A shift of a few days to weeks, either way; backwards when forwards would move the
        row's dates past today."""
        days = rng.randint(2, 40)
        if rng.random() < 0.5:
            return dt.timedelta(days=-days)
        if self.today is not None and obj is not None and row is not None:
            latest = max((v.date() if isinstance(v, dt.datetime) else v
                          for f in obj.fields if isinstance(v := row.get(f.name), dt.date)),
                         default=None)
            if latest is not None and latest + dt.timedelta(days=days) > self.today:
                return dt.timedelta(days=-days)
        return dt.timedelta(days=days)

    # --- distractor kinds --------------------------------------------------------------------
    def lookalike_user(self, group: RotGroup, user: Row, rng: random.Random) -> Row | None:
        users = self.schema.get("User")
        if users is None:
            return None
        first, last = user.get("FirstName") or "", user.get("LastName") or ""
        if not first or not last:
            parts = (user.get("Name") or "Alex Morgan").split(" ", 1)
            first, last = parts[0], parts[-1]
        for _ in range(6):
            nf, nl = lookalike_person(first, last, rng)
            name = f"{nf} {nl}"
            if name != f"{first} {last}" and self.fresh("User", "Name", [name]):
                break
        else:
            return None
        new = self.clone(users, user, rng)
        email = email_variant(user.get("Email"), nf, nl, rng)
        new.update(Name=name, FirstName=nf, LastName=nl, Email=email,
                   Alias=(nf[:1] + nl[:4]).lower())
        if "Username" in new:
            new["Username"] = self.fresh("User", "Username",
                                         [f"{email}.crm", f"{email}.{rng.randrange(2, 99)}"]) \
                or f"{email}.{new['Id'][-6:]}"
        if "Phone" in new and isinstance(new["Phone"], str):
            new["Phone"] = mutate_digits(new["Phone"], rng)
        return group.add("User", new, user["Id"])

    def namesake(self, group: RotGroup, obj: SObject, row: Row, target: RotTarget,
                 rng: random.Random, nth: int) -> bool:
        name_field = obj.name_field
        if name_field is None or not isinstance(row.get(name_field.name), str):
            return False
        style = {"Product2": "product", "Knowledge__kav": "article"}.get(obj.name, "company")
        variants = name_variants(row[name_field.name], rng, style=style)
        if nth == 0:  # the first namesake always keeps the name as a prefix
            variants = [v for v in variants if v.startswith(row[name_field.name])] + variants
        name = self.fresh(obj.name, name_field.name, variants[:8] if nth else variants[:4])
        if name is None:
            return False
        new = self.clone(obj, row, rng)
        new[name_field.name] = name
        for fld in ("Phone",):
            if isinstance(new.get(fld), str):
                new[fld] = mutate_digits(new[fld], rng)
        self.shift_dates(obj, new, -dt.timedelta(days=rng.randint(20, 400)))
        if obj.name == "Knowledge__kav":
            self._fresh_article(new, row, rng)
        group.add(obj.name, new, row["Id"])
        self.attach_namesake_children(group, obj, row["Id"], new["Id"], rng)
        if obj.name == "Product2":  # a price for the look-alike product, so it shows up in deals
            for entry in self.source.find("PricebookEntry", "Product2Id", row["Id"], limit=1):
                pbe = self.clone(self.schema.get("PricebookEntry"), entry, rng)  # type: ignore[arg-type]
                pbe.update(Product2Id=new["Id"], Name=name)
                if isinstance(pbe.get("UnitPrice"), (int, float)):
                    factor = rng.choice((0.8, 0.9, 1.1, 1.25))
                    pbe["UnitPrice"] = round(pbe["UnitPrice"] * factor, 2)
                group.add("PricebookEntry", pbe, entry["Id"])
        return True

    def _fresh_article(self, new: Row, row: Row, rng: random.Random) -> None:
        for fld in ("ArticleNumber", "UrlName"):
            if isinstance(row.get(fld), str):
                new[fld] = self.fresh_code("Knowledge__kav", fld, row[fld], rng)
        for fld in ("FAQ_Answer__c", "Summary"):
            if fld in new:
                new[fld] = perturb_numbers(new[fld], rng)

    def duplicate_person(self, group: RotGroup, obj: SObject, row: Row, target: RotTarget,
                         rng: random.Random, nth: int) -> bool:
        new = self.clone(obj, row, rng)
        first = row.get("FirstName") or (row.get("Name") or "").split(" ")[0]
        last = row.get("LastName") or (row.get("Name") or "").split(" ")[-1]
        for fld in ("Email", "PersonEmail"):
            if fld in new:
                new[fld] = self.fresh(obj.name, fld, [email_variant(row.get(fld), first, last, rng)
                                                      for _ in range(6)]) or new[fld]
        if isinstance(new.get("Phone"), str):
            new["Phone"] = mutate_digits(new["Phone"], rng)
        delta = self.window_delta(target, new, rng)
        if delta is None:
            delta = -dt.timedelta(days=rng.randint(30, 500))
        self.shift_dates(obj, new, delta)
        group.add(obj.name, new, row["Id"])
        self.attach_namesake_children(group, obj, row["Id"], new["Id"], rng)
        return True

    def out_of_window(self, group: RotGroup, obj: SObject, row: Row, target: RotTarget,
                      rng: random.Random, nth: int, lookalike_owner: bool = False) -> bool:
        new = self.clone(obj, row, rng)
        delta = self.window_delta(target, new, rng)
        if delta is None:
            delta = self.nearby_delta(rng, obj, row) if not lookalike_owner else dt.timedelta(0)
        self.shift_dates(obj, new, delta)
        swap = None
        if lookalike_owner and row.get("OwnerId"):
            owner = self.source.get("User", row["OwnerId"])
            user = self.lookalike_user(group, owner, rng) if owner else None
            if user is None:
                return False
            new["OwnerId"] = user["Id"]
            swap = (row["OwnerId"], user["Id"])
        if obj.name == "Case" and new.get("IssueId__c") and rng.random() < 0.5:
            # a neighbouring case about another issue
            new["IssueId__c"] = self.decoy("Issue__c", new["IssueId__c"]) or new["IssueId__c"]
        group.add(obj.name, new, row["Id"])
        self.clone_children(group, obj.name, row["Id"], new["Id"], delta, rng, swap)
        return True

    def stale_version(self, group: RotGroup, obj: SObject, row: Row, target: RotTarget,
                      rng: random.Random, nth: int) -> bool:
        version = row.get("VersionNumber") or 1
        older = version - 1 - nth
        new = self.clone(obj, row, rng)
        if older >= 1:
            new.update(VersionNumber=older, PublishStatus="Archived", IsLatestVersion=False)
            if isinstance(new.get("LastPublishedDate"), dt.datetime):
                new["LastPublishedDate"] -= dt.timedelta(days=(nth + 1) * rng.randint(30, 120))
        elif older == 0:  # no older version left: a draft of the next one, never published
            new.update(VersionNumber=version + 1, PublishStatus="Draft", IsLatestVersion=False,
                       LastPublishedDate=None)
        else:
            return self.namesake(group, obj, row, target, rng, nth)
        for fld in ("FAQ_Answer__c", "Summary"):
            if fld in new:
                new[fld] = perturb_numbers(new[fld], rng)
        group.add(obj.name, new, row["Id"])
        return True

    def other_lead_transcript(self, group: RotGroup, obj: SObject, row: Row, target: RotTarget,
                              rng: random.Random, nth: int) -> bool:
        lead_id = row.get("LeadId__c")
        leads = [r for r in self.source.sample("Lead", 60) if r["Id"] != lead_id]
        if not leads:
            return self.out_of_window(group, obj, row, target, rng, nth)
        other = rng.choice(leads)
        new = self.clone(obj, row, rng)
        new["LeadId__c"] = other["Id"]
        mine = self.source.get("Lead", lead_id) if lead_id else None
        for fld in ("Name", "Body__c"):
            text = new.get(fld)
            if isinstance(text, str) and mine:
                for key in ("Name", "FirstName", "LastName", "Company"):
                    if mine.get(key) and other.get(key):
                        text = text.replace(str(mine[key]), str(other[key]))
                new[fld] = text
        if isinstance(new.get("Name"), str) and new["Name"] == row.get("Name"):
            new["Name"] = self.fresh_code(obj.name, "Name", new["Name"], rng)
        delta = self.window_delta(target, new, rng)
        if delta is None:
            delta = dt.timedelta(days=rng.choice((-3, -2, -1, 1, 2)))
        self.shift_dates(obj, new, delta)
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
                    today: dt.date | None = None, spare: int = 0) -> list[RotGroup]:
    """Distractor groups for `targets`, in target order; deterministic in every argument.
    `spare` extra groups per target (marked `spare`) are replacements for verification."""
    check_level(level)
    if level == "none" or not targets:
        return []
    planner = _Planner(record_source(data), schema, level, seed, today)
    groups: list[RotGroup] = []
    for i, target in enumerate(targets):
        groups.extend(planner.groups_for(i, target, spare))
    return groups


def plan_rot(data: OrgData | OrgDatabase | RecordSource, schema: OrgSchema,
             targets: Sequence[RotTarget], level: RotLevel, seed: int,
             today: dt.date | None = None) -> dict[str, list[Row]]:
    """Distractor rows (base names) for the task's rot targets: open_view's `extra_rows`."""
    return merge_groups(plan_rot_groups(data, schema, targets, level, seed, today))


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
