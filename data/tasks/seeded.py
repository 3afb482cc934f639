"""Task sets by task seed: the committed public practice set, or a fresh set built on demand.

Why fresh sets: the committed sets (data/tasksets/*.json, seed 42) are public, so an agent can
look their gold answers up. Any other seed generates its own orgs (data.org.store, cached by
seed) and its own tasks, every category in full, gold answers derived on that org.

Why on demand: selecting tasks needs only their ids and categories, which a seed's set fixes
before it is built (every category yields exactly `per_category` tasks, numbered from 1, or the
seed is an error), so an assessment builds just the categories it selected, each cached on disk
(data.tasks.taskset_cache). Rot needs no step here: it is planned and verified per episode
(entropy.episode_org).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import threading
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import data.tasks.taskset_cache as cache
from core.org_type import OrgType
from core.task import Task
from data.org import DEFAULT_SEED, GENERATOR_VERSION
from data.org.store import OrgInfo, build_org, load_org, load_org_data
from data.tasks.build import (
    DEFAULT_PER_CATEGORY,
    BuildReport,
    ShortCategory,
    applicable_categories,
    build_task_set,
    task_id,
)
from data.tasks.taskset import load_task_set, taskset_path
from sandbox_db.database import OrgDatabase

#: The seed of the committed public practice set (its orgs and tasks).
PUBLIC_SEED = DEFAULT_SEED


class TaskLike(Protocol):
    """What selecting and supplying tasks read of a task: a Task or a TaskRef."""

    @property
    def id(self) -> str: ...
    @property
    def org(self) -> OrgType: ...
    @property
    def category(self) -> str: ...
    @property
    def source(self) -> str | None: ...


@dataclass(frozen=True)
class TaskRef:
    """What task selection needs of a task before it is built (a Task has the same fields)."""

    id: str
    org: OrgType
    category: str
    source: str | None = None


class TaskSetError(ValueError):
    """A seed whose task set cannot be generated in full; names the org and the categories."""


_locks: dict[tuple[str, int, str], threading.Lock] = {}
_locks_guard = threading.Lock()


def _lock(org: OrgType, seed: int, cache_dir: Path | None) -> threading.Lock:
    """One build per (org, seed, cache) at a time in a process: concurrent assessments of the
    same seed wait for the first build and then read its cache entries."""
    with _locks_guard:
        return _locks.setdefault((org, seed, str(cache_dir)), threading.Lock())


@lru_cache(maxsize=4)
def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def content_version(org: OrgType, fingerprint: str) -> str:
    """An org's content version without its seed (what records the org, never the seed)."""
    return f"{org}-g{GENERATOR_VERSION}-{fingerprint[:12]}"


@dataclass(frozen=True)
class SeededTaskSet:
    """The task set of one org for one task seed (None: the committed public practice set)."""

    org: OrgType
    seed: int | None
    per_category: int = DEFAULT_PER_CATEGORY
    #: Where built categories are cached (default: beside the orgs). The orgs themselves are
    #: always data.org.store's, keyed by their content.
    cache_dir: Path | None = None

    @property
    def public(self) -> bool:
        return self.seed is None

    @property
    def org_seed(self) -> int:
        """The seed of the org the tasks are about."""
        return PUBLIC_SEED if self.seed is None else self.seed

    def refs(self) -> list[TaskRef]:
        """Every task of the set, as selection sees it (builds nothing)."""
        if self.seed is None:
            return [TaskRef(t.id, t.org, t.category, t.source) for t in load_task_set(self.org)]
        return [TaskRef(task_id(self.org, spec.name, n), self.org, spec.name)
                for spec in applicable_categories(self.org)
                for n in range(1, self.per_category + 1)]

    def tasks(self, categories: Iterable[str] | None = None,
              db: OrgDatabase | None = None) -> list[Task]:
        """The set's tasks (of `categories` only, when given), built and cached as needed, in
        build order. TaskSetError when a needed category cannot be generated in full. `db`: the
        seed's org, already open (else it is opened for the build)."""
        if self.seed is None:
            wanted = None if categories is None else set(categories)
            return [t for t in load_task_set(self.org) if wanted is None or t.category in wanted]
        specs = applicable_categories(self.org, categories)
        with _lock(self.org, self.seed, self.cache_dir):
            fingerprint = self._org_info().fingerprint
            keys = {s.name: cache.entry_key(self.org, self.seed, s.name, self.per_category,
                                            fingerprint) for s in specs}
            found = {name: cache.cached_tasks(self.org, self.seed, name, key, self.cache_dir)
                     for name, key in keys.items()}
            missing = [name for name, tasks in found.items() if tasks is None]
            if missing:
                found.update(self._build(missing, keys, db))
        return [t for s in specs for t in found[s.name] or ()]

    def _org_info(self) -> OrgInfo:
        return build_org(self.org, self.org_seed)

    def _build(self, categories: list[str], keys: dict[str, str],
               db: OrgDatabase | None) -> dict[str, list[Task]]:
        assert self.seed is not None
        org_db = db if db is not None else load_org(self.org, self.seed)
        report = BuildReport()
        built: list[Task] = []
        short: ShortCategory | None = None  # the heuristic budget left a category short
        try:
            built = build_task_set(self.org, self.seed, self.per_category, categories,
                                   report=report,
                                   base=(org_db, load_org_data(self.org, self.seed)))
        except ShortCategory as exc:
            short = exc
        finally:
            if org_db is not db:
                org_db.close()
        problems = [f"{c.category}: {c.error}" if c.error else
                    f"{c.category}: only {c.kept} of {c.wanted} tasks (too few valid drafts)"
                    for c in report.categories if c.error or c.kept < c.wanted]
        if short is not None:
            problems.append(f"{short.report.category}: only {short.report.kept} of "
                            f"{short.report.wanted} tasks ({short})")
        if problems:
            raise TaskSetError(f"the {self.org} task set of this task seed cannot be generated "
                               f"in full: {'; '.join(problems)}")
        by_category: dict[str, list[Task]] = {name: [] for name in categories}
        for task in built:
            by_category[task.category].append(task)
        for name, tasks in by_category.items():
            cache.store(cache.entry_path(self.org, self.seed, name, keys[name], self.cache_dir),
                        keys[name], name, tasks)
        return by_category

    def org_version(self) -> str:
        """The org's content version (seed-free; builds the org if needed)."""
        return content_version(self.org, self._org_info().fingerprint)

    def version(self) -> str:
        """The task set's version: the committed file's content hash for the public set, the
        task generator's version (code + tasks per category) for a fresh one. With the org's
        content version and the seed, it pins every task."""
        if self.seed is None:
            return f"public-{_file_digest(taskset_path(self.org))}"
        return f"gen-{cache.generator_version(self.per_category)}"


def _prepare(org: OrgType, seed: int) -> tuple[int, float]:
    started = time.perf_counter()
    return len(SeededTaskSet(org, seed).tasks()), time.perf_counter() - started


def prepare(seed: int, orgs: Sequence[OrgType], *, processes: bool = True
            ) -> dict[str, tuple[int, float]]:
    """Build (or confirm) `seed`'s orgs and every category of their task sets, so assessments of
    the seed start at once; {org: (tasks, seconds)}. With `processes`, the first org is built
    here while each other org builds in its own process (the orgs are independent; on two
    cores that halves the wall time). TaskSetError as from SeededTaskSet.tasks."""
    if not processes or len(orgs) < 2:
        return {org: _prepare(org, seed) for org in orgs}
    first, *others = orgs
    # fork (no re-import, ~1.5 s saved) only while this process has no other thread: a thread
    # holding a lock at the fork would leave the child's copy locked forever
    method = "fork" if threading.active_count() == 1 and \
        "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with ProcessPoolExecutor(max_workers=len(others),
                             mp_context=multiprocessing.get_context(method)) as pool:
        futures = {org: pool.submit(_prepare, org, seed) for org in others}
        done = {first: _prepare(first, seed)}
        done.update({org: future.result() for org, future in futures.items()})
    return {org: done[org] for org in orgs}
