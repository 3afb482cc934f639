"""The playground session, its dot commands and statement splitting, in process on the real org."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from rich.console import Console

from data.org.store import load_org
from data.tasks import load_task_set
from entropy import build_view, plan_drift
from playground.meta import rename_map, rot_summary, run_meta
from playground.script import split_statements
from playground.session import PlaygroundSession, SessionSettings
from sandbox_db.soql import run_statement

TODAY = dt.date(2024, 6, 1)


def console() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, width=200, color_system=None), out


def test_split_statements_like_psql() -> None:
    text = ("SELECT Id FROM Account;SELECT Name\nFROM Contact\n\n"
            ".drift low\n-- a comment\n"
            "SELECT Id FROM Account WHERE Name = 'a;b\n\nc' ;\n"
            "FIND {x;y} RETURNING Account\n\n\n.quit")
    assert split_statements(text) == [
        "SELECT Id FROM Account", "SELECT Name\nFROM Contact", ".drift low",
        "SELECT Id FROM Account WHERE Name = 'a;b\n\nc'", "FIND {x;y} RETURNING Account", ".quit"]
    assert split_statements("  \n;\n") == []


def test_statements_match_the_episode_view_and_errors_are_the_agents() -> None:
    db = load_org("b2b")
    view = build_view(db, "medium", "none", 5, today=TODAY)
    try:
        with PlaygroundSession(SessionSettings(drift="medium", seed=5, today=TODAY)) as session:
            assert session.schema.version == view.schema.version
            obj, renames = next((o, r) for o, r in session.plan.field_renames.items() if r)
            visible = next(iter(renames.values()))
            query = f"SELECT Id, {visible} FROM {session.plan.visible_object(obj)} LIMIT 5"
            outcome = session.run(query + ";")
            assert outcome.ok and outcome.elapsed_s > 0
            assert outcome.result == run_statement(view, query, today=TODAY)
            base_field = next(iter(renames))
            bad = session.run(f"SELECT {base_field} FROM {obj}")
            assert not bad.ok and bad.payload()[0]["errorCode"] == "INVALID_FIELD"
            assert f"No such column '{base_field}'" in bad.payload()[0]["message"]
    finally:
        view.close()
        db.close()


def test_bad_settings_leave_the_session_intact() -> None:
    with PlaygroundSession(SessionSettings(today=TODAY)) as session:
        view = session.view
        with pytest.raises(ValueError, match="drift"):
            session.update(drift="extreme")
        with pytest.raises(ValueError, match="no task"):
            session.update(task_id="b2b-no-such-task")
        assert session.view is view and session.settings.drift == "none"
        assert session.run("SELECT COUNT() FROM Account").ok
        out_console, out = console()
        assert not run_meta(session, out_console, ".today yesterday").ok
        assert not run_meta(session, out_console, ".frobnicate").ok
        assert "unknown command" in out.getvalue() and session.today == TODAY


def test_drift_command_shows_the_plans_renames() -> None:
    with PlaygroundSession(SessionSettings(today=TODAY)) as session:
        out_console, out = console()
        run_meta(session, out_console, ".drift")
        assert "no renames" in out.getvalue()
        run_meta(session, out_console, ".drift medium")
        plan = plan_drift(session.base_schema, "medium", 0)
        renames = rename_map(session)
        assert len(renames["field_renames"]) == plan.renamed_field_count() > 0
        first = renames["field_renames"][0]
        assert plan.field_renames[first["object"]][first["field"]] == first["visible_field"]
        text = out.getvalue()
        assert first["visible_field"] in text and "field renames, drift medium" in text
        # The new names are live: the renamed field is queryable under its visible name.
        assert session.run(f"SELECT {first['visible_field']} FROM {first['visible_object']} "
                           "LIMIT 1").ok


def test_rot_command_reports_the_rows_the_view_really_has() -> None:
    with PlaygroundSession(SessionSettings(today=TODAY)) as plain, \
            PlaygroundSession(SessionSettings(rot="low", today=TODAY)) as rotted:
        summary = rot_summary(rotted)
        assert summary["rows"] > 0 and summary["objects"]
        for obj, entry in summary["objects"].items():
            before = plain.run(f"SELECT COUNT() FROM {obj}").result
            after = rotted.run(f"SELECT COUNT() FROM {obj}").result
            assert before is not None and after is not None
            assert after["totalSize"] - before["totalSize"] == entry["count"], obj
            example = entry["examples"][0]["Id"]
            by_id = f"SELECT Id FROM {obj} WHERE Id = '{example}'"
            assert rotted.run(by_id).result["totalSize"] == 1
            assert plain.run(by_id).result["totalSize"] == 0
        out_console, out = console()
        run_meta(rotted, out_console, ".rot")
        assert f"{summary['rows']} rows in {summary['groups']} groups" in out.getvalue()


def test_task_command_loads_the_tasks_date_ids_and_drift() -> None:
    task = next(t for t in load_task_set("b2b") if t.today is not None and t.referenced_fields)
    with PlaygroundSession(SessionSettings(drift="low", today=TODAY)) as session:
        out_console, out = console()
        assert run_meta(session, out_console, f".task {task.id}").ok
        assert session.task == task and session.today == task.today
        # Drift is planned for the task: every field its reference reads is renamed.
        for obj, field in task.referenced_fields:
            assert field in session.plan.field_renames.get(obj, {}) or field == "Id"
        text = out.getvalue()
        assert task.id in text and task.today.isoformat() in text
        assert " ".join(task.query.split()[:6]) in " ".join(text.split())
        for target in task.rot_targets:
            assert target.record_id in text
        session.output = "json"
        out_console, out = console()
        run_meta(session, out_console, ".task")
        shown = json.loads(out.getvalue())
        assert shown["id"] == task.id and shown["today"] == task.today.isoformat()
        run_meta(session, out_console, ".org b2c")
        assert session.task is None and session.settings.org == "b2c"
        plan = session.plan  # the b2c org's Account (drift low may rename the field)
        account = session.schema.get(plan.visible_object("Account"))
        assert account.field(plan.visible_field("Account", "PersonEmail")) is not None


def test_table_rendering_indents_child_records_under_their_parent() -> None:
    from playground.render import render_outcome

    with PlaygroundSession(SessionSettings(today=TODAY)) as session:
        outcome = session.run("SELECT Id, Name, Owner.Name, (SELECT Id, Subject FROM Cases "
                              "ORDER BY Subject LIMIT 2) FROM Account ORDER BY Name LIMIT 4")
        assert outcome.ok and outcome.result is not None
        out_console, out = console()
        render_outcome(out_console, outcome, "table")
        lines = out.getvalue().splitlines()
        assert "Owner.Name" in lines[1] and "Cases.Subject" in lines[1]
        for account in outcome.result["records"]:
            row = next(i for i, line in enumerate(lines) if account["Id"] in line)
            assert account["Owner"]["Name"] in lines[row]
            children = (account["Cases"] or {}).get("records", [])
            for offset, case in enumerate(children, start=1):
                assert "↳ Cases" in lines[row + offset] and case["Id"] in lines[row + offset]
        assert lines[-1].startswith("4 rows · ") and lines[-1].endswith(" ms")
        out_console, out = console()
        render_outcome(out_console, outcome, "json")
        payload, footer = out.getvalue().splitlines()
        assert json.loads(payload) == json.loads(json.dumps(outcome.result, default=str))
        assert footer.startswith("4 rows · ")
