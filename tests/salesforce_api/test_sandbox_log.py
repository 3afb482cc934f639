"""Every request is one turn of an episode log: `crmarena view` renders a sandbox session, the
metrics are computed from it as from an assessment's, and no secret is written."""

from __future__ import annotations

import pytest

from crmarena_cli import main as crmarena
from env.log import EpisodeLog
from env.metrics import compute_metrics
from env.results import regrade
from playground.session import SessionSettings
from tests.helpers.sandbox import client, oauth_login, start_sandbox

pytestmark = pytest.mark.slow

BASE = "/services/data/v59.0"
#: More than one batch of rows, naming no field drift could rename.
MANY_ROWS = "SELECT Id FROM EmailMessage"


def test_the_log_records_every_call(tmp_path, capsys):
    settings = SessionSettings(org="b2b", drift="low", today=None)
    sb = start_sandbox(tmp_path, settings=settings, password="s3cret-Pw")
    renamed_base, renamed_visible = next(iter(sb.log.context.renames.items()))
    try:
        session = oauth_login(sb)
        with client(sb, session) as http:
            first = http.get(f"{BASE}/query", params={"q": MANY_ROWS}).json()
            calls = [
                ("GET", first["nextRecordsUrl"], None),
                ("GET", f"{BASE}/search", {"q": "FIND {Apex} RETURNING Account(Name)"}),
                ("GET", f"{BASE}/sobjects", None),
                ("GET", f"{BASE}/sobjects/Case/describe", None),
                ("GET", f"{BASE}/query", {"q": "SELECT Nme FROM Account"}),
                ("GET", f"{BASE}/query", {"q": f"SELECT Id FROM {renamed_base.split('.')[0]} "
                                                f"WHERE {renamed_base.split('.')[-1]} != null"}),
                ("GET", f"{BASE}/limits", None),
                ("DELETE", f"{BASE}/sobjects/Case/500Wt00000TXuHTIA1", None),
            ]
            for method, url, params in calls:
                http.request(method, url, params=params)
        with client(sb) as anonymous:
            anonymous.get(f"{BASE}/limits")
        number = sb.sessions.get(session).number
    finally:
        sb.shutdown()  # ends the sessions: their logs are complete

    log = EpisodeLog.read(sb.log.path(number))
    assert [t.tool for t in log.turns] == [
        "login", "soql_query", "query_more", "sosl_search", "describe", "describe",
        "soql_query", "soql_query", "limits", "write"]
    assert log.end is not None and log.end.termination == "closed"
    assert log.turns[1].arguments == {"query": MANY_ROWS}
    assert log.turns[2].arguments["query"] == MANY_ROWS
    assert log.turns[5].arguments == {"object": "Case"}
    assert [t.error_code for t in log.turns[6:]] == \
        ["INVALID_FIELD", "INVALID_FIELD", None, "INSUFFICIENT_ACCESS_OR_READONLY"]
    assert log.turns[1].observation.startswith("[soql_query · HTTP 200")
    assert log.turns[1].truncated and log.turns[1].tokens_out > 0
    assert all(t.env_seconds > 0 for t in log.turns)
    assert log.header.renames[renamed_base] == renamed_visible
    metrics = compute_metrics(log)
    assert metrics.queries == 4 and metrics.failed_queries == 2
    assert metrics.hallucinated_names == ["Account.Nme"] and metrics.stale_name_errors == 1
    assert metrics.describe_calls == 2 and metrics.steps == 10

    anonymous_log = EpisodeLog.read(sb.log.path(0))
    assert [t.error_code for t in anonymous_log.turns] == ["INVALID_SESSION_ID"]

    folder = sb.log.folder
    text = "".join(p.read_text() for p in folder.rglob("*.json*"))
    assert session not in text and sb.ready_session.id not in text
    assert "s3cret-Pw" not in text

    results = regrade(folder)
    assert {t.trial for t in results.tasks} >= {0, number}
    capsys.readouterr()
    assert crmarena(["view", str(folder), "--task", "sandbox", "--trial", str(number)]) == 0
    shown = capsys.readouterr().out
    assert "query_more" in shown and "INVALID_FIELD" in shown
    assert crmarena(["view", str(folder)]) == 0
    assert (folder / "report.html").exists()
