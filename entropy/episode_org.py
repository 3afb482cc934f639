"""One episode's org: the drift plan applied as views, plus verified distractor rows.

`build_episode_org(db, config, task)` is the whole entropy pipeline for the runner:
1. drift: `plan_drift(schema, config.drift, config.seed, must_rename=task.referenced_fields)`.
   Decision: must_rename is the *task's own* referenced fields, not the union over the task set.
   Every task's reference fields are still renamed at low+ (the issue's requirement), while the
   plan for a given task does not change when unrelated tasks are added to or removed from the
   set, and an episode never needs the whole task set loaded.
2. rot: distractor groups for the task's rot targets (or, for a task without targets and for the
   CLI, a few org-wide targets), then verified: the reference solution runs on the rotted,
   undrifted org, and groups that change its answer are replaced by spare groups that do not
   (see `verify_rot`), so rot stays at its level without ever moving the gold. Verified rows are
   cached per (org content, task, level, seed, today) in memory and on disk (entropy.rot_cache).
3. `open_view(db, drifted schema, base_names, rows)`: DuckDB views taken lazily, shared with
   the other episodes that see an object alike (sandbox_db.database.SharedViews).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

import data.tasks.categories  # noqa: F401 - registers every derivation run_reference applies
import entropy.rot_cache as rot_cache
from core.bounded_cache import BoundedCache
from core.org_type import OrgType
from core.task import Task
from data.tasks.reference import run_reference
from entropy.drift import DriftPlan, plan_drift
from entropy.levels import DriftLevel, RotLevel, check_level
from entropy.rot import (
    SPARE_GROUPS,
    RotGroup,
    Row,
    default_rot_targets,
    merge_groups,
    plan_rot_groups,
)
from sandbox_db.database import OrgData, OrgDatabase, OrgView, open_view
from sandbox_db.schema import SObject

#: (view, task, today) -> the task's answer on that view (data.tasks.reference.run_reference).
ReferenceRunner = Callable[[OrgView, Task, dt.date | None], Sequence[Any]]


class EpisodeOrgConfig(BaseModel):
    """Everything that determines the org an episode's agent sees (with the task)."""

    model_config = ConfigDict(frozen=True)

    org: OrgType
    drift: DriftLevel = "none"
    rot: RotLevel = "none"
    seed: int = 0
    #: Overrides the task's own date. None: the task's date; an undated task's rot is planned
    #: without a date, so it never depends on the wall clock and can be prewarmed (callers pass
    #: only a date the user chose, never the day they run on).
    today: dt.date | None = None
    #: The User statements run as (USING SCOPE mine, ...); None: the org's default running user.
    running_user_id: str | None = None


@dataclass
class EpisodeOrg:
    """The episode's view plus how it was made (for logs, `crmarena org diff` and tests)."""

    view: OrgView
    plan: DriftPlan
    rot_rows: dict[str, list[dict[str, Any]]]
    rot_groups: list[RotGroup] = field(default_factory=list)
    #: Groups planned but dropped because they changed the task's gold answer.
    dropped_groups: list[RotGroup] = field(default_factory=list)

    def close(self) -> None:
        self.view.close()

    def __enter__(self) -> EpisodeOrg:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass(frozen=True)
class _VerifiedRot:
    kept: list[RotGroup]
    dropped: list[RotGroup]

    @cached_property
    def rows(self) -> dict[str, list[Row]]:
        """The kept groups' rows per base object, merged once: the episodes of a task share
        these lists (never changed), which SharedRows recognises without encoding them again."""
        return merge_groups(self.kept)


_ROT_CACHE: BoundedCache[tuple[Any, ...], _VerifiedRot] = BoundedCache(4096)


def _normal(answer: Sequence[Any]) -> list[str]:
    return sorted(str(a) for a in answer)


def _task_digest(task: Task | None) -> str:
    if task is None:
        return "-"
    return hashlib.sha256(task.model_dump_json().encode()).hexdigest()[:16]


def verify_rot(db: OrgDatabase, task: Task, groups: list[RotGroup], today: dt.date | None,
               runner: ReferenceRunner) -> _VerifiedRot:
    """Keep only distractor groups under which the reference solution still gives the gold.

    `groups` are the level's groups plus spares (`spare=True`). If the level's groups together
    leave the answer unchanged, they are the result. Otherwise, per target, the first groups
    (spares included, in planned order) that leave the answer unchanged on their own replace
    them, up to the level's count; then groups are dropped from the end until the combination
    leaves it unchanged too. Deterministic: the same inputs always keep the same groups.
    """
    gold = _normal(task.answer)

    def unchanged(subset: list[RotGroup]) -> bool:
        view = open_view(db, extra_rows=merge_groups(subset) or None)
        try:
            return _normal(runner(view, task, today)) == gold
        except Exception:  # noqa: BLE001 - a reference that breaks under rot = answer changed
            return False
        finally:
            view.close()

    primary = [g for g in groups if not g.spare]
    if not primary or unchanged(primary):
        return _VerifiedRot(primary, [])
    if not unchanged([]):  # cannot verify anything: keep the gold safe, inject nothing
        warnings.warn(f"task {task.id}: the reference solution does not reproduce the gold answer "
                      "on the base org, so no context rot is injected", RuntimeWarning,
                      stacklevel=3)
        return _VerifiedRot([], primary)
    kept: list[RotGroup] = []
    for target in dict.fromkeys(g.target for g in groups):
        wanted = sum(1 for g in primary if g.target == target)
        # the first `wanted` that pass, in order: later groups need no reference run
        passing = (g for g in groups if g.target == target and unchanged([g]))
        kept.extend(itertools.islice(passing, wanted))
    while kept and not unchanged(kept):
        kept.pop()
    kept_ids = {id(g) for g in kept}
    return _VerifiedRot(kept, [g for g in primary if id(g) not in kept_ids])


def _plan_date(config: EpisodeOrgConfig, task: Task | None) -> dt.date | None:
    """The date rot is planned for: the config's override, else the task's own (or none)."""
    return config.today or (task.today if task is not None else None)


def episode_rot(db: OrgDatabase, config: EpisodeOrgConfig, task: Task | None = None,
                data: OrgData | None = None,
                reference_runner: ReferenceRunner | None = None) -> _VerifiedRot:
    """The episode's verified distractor groups (cached; the base org is immutable)."""
    check_level(config.rot)
    if config.rot == "none":
        return _VerifiedRot([], [])
    today = _plan_date(config, task)
    key = _rot_key(db, config, task, reference_runner)
    on_disk = reference_runner is None and data is None
    known = _remembered(db, config, task, key, on_disk)
    if known is not None:
        return known
    disk = rot_entry_path(db, config, task) if on_disk else None
    source: Any = data if data is not None else db
    targets = list(task.rot_targets) if task is not None and task.rot_targets else \
        default_rot_targets(source, db.schema, config.seed)
    verify = task is not None and task.reference is not None
    groups = plan_rot_groups(source, db.schema, targets, config.rot, config.seed,
                             spare=SPARE_GROUPS if verify else 0)
    result = _VerifiedRot([g for g in groups if not g.spare], [])
    if verify and groups and task is not None:
        result = verify_rot(db, task, groups, today, reference_runner or run_reference)
        # "nothing could be verified" (which warns) stays in memory
        if not result.kept and result.dropped:
            disk = None
    if disk is not None:
        rot_cache.store(disk, result.kept, result.dropped)
    return _ROT_CACHE.put(key, result)


def _rot_key(db: OrgDatabase, config: EpisodeOrgConfig, task: Task | None,
             reference_runner: ReferenceRunner | None) -> tuple[Any, ...]:
    return (str(db.path), db.schema.version, _task_digest(task), config.rot, config.seed,
            _plan_date(config, task), reference_runner)


def _remembered(db: OrgDatabase, config: EpisodeOrgConfig, task: Task | None,
                key: tuple[Any, ...], on_disk: bool) -> _VerifiedRot | None:
    """The rot under `key` in memory, else (`on_disk`) from its disk entry, else None."""
    hit = _ROT_CACHE.get(key)
    if hit is not None or not on_disk:
        return hit
    disk = rot_entry_path(db, config, task)
    stored = rot_cache.load(disk) if disk is not None else None
    return _ROT_CACHE.put(key, _VerifiedRot(*stored)) if stored is not None else None


def stored_rot(db: OrgDatabase, config: EpisodeOrgConfig, task: Task) -> _VerifiedRot | None:
    """The episode's verified rot if it is planned already (in memory or on disk), else None:
    never plans or verifies."""
    check_level(config.rot)
    if config.rot == "none":
        return _VerifiedRot([], [])
    return _remembered(db, config, task, _rot_key(db, config, task, None), on_disk=True)


def prefetch_rot_rows(db: OrgDatabase, config: EpisodeOrgConfig, tasks: Iterable[Task]) -> int:
    """Put the distractor rows of episodes about to start into the database's shared tables
    together (`SharedRows.prefetch`: one statement per object, not one per episode and object),
    for the tasks whose rot is planned already. Returns how many sets were inserted."""
    sets: list[tuple[SObject, list[Row]]] = []
    for task in tasks:
        rot = stored_rot(db, config, task)
        if rot is None:
            continue
        # an agent queries the objects its task is about; rows of others go in when asked for
        about = {name for name, _ in task.referenced_fields}
        for name, rows in rot.rows.items():
            obj = db.schema.get(name)
            if obj is not None and (not about or name in about):
                sets.append((obj, rows))
    return db.rows.prefetch(sets) if sets else 0


def rot_entry_path(db: OrgDatabase, config: EpisodeOrgConfig, task: Task | None = None
                   ) -> Path | None:
    """Where this episode's verified rot is cached on disk (None: disk cache off or the org file
    is unusable). The key is content only: the org's bytes, the task, the level, the seed and
    the date the plan uses (the config's override, else the task's own date)."""
    if not rot_cache.enabled():
        return None
    today = _plan_date(config, task)
    try:
        return rot_cache.entry_path(Path(db.path), (
            rot_cache.org_digest(Path(db.path)), db.schema.version, task.id if task else "-",
            _task_digest(task), config.rot, config.seed, today))
    except (OSError, TypeError):
        return None


def build_episode_org(db: OrgDatabase, config: EpisodeOrgConfig, task: Task | None = None,
                      data: OrgData | None = None, *,
                      reference_runner: ReferenceRunner | None = None) -> EpisodeOrg:
    """The org one episode's agent sees: drifted names (views) over base + verified rot rows."""
    if config.org != db.schema.org:
        raise ValueError(f"config is for the {config.org} org but the database holds "
                         f"{db.schema.org}")
    if task is not None and task.org != db.schema.org:
        raise ValueError(f"task {task.id} is for the {task.org} org, not {db.schema.org}")
    must = task.referenced_fields if task is not None else ()
    plan = plan_drift(db.schema, config.drift, config.seed, must)
    visible, base_names = plan.apply(db.schema)
    rot = episode_rot(db, config, task, data, reference_runner)
    rows = rot.rows
    view = open_view(db, visible, base_names, rows or None,
                     running_user_id=config.running_user_id)
    return EpisodeOrg(view=view, plan=plan, rot_rows=rows, rot_groups=rot.kept,
                      dropped_groups=rot.dropped)


def build_view(db: OrgDatabase, drift: DriftLevel = "none", rot: RotLevel = "none",
               seed: int = 0, today: dt.date | None = None, task: Task | None = None,
               running_user_id: str | None = None) -> OrgView:
    """Just the view (CLI, REPL, export-db): closing the view releases everything."""
    config = EpisodeOrgConfig(org=db.schema.org, drift=drift, rot=rot, seed=seed, today=today,
                              running_user_id=running_user_id)
    return build_episode_org(db, config, task).view
