"""Prewarm the on-disk rot cache: plan and verify every task's context rot at every level ahead
of time, so that an assessment (or a container image built with it) plans none at run time.

Why worker processes: planning distractors is pure Python and holds the GIL; only the
verification's DuckDB queries release it, so threads kept about one core busy. Each worker
process opens its own read-only org and task set and takes chunks of (org, level, tasks), the
heaviest level first. A plan already on disk is a cheap read, so prewarming twice plans nothing
the second time; `PrewarmStats` says how many plans were planned, found, or could not be stored.

`copy_prewarmed` copies the orgs and their current rot plans (nothing stale) to another org
cache folder: an image build prewarms in a build cache that outlives it, where every plan whose
inputs did not change is still there, and copies the result into the image.
"""

from __future__ import annotations

import multiprocessing
import shutil
import time
from collections import Counter
from collections.abc import Collection, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import entropy.rot_cache as rot_cache
from core.cores import usable_cores
from core.levels import DEFAULT_ENTROPY_SEED, LEVELS
from core.org_type import OrgType
from core.task import Task
from data.org import DEFAULT_SEED
from data.org.store import build_org, load_org
from data.tasks import load_task_set
from entropy.episode_org import EpisodeOrgConfig, episode_rot, rot_entry_path
from sandbox_db.database import OrgDatabase

#: Tasks per unit of work handed to a worker (small enough to balance two to eight workers).
CHUNK = 20


@dataclass(frozen=True)
class PrewarmStats:
    """What one prewarm did. `unstored` plans are planned again by every process that needs
    them (the reference solution could not be verified, or the cache folder is not writable)."""

    plans: int
    planned: int
    cached: int
    unstored: int
    seconds: float


_WORKER_STATE: dict[tuple[OrgType, int], tuple[OrgDatabase, dict[str, Task]]] = {}


def _org_and_tasks(org: OrgType, org_seed: int) -> tuple[OrgDatabase, dict[str, Task]]:
    """This process's org database and task set (opened once per process)."""
    state = _WORKER_STATE.get((org, org_seed))
    if state is None:
        state = _WORKER_STATE[(org, org_seed)] = (
            load_org(org, org_seed), {t.id: t for t in load_task_set(org)})
    return state


def _warm(org: OrgType, org_seed: int, level: str, seed: int,
          task_ids: Sequence[str]) -> Counter[str]:
    """Plan (or find) the rot of `task_ids` at one level; counts of planned/cached/unstored."""
    db, tasks = _org_and_tasks(org, org_seed)
    config = EpisodeOrgConfig(org=org, rot=level, seed=seed)
    outcome: Counter[str] = Counter()
    for task_id in task_ids:
        task = tasks[task_id]
        entry = rot_entry_path(db, config, task)
        if entry is not None and rot_cache.load(entry) is not None:
            outcome["cached"] += 1
            continue
        episode_rot(db, config, task)
        outcome["planned" if entry is not None and entry.exists() else "unstored"] += 1
    return outcome


def prewarm_rot(orgs: Sequence[OrgType], levels: Sequence[str] = LEVELS[1:], *,
                seed: int = DEFAULT_ENTROPY_SEED, org_seed: int = DEFAULT_SEED,
                workers: int | None = None,
                only: Collection[str] | None = None) -> PrewarmStats:
    """Fill the on-disk rot cache for the default task sets of `orgs` at `levels` (`only`:
    just these task ids of them)."""
    if not rot_cache.enabled():
        raise ValueError(f"the on-disk rot cache is off ({rot_cache.DISABLE_ENV}=0): "
                         "nothing to prewarm")
    started = time.perf_counter()
    for org in orgs:
        build_org(org, org_seed)  # build each org once, here, not in every worker
    task_ids = {org: [t.id for t in load_task_set(org) if only is None or t.id in only]
                for org in orgs}
    jobs = [(org, org_seed, level, seed, ids[i:i + CHUNK])
            for level in sorted(levels, key=LEVELS.index, reverse=True)  # heaviest first
            for org, ids in task_ids.items() for i in range(0, len(ids), CHUNK)]
    workers = workers or usable_cores()
    totals: Counter[str] = Counter()
    if workers <= 1:
        for job in jobs:
            totals += _warm(*job)
    else:
        # spawn: a worker must not inherit this process's DuckDB connections or threads
        with ProcessPoolExecutor(max_workers=workers,
                                 mp_context=multiprocessing.get_context("spawn")) as pool:
            for future in [pool.submit(_warm, *job) for job in jobs]:
                totals += future.result()
    return PrewarmStats(plans=sum(totals.values()), planned=totals["planned"],
                        cached=totals["cached"], unstored=totals["unstored"],
                        seconds=round(time.perf_counter() - started, 1))


def copy_prewarmed(orgs: Sequence[OrgType], target: Path, *,
                   org_seed: int = DEFAULT_SEED) -> int:
    """Copy each org's file, its info and this code version's rot plans to the org cache folder
    `target`; returns the number of plans copied. The copies are byte for byte, so the plans'
    keys (the org's content) hold there."""
    copied = 0
    for org in orgs:
        info = build_org(org, org_seed)
        target.mkdir(parents=True, exist_ok=True)
        for path in (info.path, info.path.with_suffix(".json")):
            shutil.copyfile(path, target / path.name)
        plans = rot_cache.version_dir(info.path)
        if plans.is_dir():
            shutil.copytree(plans, target / plans.relative_to(info.path.parent),
                            ignore=shutil.ignore_patterns("*.tmp*"), dirs_exist_ok=True)
            copied += sum(1 for _ in plans.glob(f"*{rot_cache.SUFFIX}"))
    return copied
