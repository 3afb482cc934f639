"""The AgentBeats leaderboard kit (leaderboard/): the component manifests and the scenario agree
with the image and the green agent's request, queries.json is generated from queries.sql, and
every query, run with DuckDB over the results of real assessments stored as the leaderboard
workflow stores them, gives the figures the green agent reported, each episode counted once."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import duckdb
import json5
import pytest

from env.config import AssessmentConfig
from green.request import AGENT_ROLE
from scripts.leaderboard_queries import TARGET, load_queries, render
from tests.helpers import REPO
from tests.leaderboard.conftest import SUBMISSIONS

KIT = REPO / "leaderboard"
DIMENSIONS = {"Functional": "FUNCTIONAL", "Drift adaptation": "DRIFT_ADAPTATION",
              "Token efficiency": "TOKEN_EFFICIENCY", "Query efficiency": "QUERY_EFFICIENCY",
              "Error recovery": "ERROR_RECOVERY", "Trajectory efficiency": "TRAJECTORY_EFFICIENCY",
              "Hallucination rate": "HALLUCINATION_RATE"}


def _json5(name: str) -> dict[str, Any]:
    return json5.loads((KIT / name).read_text(encoding="utf-8"))


def test_the_green_manifest_matches_the_image_and_the_request() -> None:
    green = _json5("green-agent.json5")
    dockerfile = (REPO / "Dockerfile").read_text()
    entrypoint = json.loads(re.search(r"^ENTRYPOINT (\[.*\])$", dockerfile, re.M).group(1))
    assert green["program"]["entrypoint"].split()[:2] == entrypoint
    (endpoint,) = green["program"]["network"]["endpoints"]
    assert endpoint["port"] == 9009 and f"EXPOSE {endpoint['port']}" in dockerfile
    assert f"--port {endpoint['port']}" in green["program"]["entrypoint"]
    assert green["provides"]["a2a"]["endpoint"] == endpoint["name"]
    assert green["metadata"]["participant_roles"] == [AGENT_ROLE]
    config = green["metadata"]["assessment_config"]
    assert set(config) <= set(AssessmentConfig.model_fields)  # no key the green would ignore
    AssessmentConfig.model_validate(config)


def test_the_scenario_wires_the_green_agent_and_one_participant() -> None:
    scenario = _json5("scenario.json5")
    components = scenario["components"]
    gateway = components["gateway"]["config"]
    roles = gateway["participant_roles"]
    assert roles["purple1"] == AGENT_ROLE and components[roles["green"]]
    assert components[roles["green"]]["manifest"] == "./green-agent.json5"
    assert (KIT / components[AGENT_ROLE]["manifest"]).exists()
    AssessmentConfig.model_validate(gateway["assessment_config"])
    bindings = {(b["to"], b["from"]) for b in scenario["bindings"]}
    assert ("#gateway.green", f"#{roles['green']}.a2a") in bindings
    assert ("#gateway.purple1", f"#{AGENT_ROLE}.a2a") in bindings
    assert scenario["exports"] == {"results": "#gateway.results"}
    # the results file's participants are these ids, keyed by component name: the queries
    # read participants.agent
    assert set(scenario["metadata"]["agentbeats_ids"]) == {roles["green"], AGENT_ROLE}


def test_queries_json_is_generated_from_queries_sql() -> None:
    assert TARGET.read_text(encoding="utf-8") == render()
    names = [q["name"] for q in load_queries()]
    assert len(names) == len(set(names)) == 5
    assert all(q["query"].startswith("WITH runs AS (") and "--" not in q["query"]
               for q in load_queries())


# --- the queries over stored results ----------------------------------------------------------


def _run_queries(folder: Path) -> dict[str, list[dict[str, Any]]]:
    """Every query of queries.json over folder/results/*.json, as AgentBeats runs them."""
    con = duckdb.connect()
    try:
        con.execute("CREATE VIEW results AS SELECT * FROM "
                    f"read_json_auto('{folder / 'results'}/*.json')")
        out = {}
        for query in json.loads(TARGET.read_text(encoding="utf-8")):
            cursor = con.execute(query["query"])
            columns = [d[0] for d in cursor.description]
            out[query["name"]] = [dict(zip(columns, row, strict=True))
                                  for row in cursor.fetchall()]
            assert columns[0] == "id"  # AgentBeats: the agent's id comes first
        return out
    finally:
        con.close()


def _episodes(shards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The submission's episodes from the green agent's own results.json (the text part)."""
    return [t for shard in shards for t in shard["results"][1]["tasks"]]


def _expected(shards: list[dict[str, Any]]) -> dict[str, Any]:
    episodes = _episodes(shards)
    n = len(episodes)
    config = shards[0]["results"][1]["config"]
    return {
        "episodes": n,
        "pass": round(100 * sum(t["passed"] for t in episodes) / n, 1),
        "score": round(sum(t["score"] for t in episodes) / n, 2),
        "dimensions": {label: round(sum(t["scores"][key] for t in episodes) / n, 2)
                       for label, key in DIMENSIONS.items()},
        "drift": config["drift_level"], "rot": config["rot_level"], "config": config}


@pytest.mark.slow
def test_the_queries_give_the_green_agents_figures(leaderboard_results) -> None:
    root, shards_of = leaderboard_results
    stored = json.loads((root / "results" / "oracle-run.json").read_text())
    assert len(stored["results"]) == 2 * 2  # two shards, each kept twice by the gateway
    tables = _run_queries(root)
    overall = tables["Entropic CRMArena"]
    assert len(overall) == len(SUBMISSIONS)
    for name, _agent, agent_id, shards, _config in SUBMISSIONS:
        want = _expected(shards_of[name])
        assert want["episodes"] == want["config"]["task_limit"]
        (row,) = [r for r in overall if r["id"] == agent_id and r["Episodes"] == want["episodes"]]
        assert (row["Pass rate (%)"], row["Score"]) == (want["pass"], want["score"])
        public = want["config"].get("task_seed") in (None, "public")
        assert (row["Task set"] == "public practice set") == public
        assert public or row["Task set"].startswith("fresh set sha256:")
        (dims,) = [r for r in tables["Scores by dimension (0-100)"] if r["id"] == agent_id
                   and r["Functional"] == want["dimensions"]["Functional"]
                   and r["Query efficiency"] == want["dimensions"]["Query efficiency"]]
        assert {k: dims[k] for k in DIMENSIONS} == want["dimensions"]
        for query, level in (("Pass rate by schema drift (%)", want["drift"]),
                             ("Pass rate by context rot (%)", want["rot"])):
            rows = [r for r in tables[query] if r["id"] == agent_id and r[level] is not None
                    and r[level] == want["pass"]]
            assert rows, (query, level, tables[query])
            assert all(r[other] is None for r in rows for other in ("none", "low", "medium",
                                                                    "high") if other != level)
        (setting,) = [r for r in tables["Assessments (task set and settings)"]
                      if r["id"] == agent_id and r["Orgs"] == want["config"]["org_type"]]
        assert (setting["Tasks"], setting["Seed"], setting["Drift"], setting["Rot"],
                setting["Shards"]) == (str(want["config"]["task_limit"]), 0, want["drift"],
                                       want["rot"], shards)
    assert {r["id"]: r["Pass rate (%)"] for r in overall if r["id"] == "agent-oracle"} == \
        {"agent-oracle": 100.0}
    # every table ranks within a task set: its rows come grouped by it
    for rows in tables.values():
        sets = [r["Task set"] for r in rows]
        assert sets == sorted(sets) and len(set(sets)) == 2


@pytest.mark.slow
def test_a_submission_with_a_failed_shard_is_left_out(leaderboard_results, tmp_path) -> None:
    root, _ = leaderboard_results
    shutil.copytree(root / "results", tmp_path / "results")
    partial = json.loads((tmp_path / "results" / "null-run.json").read_text())
    partial.update(status="partial", participants={"crmarena": "green-id", "agent": "agent-x"})
    (tmp_path / "results" / "partial.json").write_text(json.dumps(partial))
    tables = _run_queries(tmp_path)
    assert all(r["id"] != "agent-x" for rows in tables.values() for r in rows)
    assert len(tables["Entropic CRMArena"]) == len(SUBMISSIONS)
