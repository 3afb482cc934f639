"""Assessments on a task seed: the public practice set by default, fresh or secret sets built
on demand; what results.json and the logs record (a commitment, never the seed); regrade and
resume across task sets; a set that cannot be built fails naming its category."""

from __future__ import annotations

import json

import pytest

import data.tasks.seeded as seeded
from crmarena_cli import main
from data.tasks.identity import TaskSetIdentity
from env.agents import make_agent
from env.config import AssessmentConfig
from env.log import EpisodeLog
from env.results import MergeError, merge_folders, regrade
from env.runner import run_assessment
from env.task_seed import resolve_task_seed
from green.summary import summary_text

SECRET = "operator-secret-for-the-runner-tests"
AGENT = {"agent": "http://127.0.0.1:9010/"}
#: Few tasks from few categories: a fresh org is built (a few seconds), then two categories.
CONFIG = AssessmentConfig(task_categories=["handle_time", "quote_approval"], task_limit=4,
                          drift_level="low", rot_level="low")


def _texts(out) -> str:
    return (out / "results.json").read_text() + "".join(
        p.read_text() for p in sorted((out / "logs").glob("*.jsonl")))


async def test_the_default_is_the_public_practice_set(tmp_path) -> None:
    results = await run_assessment(AssessmentConfig(task_limit=2), make_agent("oracle"),
                                   tmp_path)
    assert results.task_set is not None and results.task_set.public
    assert results.task_set.seed_commitment == resolve_task_seed(
        AssessmentConfig(), AGENT, use_env=False).commitment
    assert set(results.task_set.orgs) == {"b2b"}
    assert "Task set: public practice set" in summary_text(results.model_dump(mode="json"))
    for log in (tmp_path / "logs").glob("*.jsonl"):
        assert EpisodeLog.read(log).header.task_set == results.task_set


async def test_a_secret_seed_runs_a_fresh_set_and_never_writes_the_seed(tmp_path) -> None:
    task_seed = resolve_task_seed(CONFIG, AGENT, SECRET)
    assert task_seed.seed is not None
    results = await run_assessment(CONFIG, make_agent("oracle", "low"), tmp_path,
                                   task_seed=task_seed)
    assert results.summary.total_tasks == 4 and results.summary.total_passed == 4
    identity = results.task_set
    assert identity is not None and not identity.public
    assert identity.seed_commitment == task_seed.commitment
    assert identity.seed_commitment.startswith("hmac-sha256:")
    assert identity.orgs["b2b"].task_set_version.startswith("gen-")
    assert identity.describe().startswith("fresh task set")
    # the fresh set's tasks are not the public set's tasks of the same ids
    public = {t.id: t for t in seeded.SeededTaskSet("b2b", None).tasks(CONFIG.task_categories)}
    assert all(public[r.task_id].query != EpisodeLog.read(tmp_path / r.log_file).header.task.query
               for r in results.tasks if r.log_file is not None)
    assert all(r.log_file is not None for r in results.tasks)
    text = _texts(tmp_path)
    assert str(task_seed.seed) not in text and SECRET not in text
    assert json.loads((tmp_path / "results.json").read_text())["task_set"] == \
        identity.model_dump(mode="json")
    for log in (tmp_path / "logs").glob("*.jsonl"):
        assert EpisodeLog.read(log).header.task_set == identity
    assert regrade(tmp_path).to_json() == (tmp_path / "results.json").read_text().strip()
    assert main(["regrade", str(tmp_path), "--check"]) == 0


@pytest.mark.slow
async def test_resuming_reuses_only_episodes_of_the_same_task_set(tmp_path) -> None:
    first = resolve_task_seed(CONFIG, AGENT, SECRET)
    await run_assessment(CONFIG, make_agent("oracle", "low"), tmp_path, task_seed=first)
    resumed: list[bool] = []
    again = await run_assessment(CONFIG, make_agent("oracle", "low"), tmp_path,
                                 progress=lambda e: resumed.append(e.resumed), task_seed=first)
    assert resumed == [True] * 4 and again.task_set is not None
    # the operator's secret changed: same request, another set, nothing reused
    other = resolve_task_seed(CONFIG, AGENT, SECRET + "-rotated")
    resumed.clear()
    rerun = await run_assessment(CONFIG, make_agent("oracle", "low"), tmp_path,
                                 progress=lambda e: resumed.append(e.resumed), task_seed=other)
    assert resumed == [False] * 4
    assert rerun.task_set is not None and rerun.task_set.seed_commitment == other.commitment
    assert rerun.summary.total_passed == 4


async def test_a_category_that_cannot_be_built_fails_the_assessment_naming_it(
        monkeypatch) -> None:
    original = seeded.SeededTaskSet.tasks

    def tasks(self, categories=None, db=None):
        if categories and "quote_approval" in categories:
            raise seeded.TaskSetError("the b2b task set of this task seed cannot be generated "
                                      "in full: quote_approval: only 3 of 20 tasks")
        return original(self, categories, db)
    monkeypatch.setattr(seeded.SeededTaskSet, "tasks", tasks)
    with pytest.raises(seeded.TaskSetError, match="quote_approval: only 3 of 20"):
        await run_assessment(CONFIG, make_agent("oracle", "low"), None,
                             task_seed=resolve_task_seed(CONFIG, AGENT, SECRET))


def test_assess_cli_rejects_a_bad_task_seed_on_one_line(capsys) -> None:
    assert main(["assess", "--agent", "oracle", "--task-seed", "soon"]) == 2
    out = capsys.readouterr().err.strip()
    assert out.count("\n") == 0
    assert "task_seed" in out and 'must be a non-negative integer or "public"' in out


def test_assess_cli_refuses_a_task_seed_when_a_secret_is_set(monkeypatch, capsys) -> None:
    monkeypatch.setenv("CRMARENA_SECRET_SEED", SECRET)
    assert main(["assess", "--agent", "oracle", "--task-seed", "7"]) == 2
    out = capsys.readouterr().err.strip()
    assert out.count("\n") == 0 and "task_seed is not accepted" in out


async def test_shards_of_different_task_sets_are_not_merged(env_db, env_tasks, tmp_path,
                                                            capsys) -> None:
    for i in range(2):
        await run_assessment(AssessmentConfig(shard_index=i, num_shards=2),
                             make_agent("oracle"), tmp_path / f"s{i}", tasks=env_tasks,
                             databases={"b2b": env_db})
    public = resolve_task_seed(AssessmentConfig(), AGENT, use_env=False)
    identity = TaskSetIdentity(public=True, seed_commitment=public.commitment, orgs={})
    for path in (tmp_path / "s1" / "logs").glob("*.jsonl"):  # shard 1 ran on the public set
        log = EpisodeLog.read(path)
        log.header = log.header.model_copy(update={"task_set": identity})
        path.write_text("\n".join(log.lines()) + "\n")
    with pytest.raises(MergeError, match="ran on different task sets"):
        merge_folders([tmp_path / "s0", tmp_path / "s1"], tmp_path / "all")
    assert not (tmp_path / "all").exists()  # refused before anything is copied
    assert main(["merge", str(tmp_path / "s0"), str(tmp_path / "s1"),
                 "--out", str(tmp_path / "all2")]) == 2
    assert "different task sets" in capsys.readouterr().err
    assert regrade(tmp_path / "s1").task_set == identity
