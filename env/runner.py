"""Assessments: select tasks, run (task, trial) episodes concurrently, persist, summarise.

Selection is deterministic from the config's seed: tasks are shuffled within each (org,
category) and interleaved across categories, so `task_limit=22` covers every category and a
different seed gives a different sample (never file order). Shards take interleaved slices of
that list. Episodes run under an asyncio semaphore; each one's log is written as it runs and
finalised when it ends, so an interrupted assessment resumes from its folder without re-running
finished episodes. results.json is then computed from the logs (env.results).
"""

from __future__ import annotations

import asyncio
import inspect
import random
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from data.org.store import load_org, shared_org
from data.tasks.seeded import SeededTaskSet, TaskLike, TaskRef
from env.config import AssessmentConfig
from env.episode import run_episode
from env.log import episode_file_name
from env.protocol import Agent
from env.results import (
    LOG_DIR,
    EpisodeResult,
    Results,
    RunRecord,
    evaluate_log,
    finished_logs,
    read_run,
    summarize,
    write_run,
)
from env.task_seed import TaskSeed, resolve_task_seed
from env.task_supply import TaskSupply

if TYPE_CHECKING:
    from data.tasks.identity import TaskSetIdentity
    from data.tasks.model import Task
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


Progress = Callable[[ProgressEvent], Awaitable[None] | None]


class AssessmentError(ValueError):
    """A config that selects nothing, names unknown tasks/categories, or clashes with its folder."""


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
            raise AssessmentError(f"unknown task ids: {', '.join(missing[:10])}")
        pool = [t for t in pool if t.id in wanted or t.source in wanted]
    if config.task_categories:
        known_categories = {t.category for t in pool}
        unknown = sorted(set(config.task_categories) - known_categories)
        if unknown:
            raise AssessmentError(f"no tasks in categories: {', '.join(unknown)} "
                                  f"(available: {', '.join(sorted(known_categories))})")
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


async def run_assessment(config: AssessmentConfig, agent: Agent, out_dir: Path | None = None,
                         progress: Progress | None = None, *,
                         tasks: Sequence[Task] | None = None,
                         databases: Mapping[str, OrgDatabase] | None = None,
                         task_seed: TaskSeed | None = None) -> Results:
    """Run every selected (task, trial) episode and return results.json's content.

    `tasks` / `databases` default to the task seed's set and orgs; tests pass their own.
    `task_seed` defaults to env.task_seed.resolve_task_seed(config, {"agent": agent.name})
    (the config's task_seed, or one derived from CRMARENA_SECRET_SEED: TaskSeedError when both).
    With `out_dir`, logs go to out_dir/logs, finished episodes of the same task set found there
    are reused, and results.json + run.json are written.
    """
    started = time.perf_counter()
    config_json = config.model_dump(mode="json")
    identity: TaskSetIdentity | None = None
    selected: Sequence[TaskLike]
    given: list[Task] = []  # tasks handed in, selected
    sets: dict[str, SeededTaskSet] = {}  # else the task seed's sets, built while episodes run
    if tasks is not None:
        selected = given = select_tasks(config, tasks)
        if task_seed is not None:
            identity = await asyncio.to_thread(task_seed.identity, config.orgs)
    else:
        task_seed = task_seed or resolve_task_seed(config, {"agent": agent.name})
        sets = {org: task_seed.task_set(org) for org in config.orgs}
        selected = await asyncio.to_thread(select_refs, config, sets.values())
        identity = await asyncio.to_thread(task_seed.identity, config.orgs)
    episodes = [(t, trial) for t in selected for trial in range(config.trials)]
    previous_elapsed = 0.0
    done_logs = {}
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / LOG_DIR).mkdir(exist_ok=True)
        run = read_run(out_dir)
        if run is not None:
            earlier = AssessmentConfig.model_validate(run.config)
            if earlier.selection_key() != config.selection_key():
                raise AssessmentError(f"{out_dir} holds an assessment with a different "
                                      "configuration; use another output folder")
            previous_elapsed = run.elapsed_seconds
            done_logs = finished_logs(out_dir)
        write_run(out_dir, RunRecord(config=config_json, agent=agent.name,
                                     elapsed_seconds=previous_elapsed,
                                     episodes_planned=len(episodes)))
    owned: list[OrgDatabase] = []
    if databases is None:
        databases = await asyncio.to_thread(load_databases, config, task_seed)
        if task_seed is not None and not task_seed.public:
            owned = list(databases.values())
    results: list[EpisodeResult] = []
    counter = {"done": 0, "passed": 0}
    semaphore = asyncio.Semaphore(config.concurrency)

    async def report(result: EpisodeResult, resumed: bool) -> None:
        results.append(result)
        counter["done"] += 1
        counter["passed"] += result.passed
        if progress is not None:
            outcome = progress(ProgressEvent(counter["done"], len(episodes), counter["passed"],
                                             result, resumed))
            if inspect.isawaitable(outcome):
                await outcome

    async def one(ref: TaskLike, trial: int) -> None:
        name = episode_file_name(ref.id, trial)
        episode_config = config.episode_config(ref.org)
        earlier = done_logs.get(name)
        if (earlier is not None and earlier.header.task.id == ref.id
                and earlier.header.trial == trial and earlier.header.config == episode_config
                and earlier.header.task_set == identity):
            await report(evaluate_log(earlier, f"{LOG_DIR}/{name}"), True)
            return
        task = await supply.task(ref)
        async with semaphore:
            session = agent.session(task, trial)
            try:
                result = await run_episode(
                    task, session, databases[task.org], episode_config, trial=trial,
                    agent_name=agent.name, task_set=identity,
                    log_path=out_dir / LOG_DIR / name if out_dir is not None else None)
            finally:
                try:
                    await session.close()
                except Exception:  # noqa: BLE001 - a session that fails to close is not a result
                    pass
        if out_dir is not None:
            result = result.model_copy(update={"log_file": f"{LOG_DIR}/{name}"})
        await report(result, False)

    org_dbs = databases  # (narrowed to not-None for the closure below)
    supply = TaskSupply.of(given) if not sets else TaskSupply(
        selected, lambda org, category: sets[org].tasks([category], db=org_dbs[org]))
    supply.start()
    try:
        async with asyncio.TaskGroup() as group:
            for ref, trial in episodes:
                group.create_task(one(ref, trial))
    except ExceptionGroup:
        if supply.error is not None:  # a category that cannot be built: its error, alone
            raise supply.error from None
        raise
    finally:
        supply.close()
        for db in owned:
            db.close()
    elapsed = previous_elapsed + (time.perf_counter() - started)
    summary = summarize(results, config_json, elapsed)
    if out_dir is not None:
        write_run(out_dir, RunRecord(config=config_json, agent=agent.name,
                                     elapsed_seconds=round(elapsed, 3),
                                     episodes_planned=len(episodes)))
        summary = summarize(results, config_json, round(elapsed, 3))
        summary.write(out_dir)
    return summary
