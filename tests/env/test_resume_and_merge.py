"""Nothing lost, nothing mixed (issue 16): a folder resumes only the same assessment of the same
agent, merge keeps every episode of every folder, and results say what made them."""

from __future__ import annotations

import json

import pytest

from core.provenance import code_hash, package_version
from data.tasks.taskset import task_set_digest
from env.agents import make_agent
from env.config import AssessmentConfig
from env.log import EpisodeLog
from env.results import MergeError, merge_folders, read_run, regrade
from env.runner import FolderInUse, plan_assessment, run_assessment
from report.write import write_report

LEVELS = ("none", "low", "medium", "high")


async def _assess(agent_name, folder, env_db, env_tasks, **config):
    drift = config.get("drift_level", "none")
    return await run_assessment(AssessmentConfig(**config), make_agent(agent_name, drift), folder,
                                tasks=env_tasks, databases={"b2b": env_db})


async def test_another_agent_into_the_same_folder_is_refused_not_mixed(env_db, env_tasks,
                                                                       tmp_path):
    """`assess --agent careless --out r` then `--agent oracle --out r` printed the careless
    score again: no oracle episode ran."""
    careless = await _assess("careless", tmp_path, env_db, env_tasks)
    with pytest.raises(FolderInUse, match="holds an assessment of careless, not of oracle"):
        await _assess("oracle", tmp_path, env_db, env_tasks)
    assert read_run(tmp_path).agent == "careless"  # run.json not overwritten by the refused run
    headers = [EpisodeLog.read(p).header for p in (tmp_path / "logs").glob("*.jsonl")]
    assert {h.agent for h in headers} == {"careless"}
    assert regrade(tmp_path).to_json() == careless.to_json()


async def test_resume_keeps_only_the_same_agents_finished_episodes(env_db, env_tasks, tmp_path):
    config = AssessmentConfig(drift_level="low")
    await run_assessment(config, make_agent("oracle", "low"), tmp_path, tasks=env_tasks,
                         databases={"b2b": env_db})
    logs = sorted((tmp_path / "logs").glob("*.jsonl"))
    logs[0].unlink()
    plan = await plan_assessment(config, make_agent("oracle", "low"), tmp_path, tasks=env_tasks)
    assert (len(plan.kept), plan.total) == (len(env_tasks) - 1, len(env_tasks))

    class Renamed:  # the same episodes, but another agent identity
        name = "oracle"
        identity = {"card": "Oracle 2.0"}

        def session(self, task, trial):
            raise AssertionError("never runs")

    with pytest.raises(FolderInUse, match=r"not of oracle \(card: Oracle 2.0\)"):
        await plan_assessment(config, Renamed(), tmp_path, tasks=env_tasks)


async def test_merging_levels_keeps_every_episode_and_yields_the_curve(env_db, env_tasks,
                                                                       tmp_path):
    """`merge lv_none lv_low lv_medium lv_high` kept one level's episodes and exited 0."""
    folders = []
    for level in LEVELS:
        folder = tmp_path / f"lv_{level}"
        await _assess("careless", folder, env_db, env_tasks, drift_level=level, rot_level=level)
        folders.append(folder)
    merged = merge_folders(folders, tmp_path / "m")
    n = len(env_tasks)
    assert merged.summary.total_tasks == 4 * n
    assert list(merged.by_drift) == sorted(LEVELS) and list(merged.by_rot) == sorted(LEVELS)
    assert all(agg.episodes == n for agg in merged.by_drift.values())
    assert merged.config["drift_level"] == list(LEVELS)
    assert merged.config["merged_from"] == [str(f) for f in folders]
    assert len(list((tmp_path / "m" / "logs").glob("*.jsonl"))) == 4 * n
    written = (tmp_path / "m" / "results.json").read_text()
    assert regrade(tmp_path / "m").to_json() == written.strip()
    page = write_report(tmp_path / "m").read_text()
    assert "drift = rot level" in page  # the accuracy curve across levels
    for level in LEVELS:
        assert f">{level}<" in page


async def test_merge_refuses_other_agents_and_duplicate_episodes(env_db, env_tasks, tmp_path):
    await _assess("careless", tmp_path / "a", env_db, env_tasks)
    await _assess("oracle", tmp_path / "b", env_db, env_tasks)
    await _assess("careless", tmp_path / "c", env_db, env_tasks, drift_level="low")
    with pytest.raises(MergeError, match="assessed careless but .* assessed oracle"):
        merge_folders([tmp_path / "a", tmp_path / "b"], tmp_path / "m1")
    with pytest.raises(MergeError,
                       match=r"both hold b2b task env-\S+ \(drift none, rot none, trial 0\)"):
        merge_folders([tmp_path / "a", tmp_path / "a"], tmp_path / "m2")
    with pytest.raises(MergeError, match="not empty"):
        merge_folders([tmp_path / "a", tmp_path / "c"], tmp_path / "a")
    assert not (tmp_path / "m1").exists() and not (tmp_path / "m2").exists()


async def test_logs_and_results_say_what_made_them(env_db, env_tasks, tmp_path):
    results = await _assess("oracle", tmp_path, env_db, env_tasks, drift_level="low")
    header = EpisodeLog.read(next((tmp_path / "logs").glob("*.jsonl"))).header
    made_by = header.provenance
    assert made_by is not None
    assert made_by.package_version == package_version() and made_by.code_hash == code_hash()
    assert made_by.org == "b2b" and made_by.task_set_version == task_set_digest(env_tasks)
    assert header.config.drift == "low"
    assert results.provenance == [made_by]
    assert json.loads((tmp_path / "results.json").read_text())["provenance"][0]["code_hash"] \
        == code_hash()
    assert regrade(tmp_path).to_json() == (tmp_path / "results.json").read_text().strip()


async def test_unknown_config_keys_are_accepted_and_warned_about(env_db, env_tasks, tmp_path):
    """A mistyped key ("drift": "high") used to run at drift none without a word."""
    config = AssessmentConfig.model_validate({"drift": "high", "task_limit": 1})
    results = await run_assessment(config, make_agent("null"), tmp_path, tasks=env_tasks,
                                   databases={"b2b": env_db})
    assert results.warnings == ["unknown config key 'drift' ignored (did you mean "
                                "'drift_level'?)"]
    assert regrade(tmp_path).warnings == results.warnings


async def test_agent_errors_are_counted_with_the_first_reason(env_db, env_tasks, tmp_path,
                                                               capsys):
    class Broken:
        name = "broken"

        def session(self, task, trial):
            return self

        async def act(self, message):
            raise ConnectionError("purple fell over")

        async def close(self):
            pass

    results = await run_assessment(AssessmentConfig(), Broken(), tmp_path, tasks=env_tasks,
                                   databases={"b2b": env_db})
    assert results.summary.agent_errors == len(env_tasks)
    assert results.summary.first_agent_error == "ConnectionError: purple fell over"
    assert "agent errors" in write_report(tmp_path).read_text()
    from crmarena_cli.assess import print_summary
    from green.summary import summary_text

    assert "the first: ConnectionError: purple fell over" in summary_text(
        results.model_dump(mode="json"))
    print_summary(results)
    assert "ended on an agent error" in capsys.readouterr().out


async def test_an_agent_that_cannot_connect_stops_before_any_episode(env_db, env_tasks, tmp_path):
    from env.protocol import AgentUnavailable

    class Unreachable:
        name = "a2a:http://nowhere/"
        sessions = 0

        async def connect(self):
            raise AgentUnavailable("cannot read the agent card of http://nowhere/")

        def session(self, task, trial):
            self.sessions += 1

    agent = Unreachable()
    with pytest.raises(AgentUnavailable):
        await run_assessment(AssessmentConfig(), agent, tmp_path, tasks=env_tasks,
                             databases={"b2b": env_db})
    assert agent.sessions == 0 and not (tmp_path / "run.json").exists()
