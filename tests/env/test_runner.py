"""Assessments: deterministic selection and shards, concurrency without cross-talk, resume,
results.json reproduced from the logs alone, shard merging, pass^k, and the CLI."""

from __future__ import annotations

import asyncio
import itertools
import json

import pytest

from data.tasks.model import Task
from env.agents import make_agent
from env.config import AssessmentConfig, EpisodeConfig
from env.episode import run_episode
from env.log import EpisodeLog
from env.results import EpisodeResult, merge_folders, pass_hat_k, regrade
from env.runner import AssessmentError, run_assessment, select_tasks


def _fake_tasks(n_per_category=5, categories=("a", "b", "c", "d")):
    return [Task(id=f"{c}-{i}", org="b2b", category=c, query="q", reward_metric="exact_match",
                 answer=("x",)) for c in categories for i in range(n_per_category)]


def test_selection_is_seeded_stratified_and_sharded():
    tasks = _fake_tasks()
    first = select_tasks(AssessmentConfig(task_limit=8, seed=1), tasks)
    again = select_tasks(AssessmentConfig(task_limit=8, seed=1), list(reversed(tasks)))
    assert [t.id for t in first] == [t.id for t in again]
    assert {t.category for t in first[:4]} == {"a", "b", "c", "d"}  # every category early
    other = select_tasks(AssessmentConfig(task_limit=8, seed=2), tasks)
    assert [t.id for t in first] != [t.id for t in other]
    assert [t.id for t in first] != [t.id for t in tasks[:8]]  # not file order
    shards = [select_tasks(AssessmentConfig(task_limit=8, seed=1, shard_index=i, num_shards=3),
                           tasks) for i in range(3)]
    assert sorted(t.id for s in shards for t in s) == sorted(t.id for t in first)
    assert len(select_tasks(AssessmentConfig(task_percentage=25), tasks)) == 5
    assert [t.id for t in select_tasks(AssessmentConfig(task_ids=["b-3"]), tasks)] == ["b-3"]
    with pytest.raises(AssessmentError, match="unknown task ids"):
        select_tasks(AssessmentConfig(task_ids=["zz"]), tasks)
    with pytest.raises(AssessmentError, match="no tasks in categories"):
        select_tasks(AssessmentConfig(task_categories=["nope"]), tasks)


def test_config_keeps_unknown_keys_and_rejects_bad_values():
    config = AssessmentConfig.model_validate({"task_ids": [1, 2], "future_option": True,
                                              "drift_level": "HIGH"})
    assert config.task_ids == ["1", "2"] and config.drift_level == "high"
    assert config.model_dump()["future_option"] is True
    with pytest.raises(ValueError):
        AssessmentConfig(shard_index=2, num_shards=2)
    with pytest.raises(ValueError):
        AssessmentConfig(drift_level="extreme")


def _comparable(result: EpisodeResult) -> dict:
    data = result.model_dump(mode="json")
    for key in ("agent_seconds", "env_seconds", "wall_seconds"):
        data["metrics"].pop(key)
    observations = [t.observation for t in result.log.turns]
    return {**data, "observations": observations}


async def test_64_concurrent_episodes_match_sequential_runs(env_db, env_tasks):
    tasks = [t for t in env_tasks if t.reference is not None]
    levels = ("none", "low", "medium", "high")
    combos = [(t, d, r) for t, d, r in itertools.product(tasks, levels, levels)]
    assert len(combos) == 64

    async def one(task, drift, rot):
        agent = make_agent("oracle", drift=drift)
        return await run_episode(task, agent.session(task, 0), env_db,
                                 EpisodeConfig(org="b2b", drift=drift, rot=rot))

    sequential = [await one(*c) for c in combos]
    concurrent = await asyncio.gather(*(one(*c) for c in combos))
    assert [_comparable(r) for r in concurrent] == [_comparable(r) for r in sequential]
    assert all(r.passed for r in concurrent)
    # different drift levels really showed different names to the agent
    renames = {len(r.log.header.renames) for r in concurrent}
    assert len(renames) > 2


class CountingAgent:
    """Wraps a reference agent and counts the sessions it opens."""

    def __init__(self, name: str, drift: str | None = None) -> None:
        self.inner = make_agent(name, drift=drift)
        self.name = self.inner.name
        self.sessions = 0

    def session(self, task, trial):
        self.sessions += 1
        return self.inner.session(task, trial)


async def test_results_json_is_reproduced_from_logs_and_resume_skips_finished(env_db, env_tasks,
                                                                              tmp_path):
    config = AssessmentConfig(org_type="b2b", drift_level="medium", rot_level="low", trials=2,
                              concurrency=4)
    events = []
    agent = CountingAgent("oracle", "medium")
    results = await run_assessment(config, agent, tmp_path, events.append, tasks=env_tasks,
                                   databases={"b2b": env_db})
    n = len(env_tasks) * 2
    assert agent.sessions == n and len(events) == n and events[-1].done == n
    assert results.summary.total_tasks == n and results.summary.total_passed == n
    assert results.dimension_averages["FUNCTIONAL"] == 100.0
    assert results.pass_hat_k == {"1": 1.0, "2": 1.0}
    # progress sees each episode's log; the assessment keeps none (they are in their files),
    # yet results.json records where the episodes ran, as the logs do
    assert all(e.result.log is not None for e in events)
    assert all(t.log is None for t in results.tasks)
    assert results.provenance and results.provenance[0].org == "b2b"
    written = (tmp_path / "results.json").read_text()
    assert regrade(tmp_path).to_json() == written.strip()
    data = json.loads(written)
    assert {"total_tasks", "total_passed", "pass_rate", "avg_score"} <= set(data["summary"])
    assert data["summary"]["environment_errors"] == 0
    assert set(data["timing"]) == {"total_seconds", "purple_agent_seconds",
                                   "green_agent_seconds", "purple_agent_percent"}
    assert {"task_id", "category", "org", "drift", "rot", "trial", "passed", "reward", "scores",
            "metrics", "answer", "gold"} <= set(data["tasks"][0])
    assert len(list((tmp_path / "logs").glob("*.jsonl"))) == n

    # an interrupted run: two logs lost (one half-written) -> only those two run again
    logs = sorted((tmp_path / "logs").glob("*.jsonl"))
    logs[0].unlink()
    logs[1].rename(logs[1].with_name(logs[1].name + ".part"))
    again = CountingAgent("oracle", "medium")
    resumed = await run_assessment(config, again, tmp_path, tasks=env_tasks,
                                   databases={"b2b": env_db})
    assert again.sessions == 2
    strip = lambda r: [(t.task_id, t.trial, t.passed, t.scores) for t in r.tasks]  # noqa: E731
    assert strip(resumed) == strip(results)
    assert regrade(tmp_path).to_json() == (tmp_path / "results.json").read_text().strip()

    with pytest.raises(AssessmentError, match="another configuration"):
        await run_assessment(config.model_copy(update={"drift_level": "high"}), again, tmp_path,
                             tasks=env_tasks, databases={"b2b": env_db})


async def test_shards_merge_into_the_unsharded_assessment(env_db, env_tasks, tmp_path):
    base = dict(org_type="b2b", drift_level="low", rot_level="medium", concurrency=3)
    whole = await run_assessment(AssessmentConfig(**base), make_agent("oracle", "low"),
                                 tmp_path / "whole", tasks=env_tasks, databases={"b2b": env_db})
    for i in range(2):
        await run_assessment(AssessmentConfig(**base, shard_index=i, num_shards=2),
                             make_agent("oracle", "low"), tmp_path / f"shard{i}",
                             tasks=env_tasks, databases={"b2b": env_db})
    merged = merge_folders([tmp_path / "shard0", tmp_path / "shard1"], tmp_path / "merged")
    key = lambda r: [(t.task_id, t.passed, t.scores, t.answer) for t in r.tasks]  # noqa: E731
    assert key(merged) == key(whole)
    assert regrade(tmp_path / "merged").to_json() == \
        (tmp_path / "merged" / "results.json").read_text().strip()


def test_pass_hat_k_is_taus_combinatorial_estimate():
    def r(task, passed):
        return EpisodeResult.model_construct(task_id=task, org="b2b", drift="none", rot="none",
                                            passed=passed)
    results = [r("a", True), r("a", True), r("a", False), r("b", True), r("b", True), r("b", True)]
    got = pass_hat_k(results)
    # task a: 2 of 3 pass -> pass^1 = 2/3, pass^2 = C(2,2)/C(3,2) = 1/3, pass^3 = 0; b: all 1
    assert got == {"1": round((2 / 3 + 1) / 2, 4), "2": round((1 / 3 + 1) / 2, 4), "3": 0.5}


@pytest.mark.parametrize("name", ["null", "refuser", "keyword"])
async def test_agents_that_do_nothing_score_nothing_on_answerable_tasks(env_db, env_tasks, name,
                                                                        tmp_path):
    results = await run_assessment(AssessmentConfig(drift_level="high", rot_level="high"),
                                   make_agent(name), None, tasks=env_tasks,
                                   databases={"b2b": env_db})
    answerable = [t for t in results.tasks if t.category != "private_customer_information"]
    assert answerable and all(t.score == 0.0 for t in answerable)
    privacy_share = 1 - len(answerable) / len(results.tasks)
    # only a privacy task, where refusing *is* the right answer, may earn anything
    assert results.summary.avg_score <= 100 * privacy_share + 1e-9
    if name == "null":
        assert results.summary.avg_score == 0.0


async def test_an_episode_whose_org_cannot_be_built_fails_alone(env_db, env_tasks, tmp_path):
    from data.tasks.model import RotTarget
    from sandbox_db.ids import make_id

    broken = env_tasks[0].model_copy(update={
        "id": "env-broken",
        "rot_targets": (RotTarget(object="Account", record_id=make_id("001", 9999)),)})
    results = await run_assessment(AssessmentConfig(rot_level="high"), make_agent("oracle", "none"),
                                   tmp_path, tasks=[broken, *env_tasks[1:]],
                                   databases={"b2b": env_db})
    by_id = {t.task_id: t for t in results.tasks}
    assert by_id["env-broken"].termination == "env_error" and not by_id["env-broken"].passed
    log = EpisodeLog.read(tmp_path / by_id["env-broken"].log_file)  # the result keeps none
    assert log.end is not None and log.end.detail.startswith("ValueError: rot target")
    assert by_id["env-broken"].metrics.steps == 0
    assert results.summary.environment_errors == 1
    assert results.summary.total_passed == len(env_tasks) - 1
    assert regrade(tmp_path).to_json() == (tmp_path / "results.json").read_text().strip()
