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
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from data.org.store import shared_org
from data.tasks import load_task_set
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

if TYPE_CHECKING:
    from data.tasks.model import Task
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


Progress = Callable[[ProgressEvent], Awaitable[None] | None]


class AssessmentError(ValueError):
    """A config that selects nothing, names unknown tasks/categories, or clashes with its folder."""


def load_tasks(config: AssessmentConfig) -> list[Task]:
    """The default task set of every org the config covers."""
    return [t for org in config.orgs for t in load_task_set(org)]


def select_tasks(config: AssessmentConfig, tasks: Sequence[Task]) -> list[Task]:
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


def _stratified_shuffle(tasks: Sequence[Task], seed: int) -> list[Task]:
    rng = random.Random(f"crmarena-selection:{seed}")
    groups: dict[tuple[str, str], list[Task]] = defaultdict(list)
    for t in sorted(tasks, key=lambda t: (t.org, t.category, t.id)):
        groups[(t.org, t.category)].append(t)
    keys = sorted(groups)
    for k in keys:
        rng.shuffle(groups[k])
    rng.shuffle(keys)
    out: list[Task] = []
    for i in range(max((len(g) for g in groups.values()), default=0)):
        out.extend(groups[k][i] for k in keys if i < len(groups[k]))
    return out


def load_databases(config: AssessmentConfig) -> dict[str, OrgDatabase]:
    """The process-wide shared base orgs: concurrent assessments must not each open a DuckDB."""
    return {org: shared_org(org) for org in config.orgs}


async def run_assessment(config: AssessmentConfig, agent: Agent, out_dir: Path | None = None,
                         progress: Progress | None = None, *,
                         tasks: Sequence[Task] | None = None,
                         databases: Mapping[str, OrgDatabase] | None = None,
                         pool: EpisodePool | None = None) -> Results:
    """Run every selected (task, trial) episode and return results.json's content.

    `tasks` / `databases` default to the default task set and the cached orgs; tests pass their
    own. With `out_dir`, logs go to out_dir/logs, finished episodes found there are reused, and
    results.json + run.json are written. With `pool`, episodes run in its worker processes
    (env.workers), each with its own copy of the agent, instead of in this one.
    """
    started = time.perf_counter()
    config_json = config.model_dump(mode="json")
    selected = select_tasks(config, tasks if tasks is not None else
                            await asyncio.to_thread(load_tasks, config))
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
    if databases is None and pool is None:
        databases = await asyncio.to_thread(load_databases, config)
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

    async def one(task: Task, trial: int) -> None:
        name = episode_file_name(task.id, trial)
        episode_config = config.episode_config(task.org)
        earlier = done_logs.get(name)
        if (earlier is not None and earlier.header.task.id == task.id
                and earlier.header.trial == trial and earlier.header.config == episode_config):
            await report(evaluate_log(earlier, f"{LOG_DIR}/{name}"), True)
            return
        log_path = out_dir / LOG_DIR / name if out_dir is not None else None
        async with semaphore:
            if pool is not None:
                result = await pool.run_episode(task, trial, episode_config, log_path)
            else:
                assert databases is not None
                session = agent.session(task, trial)
                try:
                    result = await run_episode(
                        task, session, databases[task.org], episode_config, trial=trial,
                        agent_name=agent.name, log_path=log_path)
                finally:
                    try:
                        await session.close()
                    except Exception:  # noqa: BLE001 - a failed close is not a result
                        pass
        if out_dir is not None:
            result = result.model_copy(update={"log_file": f"{LOG_DIR}/{name}"})
        await report(result, False)

    async with asyncio.TaskGroup() as group:
        for task, trial in episodes:
            group.create_task(one(task, trial))
    elapsed = previous_elapsed + (time.perf_counter() - started)
    summary = summarize(results, config_json, elapsed)
    if out_dir is not None:
        write_run(out_dir, RunRecord(config=config_json, agent=agent.name,
                                     elapsed_seconds=round(elapsed, 3),
                                     episodes_planned=len(episodes)))
        summary = summarize(results, config_json, round(elapsed, 3))
        summary.write(out_dir)
    return summary
