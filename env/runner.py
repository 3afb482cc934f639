"""Assessments: select tasks, run (task, trial) episodes concurrently, persist, summarise.

Selection is deterministic from the config's seed: tasks are shuffled within each (org,
category) and interleaved across categories, so `task_limit=22` covers every category and a
different seed gives a different sample (never file order). Shards take interleaved slices of
that list. Episodes run under an asyncio semaphore; each one's log is written as it runs and
finalised when it ends, so an interrupted assessment resumes from its folder without re-running
finished episodes: `plan_assessment` keeps those of the same config and the same agent (and
refuses a folder of another assessment), `AssessmentPlan.run` runs the rest. results.json is
then computed from the logs (env.results).
"""

from __future__ import annotations

import asyncio
import inspect
import random
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from core.provenance import Provenance, current_provenance
from data.org.store import load_org, shared_org, version_of
from data.tasks.model import Task
from data.tasks.seeded import SeededTaskSet, TaskLike, TaskRef
from data.tasks.taskset import task_set_digest
from env.config import AssessmentConfig
from env.episode import run_episode
from env.log import EpisodeLog, episode_file_name
from env.protocol import Agent, agent_identity, connect_agent, describe_agent
from env.results import (
    LOG_DIR,
    MERGED_KEY,
    EpisodeResult,
    Results,
    RunRecord,
    evaluate_log,
    finished_logs,
    read_run,
    summarize,
    write_run,
)
from env.rot_prefetch import RotPrefetch
from env.task_seed import TaskSeed, resolve_task_seed
from env.task_supply import TaskSupply

if TYPE_CHECKING:
    from data.tasks.identity import TaskSetIdentity
    from env.workers import EpisodePool
    from sandbox_db.database import OrgDatabase


@dataclass(frozen=True)
class ProgressEvent:
    """Sent after every finished episode ("task 12/40 · pass 9")."""

    done: int
    total: int
    passed: int
    result: EpisodeResult
    #: True when the episode was not run but taken from an earlier, interrupted run.
    resumed: bool = False
    #: How many of the `total` episodes were kept from an earlier run of the assessment.
    kept: int = 0


Progress = Callable[[ProgressEvent], Awaitable[None] | None]


class AssessmentError(ValueError):
    """A config that selects nothing or names unknown tasks/categories (`key`: the config key
    at fault), or a folder that holds another assessment (FolderInUse)."""

    def __init__(self, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key


class FolderInUse(AssessmentError):
    """The output folder holds another assessment (another config or another agent)."""


def select_refs(config: AssessmentConfig, sets: Iterable[SeededTaskSet]) -> list[TaskRef]:
    """This shard's tasks of the task sets, selected by id and category before any is built."""
    return select_tasks(config, [ref for s in sets for ref in s.refs()])


def prepare_tasks(config: AssessmentConfig, task_seed: TaskSeed) -> list[Task]:
    """This shard's tasks of the task seed's set, all built now (run_assessment builds them
    while episodes run); only the selected categories are built."""
    sets = {org: task_seed.task_set(org) for org in config.orgs}
    selected = select_refs(config, sets.values())
    built: dict[str, Task] = {}
    for org, task_set in sets.items():
        categories = {r.category for r in selected if r.org == org}
        if categories:
            built.update((t.id, t) for t in task_set.tasks(sorted(categories)))
    return [built[r.id] for r in selected]


T = TypeVar("T", bound=TaskLike)


def select_tasks(config: AssessmentConfig, tasks: Sequence[T]) -> list[T]:
    """This shard's tasks: filtered, seeded stratified sample, limited, sliced."""
    pool = [t for t in tasks if t.org in config.orgs]
    if config.task_ids:
        wanted = set(config.task_ids)
        known = {t.id for t in pool} | {t.source for t in pool}
        missing = sorted(wanted - known)
        if missing:
            raise AssessmentError(f"unknown task ids: {', '.join(missing[:10])}", "task_ids")
        pool = [t for t in pool if t.id in wanted or t.source in wanted]
    if config.task_categories:
        known_categories = {t.category for t in pool}
        unknown = sorted(set(config.task_categories) - known_categories)
        if unknown:
            raise AssessmentError(f"no tasks in categories: {', '.join(unknown)} "
                                  f"(available: {', '.join(sorted(known_categories))})",
                                  "task_categories")
        pool = [t for t in pool if t.category in set(config.task_categories)]
    ordered = _stratified_shuffle(pool, config.seed)
    if config.task_limit is not None:
        ordered = ordered[:config.task_limit]
    elif config.task_percentage is not None:
        ordered = ordered[:max(1, round(len(ordered) * config.task_percentage / 100))]
    shard = ordered[config.shard_index::config.num_shards]
    if not shard:
        raise AssessmentError("the configuration selects no tasks")
    return shard


def _stratified_shuffle(tasks: Sequence[T], seed: int) -> list[T]:
    rng = random.Random(f"crmarena-selection:{seed}")
    groups: dict[tuple[str, str], list[T]] = defaultdict(list)
    for t in sorted(tasks, key=lambda t: (t.org, t.category, t.id)):
        groups[(t.org, t.category)].append(t)
    keys = sorted(groups)
    for k in keys:
        rng.shuffle(groups[k])
    rng.shuffle(keys)
    out: list[T] = []
    for i in range(max((len(g) for g in groups.values()), default=0)):
        out.extend(groups[k][i] for k in keys if i < len(groups[k]))
    return out


def load_databases(config: AssessmentConfig,
                   task_seed: TaskSeed | None = None) -> dict[str, OrgDatabase]:
    """The base orgs of the task seed (default: the public set's): the public ones shared
    process-wide (concurrent assessments must not each open a DuckDB), a fresh seed's opened
    for this assessment (the caller closes them: a server must not keep one per seed)."""
    if task_seed is None or task_seed.public:
        return {org: shared_org(org) for org in config.orgs}
    return {org: load_org(org, task_seed.task_set(org).org_seed) for org in config.orgs}


@dataclass
class AssessmentPlan:
    """An assessment ready to run: its episodes, and those an earlier run of the same assessment
    (same config, same agent, same task set) already finished in `out_dir`, which are kept, not
    re-run. Episodes name their tasks (TaskRef) until they run: a fresh task seed's categories
    are built while the first episodes run (env.task_supply)."""

    config: AssessmentConfig
    agent: Agent
    out_dir: Path | None
    episodes: list[tuple[TaskLike, int]]
    #: The task set the episodes come from (None: tasks handed in, e.g. by tests).
    identity: TaskSetIdentity | None = None
    task_seed: TaskSeed | None = None
    #: Tasks handed in (already built), else the task seed's sets, built per category.
    given: list[Task] = field(default_factory=list)
    sets: dict[str, SeededTaskSet] = field(default_factory=dict)
    #: (org, task id, trial) -> (log file name, log) of the episodes kept from an earlier run.
    kept: dict[tuple[str, str, int], tuple[str, EpisodeLog]] = field(default_factory=dict)
    previous_elapsed: float = 0.0
    #: org -> digest of the tasks handed in (a task set with no identity of its own).
    given_versions: dict[str, str] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return len(self.episodes)

    def record(self, elapsed: float) -> RunRecord:
        return RunRecord(config=self.config.model_dump(mode="json"), agent=self.agent.name,
                         agent_identity=agent_identity(self.agent), elapsed_seconds=elapsed,
                         episodes_planned=self.total)

    def provenance(self, databases: Mapping[str, OrgDatabase]) -> dict[str, Provenance]:
        """Each org's provenance: this code, the org's and the task set's versions."""
        versions = self.identity.orgs if self.identity is not None else {}
        return {org: current_provenance(
                    org=org, org_version=versions[org].org_version if org in versions
                    else version_of(db),
                    task_set_version=versions[org].task_set_version if org in versions
                    else self.given_versions.get(org))
                for org, db in databases.items()}

    async def run(self, progress: Progress | None = None,
                  databases: Mapping[str, OrgDatabase] | None = None, *,
                  pool: EpisodePool | None = None) -> Results:
        """Run every episode not kept and return results.json's content (also written to
        out_dir with run.json); with `pool`, in its worker processes."""
        started = time.perf_counter()
        config, out_dir = self.config, self.out_dir
        if out_dir is not None:
            write_run(out_dir, self.record(self.previous_elapsed))
        owned: list[OrgDatabase] = []
        if databases is None:
            databases = await asyncio.to_thread(load_databases, config, self.task_seed)
            if self.task_seed is not None and not self.task_seed.public:
                owned = list(databases.values())
        provenance = self.provenance(databases)
        results: list[EpisodeResult] = []
        counter = {"done": 0, "passed": 0}
        semaphore = asyncio.Semaphore(config.concurrency)

        async def report(result: EpisodeResult, resumed: bool) -> None:
            results.append(result.without_log())  # the trajectory is in its file
            counter["done"] += 1
            counter["passed"] += result.passed
            if progress is not None:
                outcome = progress(ProgressEvent(counter["done"], self.total, counter["passed"],
                                                 result, resumed, len(self.kept)))
                if inspect.isawaitable(outcome):
                    await outcome

        async def one(ref: TaskLike, trial: int, index: int) -> None:
            earlier = self.kept.get((ref.org, ref.id, trial))
            if earlier is not None:
                name, log = earlier
                await report(evaluate_log(log, f"{LOG_DIR}/{name}"), True)
                return
            task = await supply.task(ref)
            name = episode_file_name(task.id, trial, config.drift_level, config.rot_level)
            log_path = out_dir / LOG_DIR / name if out_dir is not None else None
            episode_config = config.episode_config(task.org)
            async with semaphore:
                if prefetch is not None:
                    await prefetch.ready(index)
                if pool is not None:
                    result = await pool.run_episode(
                        task, trial, episode_config, log_path, org_seed=org_seed,
                        provenance=provenance.get(task.org), task_set=self.identity)
                else:
                    result = await self._run_here(task, trial, databases[task.org],
                                                  provenance.get(task.org), log_path)
            if out_dir is not None:
                result = result.model_copy(update={"log_file": f"{LOG_DIR}/{name}"})
            await report(result, False)

        # The seed of the orgs the worker processes open (the same for every org of a set).
        org_seed = self.task_seed.task_set(config.orgs[0]).org_seed if self.task_seed else None
        org_dbs, sets = databases, self.sets  # (narrowed for the closure below)
        supply = TaskSupply.of(self.given) if not sets else TaskSupply(
            [ref for ref, _ in self.episodes],
            lambda org, category: sets[org].tasks([category], db=org_dbs[org]))
        supply.start()
        # Distractor rows of the episodes about to start go in together (in this process only:
        # worker processes have their own orgs).
        running = [(ref, trial) for ref, trial in self.episodes
                   if (ref.org, ref.id, trial) not in self.kept]
        prefetch = None if pool is not None or config.rot_level == "none" else RotPrefetch(
            [ref for ref, _ in running], supply.task, org_dbs, config.episode_config)
        if prefetch is not None:
            prefetch.start()
        try:
            async with asyncio.TaskGroup() as group:
                place = {(ref.org, ref.id, trial): i for i, (ref, trial) in enumerate(running)}
                for ref, trial in self.episodes:
                    group.create_task(one(ref, trial, place.get((ref.org, ref.id, trial), -1)))
        except ExceptionGroup:
            if supply.error is not None:  # a category that cannot be built: its error, alone
                raise supply.error from None
            raise
        finally:
            supply.close()
            if prefetch is not None:
                prefetch.close()
            for db in owned:
                db.close()
        elapsed = round(self.previous_elapsed + (time.perf_counter() - started), 3)
        summary = summarize(results, config.model_dump(mode="json"), elapsed)
        if out_dir is not None:
            write_run(out_dir, self.record(elapsed))
            summary.write(out_dir)
        return summary


    async def _run_here(self, task: Task, trial: int, db: OrgDatabase,
                        provenance: Provenance | None, log_path: Path | None) -> EpisodeResult:
        """One episode in this process."""
        session = self.agent.session(task, trial)
        try:
            return await run_episode(
                task, session, db, self.config.episode_config(task.org), trial=trial,
                agent_name=self.agent.name, provenance=provenance, task_set=self.identity,
                log_path=log_path)
        finally:
            try:
                await session.close()
            except Exception:  # noqa: BLE001 - a session that fails to close is no result
                pass


async def plan_assessment(config: AssessmentConfig, agent: Agent, out_dir: Path | None = None,
                          *, tasks: Sequence[Task] | None = None,
                          task_seed: TaskSeed | None = None) -> AssessmentPlan:
    """Select the episodes, make sure the agent is usable, and find what `out_dir` already holds.

    In that order, so a bad selection is reported before the agent is contacted. `tasks`
    defaults to the task seed's set (`task_seed` defaults to env.task_seed.resolve_task_seed:
    the config's task_seed, or one derived from CRMARENA_SECRET_SEED; TaskSeedError when both).
    Raises AssessmentError for a selection of nothing, unknown tasks or categories, or a folder
    that holds another assessment (another config, agent or task set); AgentUnavailable (from
    the agent's `connect`) for an agent that cannot be reached.
    """
    plan = AssessmentPlan(config=config, agent=agent, out_dir=out_dir, episodes=[])
    selected: Sequence[TaskLike]
    if tasks is not None:
        selected = plan.given = select_tasks(config, tasks)
        plan.given_versions = {org: task_set_digest([t for t in tasks if t.org == org])
                               for org in config.orgs}
    else:
        task_seed = task_seed or resolve_task_seed(config, {"agent": agent.name})
        plan.sets = {org: task_seed.task_set(org) for org in config.orgs}
        selected = await asyncio.to_thread(select_refs, config, plan.sets.values())
    if task_seed is not None:
        plan.task_seed = task_seed
        plan.identity = await asyncio.to_thread(task_seed.identity, config.orgs)
    plan.episodes = [(t, trial) for t in selected for trial in range(config.trials)]
    await connect_agent(agent)
    if out_dir is None:
        return plan
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / LOG_DIR).mkdir(exist_ok=True)
    run = read_run(out_dir)
    if run is None:
        return plan
    _check_same_assessment(out_dir, run, config, agent)
    plan.previous_elapsed = run.elapsed_seconds
    plan.kept = _reusable(finished_logs(out_dir), plan)
    return plan


def _check_same_assessment(out_dir: Path, run: RunRecord, config: AssessmentConfig,
                           agent: Agent) -> None:
    """Resuming into `out_dir` is allowed only for the same agent and the same selection."""
    if MERGED_KEY in run.config:
        raise FolderInUse(f"{out_dir} holds merged results; use another output folder")
    earlier_agent = run.agent_identity or {"name": run.agent}
    if earlier_agent != agent_identity(agent):
        raise FolderInUse(f"{out_dir} holds an assessment of {describe_agent(earlier_agent)},"
                              f" not of {describe_agent(agent_identity(agent))}; use another "
                              "output folder")
    earlier = AssessmentConfig.model_validate(run.config).selection_key()
    current = config.selection_key()
    if earlier != current:
        changed = ", ".join(f"{k} {earlier.get(k)!r} -> {current.get(k)!r}"
                            for k in sorted(set(earlier) | set(current))
                            if earlier.get(k) != current.get(k))
        raise FolderInUse(f"{out_dir} holds an assessment with another configuration "
                              f"({changed}); use another output folder")


def _reusable(logs: Mapping[str, EpisodeLog], plan: AssessmentPlan
              ) -> dict[tuple[str, str, int], tuple[str, EpisodeLog]]:
    """The finished logs that are exactly one of the plan's episodes: same task set, task,
    trial, episode config and agent (and, for tasks handed in, the same task content)."""
    by_episode = {(log.header.task.org, log.header.task.id, log.header.trial): (name, log)
                  for name, log in logs.items()}
    kept: dict[tuple[str, str, int], tuple[str, EpisodeLog]] = {}
    for ref, trial in plan.episodes:
        found = by_episode.get((ref.org, ref.id, trial))
        if found is None:
            continue
        header = found[1].header
        same_task = (header.task_set == plan.identity if plan.identity is not None else
                     header.task.model_dump(mode="json") == ref.model_dump(mode="json")
                     if isinstance(ref, Task) else False)
        if (same_task and header.agent == plan.agent.name
                and header.config == plan.config.episode_config(ref.org)):
            kept[(ref.org, ref.id, trial)] = found
    return kept


async def run_assessment(config: AssessmentConfig, agent: Agent, out_dir: Path | None = None,
                         progress: Progress | None = None, *,
                         tasks: Sequence[Task] | None = None,
                         databases: Mapping[str, OrgDatabase] | None = None,
                         task_seed: TaskSeed | None = None,
                         pool: EpisodePool | None = None) -> Results:
    """Run every selected (task, trial) episode and return results.json's content.

    `tasks` / `databases` default to the task seed's set and orgs; tests pass their own. With
    `out_dir`, logs go to out_dir/logs, finished episodes of the same assessment found there
    are reused, and results.json + run.json are written (plan_assessment, AssessmentPlan.run).
    With `pool`, episodes run in its worker processes (env.workers), each with its own copy of
    the agent, instead of in this one.
    """
    plan = await plan_assessment(config, agent, out_dir, tasks=tasks, task_seed=task_seed)
    return await plan.run(progress, databases, pool=pool)
