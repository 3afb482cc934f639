"""Leaderboard results as AgentBeats stores them, from real assessments: the green agent over A2A
(raw 0.3 JSON-RPC, as the gateway's client speaks), each shard's artifact read the way the
gateway reads it, the shards combined the way the leaderboard workflow combines them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest

from a2a_app.local_server import BackgroundServer
from green.server import build_green_app
from purple.conversation_server import build_purple_app
from purple.reference import reference_conversation_factory
from tests.helpers.fresh_seeds import FRESH_SEEDS

#: The assessments: (submission file, agent, AgentBeats id, shards, config).
SUBMISSIONS = [
    ("oracle-run", "oracle", "agent-oracle", 2,
     {"org_type": "both", "task_limit": 8, "drift_level": "medium", "rot_level": "low"}),
    ("null-run", "null", "agent-null", 1,
     {"org_type": "both", "task_limit": 8, "drift_level": "medium", "rot_level": "low"}),
    ("oracle-high", "oracle", "agent-oracle", 1,
     {"org_type": "b2b", "task_limit": 4, "drift_level": "high", "rot_level": "high"}),
    # a fresh task set: ranked apart from the public practice set's submissions
    ("null-fresh", "null", "agent-null-fresh", 1,
     {"org_type": "b2b", "task_limit": 4, "drift_level": "medium", "rot_level": "low",
      "task_seed": FRESH_SEEDS[0]}),
]


def gateway_results(green_url: str, request: dict[str, Any]) -> dict[str, Any]:
    """What the AgentBeats gateway serves for one assessment: {"status", "results"}, the results
    being every data part of the completed task's artifacts and every text part that parses as
    JSON (agentbeats-gateway src/assessment.py)."""
    reply = httpx.post(green_url, timeout=600, json={
        "jsonrpc": "2.0", "id": 1, "method": "message/send",
        "params": {"message": {"kind": "message", "role": "user", "messageId": uuid4().hex,
                               "parts": [{"kind": "text", "text": json.dumps(request)}]}}})
    task = reply.json()["result"]
    state, items = task["status"]["state"], []
    for artifact in task.get("artifacts", []) if state == "completed" else []:
        for part in artifact["parts"]:
            if part["kind"] == "data":
                items.append(part["data"])
            elif part["kind"] == "text":
                try:
                    items.append(json.loads(part["text"]))
                except ValueError:
                    pass  # the readable summary
    return {"status": state, "results": items}


def leaderboard_file(shards: list[dict[str, Any]], agentbeats_ids: dict[str, Any]
                     ) -> dict[str, Any]:
    """The workflow's summary job: results/<submission>.json from the shards' results."""
    statuses = [s["status"] for s in shards]
    status = "completed" if all(s == "completed" for s in statuses) else \
        "partial" if "completed" in statuses else "failed"
    return {"status": status, "participants": agentbeats_ids,
            "results": [item for shard in shards for item in shard["results"]]}


def _reference_app(name: str):
    return lambda url: build_purple_app(url, name=name, description=name,
                                        new_conversation=reference_conversation_factory(name))


@pytest.fixture(scope="session")
def leaderboard_results(tmp_path_factory: pytest.TempPathFactory
                        ) -> Iterator[tuple[Path, dict[str, list[dict[str, Any]]]]]:
    """(folder holding results/<submission>.json, each submission's shards as the green
    agent returned them)."""
    root = tmp_path_factory.mktemp("leaderboard")
    (root / "results").mkdir()
    shards_of: dict[str, list[dict[str, Any]]] = {}
    with BackgroundServer(lambda url: build_green_app(url)) as green, \
            BackgroundServer(_reference_app("oracle")) as oracle, \
            BackgroundServer(_reference_app("null")) as null:
        purple = {"oracle": oracle.url, "null": null.url}
        for name, agent, agent_id, shards, config in SUBMISSIONS:
            runs = [gateway_results(green.url, {
                "participants": {"agent": purple[agent]},
                "config": {**config, "shard_index": i, "num_shards": shards}})
                for i in range(shards)]
            shards_of[name] = runs
            stored = leaderboard_file(runs, {"crmarena": "green-id", "agent": agent_id})
            (root / "results" / f"{name}.json").write_text(json.dumps(stored))
    yield root, shards_of
