"""The green agent's task seed over real A2A: a bad task_seed and a task_seed sent to an assessor
that keeps a secret are rejected with the reason; with a secret, each request runs its own
fresh task set, the same request the same one, and the artifact names the set without its
seed."""

from __future__ import annotations

import json

import pytest

from a2a_app.local_server import BackgroundServer
from crmarena_cli.demo import oracle_tasks
from env.config import AssessmentConfig
from env.task_seed import SECRET_ENV, resolve_task_seed
from green.assessment_client import request_assessment
from green.server import build_green_app
from purple.conversation_server import build_purple_app
from purple.reference import reference_conversation_factory

SECRET = "green-operator-secret-for-tests"
CONFIG = {"task_categories": ["handle_time", "top_issue_identification"], "task_limit": 3,
          "drift_level": "medium", "rot_level": "medium"}


@pytest.fixture
def green(tmp_path):
    with BackgroundServer(lambda url: build_green_app(url, results_root=tmp_path)) as server:
        yield server.url


def _request(agent_url: str, **config) -> dict:
    return {"participants": {"agent": agent_url}, "config": config}


@pytest.mark.parametrize("value", ["next-week", -3, 1.5, True, ""])
async def test_a_bad_task_seed_is_rejected_naming_the_key(green, value) -> None:
    outcome = await request_assessment(green, _request("http://127.0.0.1:1/", task_seed=value))
    assert outcome.state == "TASK_STATE_REJECTED"
    reason = outcome.statuses[-1]
    assert reason.startswith("bad request: config.task_seed: ")
    assert 'must be a non-negative integer or "public"' in reason and "\n" not in reason


@pytest.mark.parametrize("value", ["public", 42, 1234])
async def test_with_a_secret_a_request_naming_task_seed_is_refused(green, monkeypatch,
                                                                   value) -> None:
    monkeypatch.setenv(SECRET_ENV, SECRET)
    outcome = await request_assessment(green, _request("http://127.0.0.1:1/", task_seed=value))
    assert outcome.state == "TASK_STATE_REJECTED"
    reason = outcome.statuses[-1]
    assert reason.startswith("bad request: task_seed is not accepted here")
    assert SECRET_ENV in reason and SECRET not in reason and "\n" not in reason


@pytest.mark.slow
async def test_with_a_secret_each_request_runs_its_own_fresh_set(green, monkeypatch) -> None:
    monkeypatch.setenv(SECRET_ENV, SECRET)

    config = AssessmentConfig.model_validate(CONFIG)

    def oracle(url: str):
        # The oracle resolves the seed as the green agent will (same request, same secret).
        tasks = oracle_tasks(config, resolve_task_seed(config, {"agent": url}))
        return build_purple_app(url, name="oracle", description="oracle",
                                new_conversation=reference_conversation_factory("oracle", tasks))

    with BackgroundServer(oracle) as purple:
        first = await request_assessment(green, _request(purple.url, **CONFIG))
        again = await request_assessment(green, _request(purple.url, **CONFIG))
    with BackgroundServer(oracle) as other_purple:  # another participant: another set
        other = await request_assessment(green, _request(other_purple.url, **CONFIG))
    for outcome in (first, again, other):
        assert outcome.completed, outcome.statuses
        assert outcome.results is not None
        assert outcome.results["summary"]["total_passed"] == 3
        task_set = outcome.results["task_set"]
        assert task_set["public"] is False
        assert task_set["seed_commitment"].startswith("hmac-sha256:")
        assert "Task set: fresh task set (seed commitment hmac-sha256:" in outcome.summary
        assert "public practice set" not in outcome.summary
        assert SECRET not in json.dumps(outcome.results)
    assert first.results and again.results and other.results

    def queries(outcome) -> list[str]:
        return [t["task_id"] + t["gold"][0] for t in outcome.results["tasks"]]
    assert again.results["task_set"] == first.results["task_set"]
    assert queries(again) == queries(first)
    assert other.results["task_set"]["seed_commitment"] != \
        first.results["task_set"]["seed_commitment"]


@pytest.mark.slow
async def test_the_artifact_names_the_public_practice_set(green) -> None:
    with BackgroundServer(lambda url: build_purple_app(
            url, name="oracle", description="oracle",
            new_conversation=reference_conversation_factory("oracle"))) as purple:
        outcome = await request_assessment(green, _request(purple.url, task_limit=1))
    assert outcome.completed, outcome.statuses
    assert outcome.results is not None and outcome.results["task_set"]["public"] is True
    assert "Task set: public practice set" in outcome.summary
