"""Under drift and rot, the sandbox answers what `crmarena soql` and `crmarena repl` answer on the
same options, record for record: it serves the REPL's own episode org, not a look-alike."""

from __future__ import annotations

import json

import pytest

from crmarena_cli import main as crmarena
from playground.session import SessionSettings
from tests.helpers.sandbox import TODAY, client, oauth_login, start_sandbox

pytestmark = pytest.mark.slow

TASK = "b2b-handle_time-004"


def statements(http) -> list[str]:
    """Queries written the way an agent would, from the sandbox's own (drifted) describes."""
    names = [o["name"] for o in http.get("/services/data/v59.0/sobjects").json()["sobjects"]]
    out = []
    for name in names[:12]:
        fields = http.get(f"/services/data/v59.0/sobjects/{name}/describe").json()["fields"]
        picked = ", ".join(f["name"] for f in fields[:8])
        out.append(f"SELECT {picked} FROM {name} ORDER BY Id LIMIT 300")
        out.append(f"SELECT COUNT() FROM {name}")
        groupable = [f["name"] for f in fields if f["groupable"] and f["type"] == "picklist"]
        if groupable:
            out.append(f"SELECT {groupable[0]}, COUNT(Id) n FROM {name} GROUP BY {groupable[0]}")
    return out


def rest_answers(sb) -> dict[str, object]:
    with client(sb, oauth_login(sb)) as http:
        return {s: http.get("/services/data/v59.0/query", params={"q": s}).json()
                for s in statements(http)}


def cli_answers(capsys, argv: list[str], queries: list[str]) -> list[object]:
    capsys.readouterr()
    assert crmarena(argv + [a for q in queries for a in ("-c", q)]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_equals_crmarena_soql_under_drift_and_rot(tmp_path, capsys):
    settings = SessionSettings(org="b2b", drift="medium", rot="medium", seed=3, today=TODAY)
    sb = start_sandbox(tmp_path, settings=settings)
    try:
        answers = rest_answers(sb)
    finally:
        sb.shutdown()
    assert any("__c" in s for s in answers)  # drift renamed what the statements use
    options = ["--drift", "medium", "--rot", "medium", "--seed", "3", "--today", str(TODAY)]
    for statement, answer in answers.items():
        capsys.readouterr()
        assert crmarena(["soql", "--compact", *options, statement]) == 0
        assert json.loads(capsys.readouterr().out) == answer, statement


def test_equals_crmarena_repl_for_a_task(tmp_path, capsys):
    settings = SessionSettings(org="b2b", drift="high", rot="high", task_id=TASK)
    sb = start_sandbox(tmp_path, settings=settings)
    try:
        answers = rest_answers(sb)
        assert sb.instance.today == sb.instance.org.task.today
    finally:
        sb.shutdown()
    expected = cli_answers(capsys, ["repl", "--json", "--task", TASK, "--drift", "high",
                                    "--rot", "high"], list(answers))
    assert expected == list(answers.values())
