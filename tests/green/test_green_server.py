"""The green agent end to end over real HTTP on 127.0.0.1: the real runner assessing purple
agents served over A2A, driven by a 1.x client and by raw 0.3 JSON-RPC (the seed's curl shape)."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from a2a_app.local_server import BackgroundServer
from green.assessment_client import request_assessment
from green.server import build_green_app
from purple.conversation_server import build_purple_app
from purple.hostile import DroppingServer, garbage_app, hanging_app, http500_app
from purple.reference import reference_conversation_factory

pytestmark = pytest.mark.slow


def _reference_app(name: str):
    return lambda url: build_purple_app(url, name=name, description=name,
                                        new_conversation=reference_conversation_factory(name))


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    root = tmp_path_factory.mktemp("green")
    with BackgroundServer(lambda url: build_green_app(url, results_root=root)) as green, \
            BackgroundServer(_reference_app("oracle")) as oracle, \
            BackgroundServer(_reference_app("null")) as null:
        yield {"green": green.url, "oracle": oracle.url, "null": null.url, "root": root}


def _request(agent_url: str, **config) -> dict:
    return {"participants": {"agent": agent_url}, "config": config}


async def test_oracle_scores_functional_100_under_high_drift_and_rot(servers):
    statuses: list[str] = []
    outcome = await request_assessment(
        servers["green"], _request(servers["oracle"], task_limit=22, drift_level="high",
                                   rot_level="high", concurrency=11),
        on_status=statuses.append)
    assert outcome.completed, outcome.statuses
    results = outcome.results
    assert results["summary"]["total_tasks"] == 22 and isinstance(
        results["summary"]["total_tasks"], int)  # the JSON text part keeps integers
    assert results["summary"]["total_passed"] == 22
    assert results["dimension_averages"]["FUNCTIONAL"] == pytest.approx(100)
    assert {(t["drift"], t["rot"]) for t in results["tasks"]} == {("high", "high")}
    assert len({t["category"] for t in results["tasks"]}) == 22  # every category once
    assert "task 22/22 · pass 22" in statuses
    assert "22/22 tasks passed" in outcome.summary
    assert (servers["root"] / outcome.task_id / "results.json").is_file()


@pytest.mark.parametrize("make_purple", [garbage_app, hanging_app, http500_app, "drop"],
                         ids=["garbage", "hang", "http500", "drop"])
async def test_broken_purples_fail_their_episodes_not_the_assessment(servers, make_purple):
    if make_purple == "drop":
        purple = DroppingServer()
    else:
        purple = BackgroundServer(make_purple)
    with purple:
        outcome = await request_assessment(
            servers["green"], _request(purple.url, task_limit=2, max_steps=3, turn_timeout=0.5,
                                       timeout=5))
    assert outcome.completed, outcome.statuses
    assert outcome.results["summary"]["total_tasks"] == 2
    assert outcome.results["summary"]["total_passed"] == 0
    assert [t["passed"] for t in outcome.results["tasks"]] == [False, False]


async def test_two_assessments_at_once_do_not_mix(servers):
    from data.tasks import load_task_set

    ids = [t.id for t in load_task_set("b2b")][:6]
    oracle_run, null_run = await asyncio.gather(
        request_assessment(servers["green"], _request(servers["oracle"], task_ids=ids[:3])),
        request_assessment(servers["green"], _request(servers["null"], task_ids=ids[3:])))
    assert oracle_run.completed and null_run.completed
    assert oracle_run.task_id != null_run.task_id
    assert sorted(t["task_id"] for t in oracle_run.results["tasks"]) == sorted(ids[:3])
    assert sorted(t["task_id"] for t in null_run.results["tasks"]) == sorted(ids[3:])
    assert oracle_run.results["summary"]["total_passed"] == 3
    assert null_run.results["summary"]["total_passed"] == 0


def _v03_body(method: str, text: str) -> dict:
    """Exactly the seed's curl examples: an A2A 0.3 JSON-RPC call with one text part."""
    return {"jsonrpc": "2.0", "id": "req-1", "method": method,
            "params": {"message": {"kind": "message", "role": "user", "messageId": "msg-1",
                                   "parts": [{"kind": "text", "text": text}]}}}


async def test_v03_message_send_returns_the_completed_task(servers):
    text = json.dumps(_request(servers["oracle"], task_limit=2))
    async with httpx.AsyncClient(timeout=120) as http:
        response = await http.post(servers["green"], json=_v03_body("message/send", text))
    result = response.json()["result"]
    assert result["kind"] == "task" and result["status"]["state"] == "completed"
    parts = result["artifacts"][0]["parts"]
    kinds = [p["kind"] for p in parts]
    assert kinds.count("text") == 2 and kinds.count("data") == 1
    data = next(p["data"] for p in parts if p["kind"] == "data")
    assert data["summary"]["total_passed"] == 2
    as_text = json.loads(next(p["text"] for p in parts if p.get("text", "").startswith("{")))
    assert as_text["summary"]["total_tasks"] == 2
    assert isinstance(as_text["summary"]["total_tasks"], int)  # the JSON text keeps integers


async def test_v03_message_stream_sends_progress_then_artifact_then_completed(servers):
    text = json.dumps(_request(servers["oracle"], task_limit=2))
    events = []
    async with httpx.AsyncClient(timeout=120) as http:
        async with http.stream("POST", servers["green"], json=_v03_body("message/stream", text),
                               headers={"Accept": "text/event-stream"}) as response:
            assert response.headers["content-type"].startswith("text/event-stream")
            async for line in response.aiter_lines():
                if line.startswith("data:"):
                    events.append(json.loads(line[5:])["result"])
    kinds = [e["kind"] for e in events]
    assert kinds[0] == "task"
    assert "artifact-update" in kinds
    progress = [p["text"] for e in events if e["kind"] == "status-update"
                for p in e["status"].get("message", {}).get("parts", [])]
    assert "task 2/2 · pass 2" in progress
    assert events[-1]["kind"] == "status-update" and events[-1]["status"]["state"] == "completed"
    assert events[-1]["final"] is True


@pytest.mark.parametrize("text, expected", [
    ("hello", "the request is not JSON"),
    ("[1, 2]", "must be a JSON object"),
    ('{"participants": {}}', 'needs the role "agent"'),
    ('{"participants": {"agent": "not a url"}}', "participants.agent"),
    ('{"participants": {"agent": "http://127.0.0.1:1/"}, "config": {"drift_level": "extreme"}}',
     "config.drift_level"),
    ('{"participants": {"agent": "http://127.0.0.1:1/"}, "config": {"max_steps": 0}}',
     "config.max_steps"),
    ('{"participants": {"agent": "http://127.0.0.1:1/"}, "extra": 1}', "extra"),
    ('{"participants": {"agent": "http://127.0.0.1:1/"}, "config": {"task_ids": ["nope-1"]}}',
     "unknown task ids: nope-1"),
])
async def test_bad_requests_are_rejected_with_the_reason(servers, text, expected):
    outcome = await request_assessment(servers["green"], text)
    assert outcome.state == "TASK_STATE_REJECTED"
    assert expected in outcome.statuses[-1]


async def test_agent_card_for_current_and_legacy_clients(servers):
    async with httpx.AsyncClient() as http:
        card = (await http.get(servers["green"] + ".well-known/agent-card.json")).json()
        legacy = (await http.get(servers["green"] + ".well-known/agent.json")).json()
    assert card == legacy
    assert card["url"] == servers["green"] and card["capabilities"]["streaming"] is True
    versions = {i["protocolVersion"] for i in card["supportedInterfaces"]}
    assert versions == {"1.0", "0.3"}
    for key in ("name", "description", "version", "defaultInputModes", "defaultOutputModes",
                "skills"):
        assert card[key]


async def test_cancel_stops_a_running_assessment(servers):
    from uuid import uuid4

    from a2a.client import ClientConfig, create_client
    from a2a.types import CancelTaskRequest, Message, Part, Role, SendMessageRequest, TaskState

    with BackgroundServer(hanging_app) as purple:
        request = json.dumps(_request(purple.url, task_limit=2, turn_timeout=60, timeout=120))
        async with httpx.AsyncClient(timeout=30) as http:
            client = await create_client(servers["green"], client_config=ClientConfig(
                httpx_client=http, streaming=True))
            message = Message(role=Role.ROLE_USER, message_id=uuid4().hex,
                              parts=[Part(text=request)])
            states = []
            started = asyncio.get_running_loop().time()
            async for event in client.send_message(SendMessageRequest(message=message)):
                if event.HasField("task"):
                    task_id = event.task.id
                elif event.HasField("status_update"):
                    states.append(event.status_update.status.state)
                    if states == [TaskState.TASK_STATE_WORKING]:
                        canceled = await client.cancel_task(CancelTaskRequest(id=task_id))
                        assert canceled.status.state == TaskState.TASK_STATE_CANCELED
                    if event.status_update.status.state == TaskState.TASK_STATE_CANCELED:
                        break
            await client.close()
    assert asyncio.get_running_loop().time() - started < 30
    assert states[-1] == TaskState.TASK_STATE_CANCELED


async def test_request_as_a_data_part(servers):
    body = _v03_body("message/send", "")
    body["params"]["message"]["parts"] = [
        {"kind": "data", "data": _request(servers["null"], task_limit=1, max_steps=2)}]
    async with httpx.AsyncClient(timeout=120) as http:
        result = (await http.post(servers["green"], json=body)).json()["result"]
    assert result["status"]["state"] == "completed"
    data = next(p["data"] for p in result["artifacts"][0]["parts"] if p["kind"] == "data")
    assert data["summary"]["total_tasks"] == 1 and data["config"]["max_steps"] == 2


async def test_a_non_streaming_1x_client_gets_the_finished_task(servers):
    outcome = await request_assessment(
        servers["green"], _request(servers["oracle"], task_limit=2), streaming=False)
    assert outcome.completed
    assert outcome.results["summary"]["total_passed"] == 2
    assert outcome.statuses == []  # one reply: the completed task, no progress stream
