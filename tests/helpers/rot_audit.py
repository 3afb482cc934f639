"""Can a distractor row be told from the record it imitates by anything but the task's meaning?

Used by tests/validity/test_rot_indistinguishable.py and bench/rot_indistinguishable.py.

For many tasks of both orgs at a rot level, the audit takes the verified rot of the task's
episode org and compares every distractor row with its *source*, the base record it was cloned
from: the look-alike an agent has to tell it apart from. Each row is described by signals that
carry no task semantics, computed in its object's episode org (base rows plus that episode's
distractors). For a distractor moved out of the task's date window, and for an earlier version of
an article (older than the current one by definition), where it sits in its object (its Id
rank, its date's place in the history) is the task's meaning, so those two signals are left out
of that pair; everything else about it still counts:

- where its Id sits: rank in the object, Id gaps to the neighbours on either side;
- whether its Id agrees with its creation date (the date field that follows the Id order best)
  and its auto-number at both neighbours, and how far its date rank is from its Id rank;
- its dates: position in the object's history, hour/minute/second/weekday, the other date fields
  relative to it;
- its name as text (length, tokens, punctuation, how common its first/last/rarest token is among
  the object's base names), the shape of its email, phone and codes, how many base records of
  the object its owner owns.

A gradient-boosted classifier (scikit-learn), cross-validated with folds grouped by rot target
(the record and its children) and by the base records imitated (a record imitated under two
targets joins them: `fold_groups`), must not separate distractors from sources; per-family AUCs
say which signal leaks when it does.
Weights make every (task, object) contribute equally to both classes, so that an object's mere
share of distractors is no signal.

`IdPositionFilter` is the other half: a careless agent that drops every record whose Id falls
outside the base rows' apparent Id process (outside the object's Id range, or farther from its
nearest base Id than any base Id is from its own).
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from core.task import Task
from entropy import EpisodeOrgConfig, episode_rot
from entropy.rot import RotGroup
from env.agents.base import Observation, Script, ScriptedAgent
from env.agents.careless import careless_prepare
from env.agents.oracle import replay_script
from env.config import AssessmentConfig
from env.runner import run_assessment
from sandbox_db.database import OrgDatabase
from sandbox_db.ids import record_number
from sandbox_db.schema import FieldType, OrgSchema, SObject

Row = Mapping[str, Any]

#: The record's creation time, when a field shows it (else the first datetime, then date field).
CREATION_FIELDS = ("CreatedDate", "MessageDate", "StartTime", "StartDateTime", "LastPublishedDate")
#: A record number rather than a name: "00001027", "VCT-00029", "CH-001234".
AUTO_NUMBER = re.compile(r"^[A-Za-z]{0,6}[-#]?(\d{3,})$")
AUTO_NUMBER_FIELDS = ("CaseNumber", "OrderNumber", "OrderItemNumber", "ContractNumber",
                      "ArticleNumber")
EMAIL_FIELDS = ("Email", "PersonEmail")
SHAPE_FIELDS = ("Phone", "ProductCode", "External_ID__c", "Username", "Alias", "UrlName")
TOKEN = re.compile(r"[A-Za-z]+|\d+|[^\sA-Za-z\d]")

#: Signal family -> its features (the per-family AUCs).
FAMILIES: dict[str, tuple[str, ...]] = {
    "id_rank": ("id_rank",),
    "id_gaps": ("gap_prev", "gap_next"),
    "id_vs_date": ("date_agrees", "date_rank_diff"),
    "date_position": ("date_pos",),
    "time_of_day": ("hour", "minute", "second", "weekday"),
    "date_relations": ("delta_1", "delta_2", "delta_3"),
    "auto_number": ("number_agrees", "number_gap_prev", "number_gap_next"),
    "name_affixes": ("name_len", "name_tokens", "name_punct", "name_digits", "name_first_freq",
                     "name_last_freq", "name_rarest_freq"),
    "email_shape": ("email_shape_freq", "email_domain_freq"),
    "codes_shape": ("shape_freq",),
    "owner": ("owner_count",),
}
FEATURES: tuple[str, ...] = tuple(f for fs in FAMILIES.values() for f in fs)


def _seconds(value: Any) -> float | None:
    if isinstance(value, dt.datetime):
        return (value - dt.datetime(2000, 1, 1)).total_seconds()
    if isinstance(value, dt.date):
        return (dt.datetime.combine(value, dt.time()) - dt.datetime(2000, 1, 1)).total_seconds()
    return None


def _log(n: float) -> float:
    return math.log1p(max(n, 0))


def _shape(text: str) -> str:
    return re.sub(r"[a-z]", "a", re.sub(r"[A-Z]", "A", re.sub(r"\d", "9", text)))


def _email_template(email: str, first: str, last: str) -> tuple[str, str]:
    local, _, domain = email.lower().partition("@")
    f, la = re.sub(r"\W", "", first.lower()), re.sub(r"\W", "", last.lower())
    if la:
        local = local.replace(la, "L")
    if f:
        local = local.replace(f, "F")
        if local.startswith(f[:1] + "L"):
            local = "i" + local[1:]
    return re.sub(r"\d+", "9", local), domain


def _tokens(name: str) -> list[str]:
    return [t.lower() for t in TOKEN.findall(name)]


@dataclass
class ObjectIndex:
    """What the audit needs of one object's base rows."""

    obj: SObject
    numbers: list[int]
    rows: dict[int, Row]
    creation: str | None
    other_dates: list[str]
    auto_field: str | None
    anchors: list[float] = field(default_factory=list)  # sorted creation times
    anchor_range: tuple[float, float] = (0.0, 1.0)
    name_counts: Counter[str] = field(default_factory=Counter)
    owner_counts: Counter[str] = field(default_factory=Counter)
    email_counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    domain_counts: Counter[str] = field(default_factory=Counter)
    shape_counts: Counter[tuple[str, str]] = field(default_factory=Counter)

    @classmethod
    def build(cls, obj: SObject, rows: Sequence[Row]) -> ObjectIndex:
        dates = [f.name for f in obj.fields if f.type in (FieldType.DATETIME, FieldType.DATE)]
        creation = _creation_field(obj, rows, dates)
        auto = next((f for f in AUTO_NUMBER_FIELDS if obj.field(f) is not None), None)
        name_field = obj.name_field.name if obj.name_field else None
        if auto is None and name_field and rows and all(
                isinstance(r.get(name_field), str) and AUTO_NUMBER.match(r[name_field])
                for r in rows):
            auto = name_field
        by_number = {record_number(r["Id"]): r for r in rows}
        index = cls(obj=obj, numbers=sorted(by_number), rows=by_number, creation=creation,
                    other_dates=[d for d in dates if d != creation], auto_field=auto)
        if creation:
            index.anchors = sorted(s for r in rows if (s := _seconds(r.get(creation))) is not None)
            if index.anchors:
                index.anchor_range = (index.anchors[0], max(index.anchors[-1],
                                                            index.anchors[0] + 1))
        for r in rows:
            for key, value in index.counted(r):
                index.count(key, value, +1)
        return index

    # --- per-row counted values (leave-one-out for base rows) --------------------------------
    def counted(self, row: Row) -> Iterator[tuple[str, Any]]:
        name_field = self.obj.name_field.name if self.obj.name_field else None
        if name_field and name_field != self.auto_field and isinstance(row.get(name_field), str):
            for token in set(_tokens(row[name_field])):
                yield "name", token
        if row.get("OwnerId"):
            yield "owner", row["OwnerId"]
        for f in EMAIL_FIELDS:
            if isinstance(row.get(f), str) and "@" in row[f]:
                first = row.get("FirstName") or (row.get("Name") or "").split(" ")[0]
                last = row.get("LastName") or (row.get("Name") or "").split(" ")[-1]
                template = _email_template(row[f], first or "", last or "")
                yield "email", template
                yield "domain", template[1]
        for f in SHAPE_FIELDS:
            if isinstance(row.get(f), str):
                yield "shape", (f, _shape(row[f]))

    def count(self, key: str, value: Any, delta: int) -> None:
        {"name": self.name_counts, "owner": self.owner_counts, "email": self.email_counts,
         "domain": self.domain_counts, "shape": self.shape_counts}[key][value] += delta



def _creation_field(obj: SObject, rows: Sequence[Row], dates: Sequence[str]) -> str | None:
    """The date field an adversary would read as the creation date: the one whose order
    follows the Id order best in the base rows (ties: the usual creation fields first)."""
    ordered = sorted(rows, key=lambda r: record_number(r["Id"]))

    def agreement(name: str) -> float:
        values = [_seconds(r.get(name)) for r in ordered]
        pairs = [(a, b) for a, b in zip(values, values[1:], strict=False)
                 if a is not None and b is not None]
        return sum(a <= b for a, b in pairs) / len(pairs) if pairs else 0.0

    preference = {name: i for i, name in enumerate(CREATION_FIELDS)}
    return max(dates, key=lambda d: (round(agreement(d), 3), -preference.get(d, 99)),
               default=None)


class BaseIndex:
    """Every object's ObjectIndex, built on first use."""

    def __init__(self, schema: OrgSchema, data: Mapping[str, Sequence[Row]]) -> None:
        self.schema = schema
        self.data = data
        self._objects: dict[str, ObjectIndex] = {}

    def __getitem__(self, obj: str) -> ObjectIndex:
        if obj not in self._objects:
            sobj = self.schema.get(obj)
            assert sobj is not None
            self._objects[obj] = ObjectIndex.build(sobj, self.data.get(obj, ()))
        return self._objects[obj]


def _auto_value(index: ObjectIndex, row: Row | None) -> int | None:
    if row is None or index.auto_field is None:
        return None
    m = AUTO_NUMBER.match(str(row.get(index.auto_field) or ""))
    return int(m.group(1)) if m else None


def _features(index: ObjectIndex, row: Row, is_base: bool, rot: dict[int, Row],
              rot_numbers: list[int], rot_anchors: list[float]) -> dict[str, float]:
    """The signals of `row` (a base row or one of the episode's distractors) in its object."""
    nan = math.nan
    x = record_number(row["Id"])
    numbers = index.numbers
    b = bisect.bisect_left(numbers, x)
    base_prev = numbers[b - 1] if b > 0 else None
    base_next_i = b + 1 if is_base else b
    base_next = numbers[base_next_i] if base_next_i < len(numbers) else None
    r = bisect.bisect_left(rot_numbers, x)
    rot_prev = rot_numbers[r - 1] if r > 0 else None
    rot_next_i = r if is_base else r + 1
    rot_next = rot_numbers[rot_next_i] if rot_next_i < len(rot_numbers) else None
    prev = max((p for p in (base_prev, rot_prev) if p is not None), default=None)
    nxt = min((n for n in (base_next, rot_next) if n is not None), default=None)
    total = len(numbers) + len(rot_numbers)
    out: dict[str, float] = dict.fromkeys(FEATURES, nan)
    out["id_rank"] = (b + r) / max(1, total - 1)
    out["gap_prev"] = _log(x - prev) if prev is not None else nan
    out["gap_next"] = _log(nxt - x) if nxt is not None else nan

    def neighbour(n: int | None) -> Row | None:
        if n is None:
            return None
        return rot.get(n) or index.rows.get(n)

    if index.creation:
        mine = _seconds(row.get(index.creation))
        if mine is not None:
            votes = []
            for n, sign in ((prev, 1), (nxt, -1)):
                other = neighbour(n)
                theirs = _seconds(other.get(index.creation)) if other else None
                if theirs is not None:
                    votes.append(1.0 if sign * (mine - theirs) >= 0 else 0.0)
            out["date_agrees"] = sum(votes) / len(votes) if votes else nan
            date_rank = bisect.bisect_left(index.anchors, mine) + \
                bisect.bisect_left(rot_anchors, mine)
            out["date_rank_diff"] = (date_rank - (b + r)) / max(1, total)
            lo, hi = index.anchor_range
            out["date_pos"] = (mine - lo) / (hi - lo)
            when = row[index.creation]
            if isinstance(when, dt.datetime):
                out.update(hour=when.hour, minute=when.minute, second=when.second)
            out["weekday"] = when.weekday()
            for k, other_field in enumerate(index.other_dates[:3], 1):
                theirs = _seconds(row.get(other_field))
                if theirs is not None:
                    out[f"delta_{k}"] = (theirs - mine) / 86400
    mine_no = _auto_value(index, row)
    if mine_no is not None:
        votes = []
        for n, sign in ((prev, 1), (nxt, -1)):
            theirs_no = _auto_value(index, neighbour(n))
            if theirs_no is not None:
                votes.append(1.0 if sign * (mine_no - theirs_no) > 0 else 0.0)
                out["number_gap_prev" if sign > 0 else "number_gap_next"] = \
                    _log(abs(mine_no - theirs_no))
        out["number_agrees"] = sum(votes) / len(votes) if votes else nan
    name_field = index.obj.name_field.name if index.obj.name_field else None
    name = row.get(name_field) if name_field and name_field != index.auto_field else None
    loo = 1  # counts are over the episode's object (base rows and distractors) but the row
    if isinstance(name, str) and name:
        tokens = _tokens(name)
        freqs = [_log(index.name_counts[t] - loo) for t in tokens]
        out.update(name_len=len(name), name_tokens=len(tokens),
                   name_punct=sum(1 for t in tokens if not t.isalnum()),
                   name_digits=sum(1 for t in tokens if t.isdigit()),
                   name_first_freq=freqs[0], name_last_freq=freqs[-1],
                   name_rarest_freq=min(freqs))
    for key, value in index.counted(row):
        if key == "owner":
            out["owner_count"] = _log(index.owner_counts[value] - loo)
        elif key == "email":
            out["email_shape_freq"] = _log(index.email_counts[value] - loo)
        elif key == "domain":
            out["email_domain_freq"] = _log(index.domain_counts[value] - loo)
        elif key == "shape":
            freq = _log(index.shape_counts[value] - loo)
            out["shape_freq"] = min(freq, out["shape_freq"]) \
                if not math.isnan(out["shape_freq"]) else freq
    return out


@dataclass
class Sample:
    """One row's signals: label 1 for a distractor, 0 for the base record it imitates."""

    task: str
    obj: str
    label: int
    kind: str
    features: dict[str, float]
    #: The rot target the pair is about (the record whose distractors these are; a child's
    #: pair belongs to its parent's target): folds keep it on one side.
    source: str = ""
    #: The Id of the base record the pair's distractor imitates (the pair's base row).
    imitates: str = ""


def episode_samples(index: BaseIndex, task: Task, groups: Sequence[RotGroup]) -> list[Sample]:
    """One episode's distractors and the base records they are compared with, each described
    in its episode org."""
    by_object: dict[str, list[tuple[Row, str, str, bool, str]]] = {}
    for g in groups:
        target = task.rot_targets[g.target] if g.target < len(task.rot_targets) else None
        windowed = target is not None and bool(target.date_field) and \
            (target.window_start is not None or target.window_end is not None)
        about = target.record_id if target is not None else ""
        for obj, rows in g.rows.items():
            for row in rows:
                by_object.setdefault(obj, []).append((row, g.sources[row["Id"]], g.kind,
                                                      windowed, about))
    out: list[Sample] = []
    for obj, entries in by_object.items():
        oi = index[obj]
        rot = {record_number(row["Id"]): row for row, *_ in entries}
        rot_numbers = sorted(rot)
        rot_anchors = sorted(s for row, *_ in entries
                             if oi.creation and (s := _seconds(row.get(oi.creation))) is not None)
        source_cache: dict[str, dict[str, float]] = {}
        for row in rot.values():  # counts over the episode's object, as the agent sees it
            for key, value in oi.counted(row):
                oi.count(key, value, +1)
        for row, source_id, kind, windowed, about in entries:
            source = oi.rows.get(record_number(source_id))
            if source is None or source["Id"] != source_id:
                continue  # a clone of a distractor's child: no base look-alike
            if source_id not in source_cache:
                source_cache[source_id] = _features(oi, source, True, rot, rot_numbers,
                                                    rot_anchors)
            pair = [_features(oi, row, False, rot, rot_numbers, rot_anchors),
                    dict(source_cache[source_id])]
            # an earlier version of an article is older than the current one: that is its meaning
            older = row.get("VersionNumber") is not None and \
                row.get("VersionNumber") < (source.get("VersionNumber") or 0)
            for label, features in zip((1, 0), pair, strict=True):
                if windowed or older:
                    features.update(id_rank=math.nan, date_pos=math.nan)
                out.append(Sample(task.id, obj, label, kind, features, about, source_id))
        for row in rot.values():
            for key, value in oi.counted(row):
                oi.count(key, value, -1)
    return out


def rot_samples(db: OrgDatabase, index: BaseIndex, tasks: Iterable[Task], level: str,
                seed: int = 1) -> list[Sample]:
    """The samples of every task's verified episode rot at `level`."""
    out: list[Sample] = []
    for task in tasks:
        config = EpisodeOrgConfig(org=task.org, rot=level, seed=seed, today=task.today)  # type: ignore[arg-type]
        out.extend(episode_samples(index, task, episode_rot(db, config, task).kept))
    return out


@dataclass
class AucReport:
    overall: float
    families: dict[str, float]
    objects: dict[str, tuple[float, int]]
    rows: int

    @property
    def worst_family(self) -> tuple[str, float]:
        name = max(self.families, key=lambda k: abs(self.families[k] - 0.5))
        return name, self.families[name]


def _matrix(samples: Sequence[Sample], columns: Sequence[str], objects: Sequence[str]) -> Any:
    import numpy as np

    code = {o: i for i, o in enumerate(objects)}
    return np.array([[code[s.obj], *(s.features[c] for c in columns)] for s in samples],
                    dtype=float)


def _weights(samples: Sequence[Sample]) -> Any:
    """Each (task, object, class) carries the same total weight."""
    import numpy as np

    sizes = Counter((s.task, s.obj, s.label) for s in samples)
    return np.array([1.0 / sizes[(s.task, s.obj, s.label)] for s in samples])


def fold_groups(samples: Sequence[Sample]) -> list[str]:
    """Per sample, the group its fold keeps together: its rot target, joined with every other
    target under which the same base record is imitated. One base record is often imitated
    under several targets (a case that is a task's target in one task, and a child of a product
    cloned for a look-alike in another); with folds by target alone, a classifier that saw it
    in training recognised its place (its Id gaps, its auto-number) out of fold: per object,
    Case's AUC was 0.63 by that alone and 0.54 once such targets share a fold."""
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        parent.setdefault(key, key)
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for s in samples:
        a, b = root(f"target:{s.source}"), root(f"base:{s.imitates or s.source}")
        if a != b:
            parent[a] = b
    return [root(f"target:{s.source}") for s in samples]


def cross_validated_auc(samples: Sequence[Sample], columns: Sequence[str],
                        folds: int = 4, max_iter: int = 100) -> float:
    """ROC AUC of out-of-fold predictions. Folds are grouped by rot target and base record
    imitated (`fold_groups`): many tasks have the same record in play (a policy article), and a
    target's children (a case's history rows) sit side by side; a classifier that saw one of
    them in training would only recognise where that record lies in the base org (the same in
    every episode, while its distractors move), which no single episode shows, not a signal.
    The object is a categorical feature, so a signal may mean different things in different
    objects."""
    import numpy as np
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import GroupKFold
    from threadpoolctl import threadpool_limits

    objects = sorted({s.obj for s in samples})
    x = _matrix(samples, columns, objects)
    y = np.array([s.label for s in samples])
    w = _weights(samples)
    groups = np.array(fold_groups(samples))
    scores = np.zeros(len(samples))
    usable = [i for i in range(x.shape[1]) if i == 0 or not np.all(np.isnan(x[:, i]))]
    x = x[:, usable]
    for train, test in GroupKFold(n_splits=folds).split(x, y, groups):
        model = HistGradientBoostingClassifier(max_iter=max_iter, max_leaf_nodes=15,
                                               categorical_features=[0], random_state=0)
        with threadpool_limits(1):  # the machine is shared; threads only contend
            model.fit(x[train], y[train], sample_weight=w[train])
            scores[test] = model.predict_proba(x[test])[:, 1]
    return float(roc_auc_score(y, scores, sample_weight=w))


def audit(samples: Sequence[Sample], folds: int = 4, per_object: bool = False) -> AucReport:
    """Overall and per-family cross-validated AUCs (and per object, on request)."""
    overall = cross_validated_auc(samples, FEATURES, folds)
    families = {name: cross_validated_auc(samples, cols, folds, max_iter=40)
                for name, cols in FAMILIES.items()}
    objects: dict[str, tuple[float, int]] = {}
    by_object: dict[str, list[Sample]] = {}
    for s in samples:
        by_object.setdefault(s.obj, []).append(s)
    for obj, rows in sorted(by_object.items(), key=lambda kv: -len(kv[1])):
        if per_object and len(set(fold_groups(rows))) >= folds and \
                len({s.label for s in rows}) == 2:
            objects[obj] = (cross_validated_auc(rows, FEATURES, folds, max_iter=40), len(rows))
    return AucReport(overall, families, objects, len(samples))


# --- an agent that filters records by Id position ---------------------------------------------

class IdPositionFilter:
    """Per key prefix: the base Ids' range and the largest distance from a base Id to its nearest
    base neighbour. A record outside the range, or farther than that from every base Id, looks
    like it was not made by the base org's Id process and is dropped."""

    def __init__(self, schema: OrgSchema, data: Mapping[str, Sequence[Row]]) -> None:
        self.models: dict[str, tuple[list[int], int]] = {}
        for obj in schema.objects:
            numbers = sorted(record_number(r["Id"]) for r in data.get(obj.name, ()))
            if len(numbers) < 2:
                continue
            nearest = [min(b - a, c - b) for a, b, c in zip(numbers, numbers[1:], numbers[2:],
                                                            strict=False)]
            nearest += [numbers[1] - numbers[0], numbers[-1] - numbers[-2]]
            self.models[obj.key_prefix] = (numbers, max(nearest))

    def plausible(self, record_id: str) -> bool:
        model = self.models.get(record_id[:3])
        if model is None or len(record_id) not in (15, 18):
            return True
        numbers, reach = model
        x = record_number(record_id)
        if x < numbers[0] or x > numbers[-1]:
            return False
        i = bisect.bisect_left(numbers, x)
        near = min(abs(x - numbers[j]) for j in (i - 1, i) if 0 <= j < len(numbers))
        return near <= reach

    def filter(self, body: Any) -> Any:
        """A tool result with implausible records removed (recursively, sizes adjusted)."""
        if isinstance(body, list):
            return [self.filter(b) for b in body]
        if not isinstance(body, dict):
            return body
        out = {k: self.filter(v) for k, v in body.items()}
        for key in ("records", "searchRecords"):
            records = out.get(key)
            if isinstance(records, list):
                out[key] = [r for r in records if not (
                    isinstance(r, dict) and isinstance(r.get("Id"), str)
                    and not self.plausible(r["Id"]))]
                if "totalSize" in out:
                    out["totalSize"] = len(out[key])
        return out


def id_filter_agent(filters: Mapping[str, IdPositionFilter],
                    drift: str | None = None) -> ScriptedAgent:
    """The careless agent, seeing every tool result through its org's IdPositionFilter."""

    def script(task: Task, trial: int) -> Script:
        inner = replay_script(task, drift, careless_prepare)
        position = filters[task.org]
        try:
            reply = next(inner)
            while True:
                observation = yield reply
                reply = inner.send(Observation(observation.header,
                                               position.filter(observation.body)))
        except StopIteration:
            return

    return ScriptedAgent("id-filter", script)


async def pass_rates(agent: ScriptedAgent, level: str, concurrency: int = 4) -> dict[str, float]:
    """Share of tasks passed over both default task sets at drift none, rot `level`: overall
    and per org."""
    config = AssessmentConfig(org_type="both", rot_level=level, concurrency=concurrency)
    results = await run_assessment(config, agent, None)
    out: dict[str, list[bool]] = {"overall": []}
    for r in results.tasks:
        out["overall"].append(r.passed)
        out.setdefault(r.task_id.split("-")[0], []).append(r.passed)
    return {k: sum(v) / len(v) for k, v in out.items() if v}
