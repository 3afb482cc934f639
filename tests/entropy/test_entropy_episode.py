"""One episode's entropic org: drift + verified rot together, the gold-answer guarantee on
synthetic tasks run through the real reference runner, build time, concurrency, the CLI."""

from __future__ import annotations

import json
import statistics
import threading
import time

import pytest

from data.tasks.model import ReferenceSolution, RotTarget, Task
from entropy import EpisodeOrgConfig, build_episode_org, build_view
from env.protocol import ToolCall
from sandbox_db.errors import SalesforceError
from tests.helpers.entropy_org import TODAY, oracle_answer

soql = pytest.importorskip("sandbox_db.soql")
reference = pytest.importorskip("data.tasks.reference")
pytest.importorskip("data.tasks.categories._lookups")  # registers record_count / record_field

LEVELS = ("none", "low", "medium", "high")


def quoted(s: str) -> str:
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


def make_task(db, task_id: str, query: str, derivation: str, params: dict, target: RotTarget,
              fields: tuple) -> Task:
    ref = ReferenceSolution(steps=(ToolCall(name="soql_query", arguments={"query": query}),),
                            derivation=derivation, params=params)
    from sandbox_db.database import open_view
    with open_view(db) as base:
        gold = reference.run_reference(base, ref, TODAY)
    return Task(id=task_id, org="b2b", category="named_entity_disambiguation", query="q",
                today=TODAY, reward_metric="exact_match", answer=tuple(gold), reference=ref,
                rot_targets=(target,), referenced_fields=fields)


@pytest.fixture(scope="module")
def tasks(b2b_org):
    schema, data, db = b2b_org
    account = sorted(data["Account"], key=lambda r: r["Id"])[0]
    stem = " ".join(account["Name"].split()[:2])  # namesakes swap one word after the first
    target = RotTarget(object="Account", record_id=account["Id"])
    careless = make_task(db, "careless-name-count",
                         f"SELECT Id FROM Account WHERE Name LIKE {quoted(stem + '%')}",
                         "record_count", {}, target, (("Account", "Name"),))
    careful = make_task(db, "careful-id-lookup",
                        "SELECT Id, Name, Industry FROM Account "
                        f"WHERE Id = {quoted(account['Id'])}",
                        "record_field", {"field": "Industry"}, target,
                        (("Account", "Name"), ("Account", "Industry")))
    return careless, careful


@pytest.mark.parametrize("level", LEVELS)
def test_gold_answers_survive_rot_and_the_oracle_adapts_to_drift(b2b_org, tasks, level) -> None:
    schema, _, db = b2b_org
    careless, careful = tasks
    for task in (careless, careful):
        for seed in range(3):
            config = EpisodeOrgConfig(org="b2b", drift=level, rot=level, seed=seed, today=TODAY)
            with build_episode_org(db, config, task) as org:
                # the reference (base names) on the rotted but undrifted org gives the gold
                from sandbox_db.database import open_view
                with open_view(db, extra_rows=org.rot_rows or None) as rotted:
                    assert reference.run_reference(rotted, task, TODAY) == list(task.answer)
                assert oracle_answer(org, task, schema, TODAY) == list(task.answer)
                if level != "none":
                    assert "Name" in org.plan.field_renames["Account"]  # must_rename honoured
                    assert org.rot_groups, "rot must leave some distractors in play"


def test_verification_drops_exactly_the_groups_that_would_change_the_answer(b2b_org, tasks) -> None:
    schema, data, db = b2b_org
    careless, careful = tasks
    config = EpisodeOrgConfig(org="b2b", drift="none", rot="high", seed=1, today=TODAY)
    with build_episode_org(db, config, careless) as org:
        target_id = careless.rot_targets[0].record_id
        stem = " ".join(next(r["Name"] for r in data["Account"]
                             if r["Id"] == target_id).split()[:2])
        assert org.dropped_groups  # prefix-preserving namesakes would change the LIKE count
        for g in org.dropped_groups:
            assert any(r["Name"].lower().startswith(stem.lower()) for r in g.rows["Account"])
        for g in org.rot_groups:
            assert not any(r["Name"].lower().startswith(stem.lower()) for r in g.rows["Account"])
    with build_episode_org(db, config, careful) as org:
        assert not org.dropped_groups and len(org.rot_groups) >= 5  # Id lookups are immune


def test_careless_lookup_is_misled_as_rot_rises(b2b_org) -> None:
    """Without verification protecting it, a name-matching lookup drifts away from the truth."""
    schema, data, db = b2b_org
    accounts = sorted(data["Account"], key=lambda r: r["Id"])[:6]
    wrong = {}
    for level in LEVELS:
        misled = 0
        for acc in accounts:
            view = build_view(db, "none", level, seed=3)  # no task: org-wide targets
            try:
                from entropy import plan_rot
                rows = plan_rot(db, schema, [RotTarget(object="Account", record_id=acc["Id"])],
                                level, 3)
                from sandbox_db.database import open_view
                stem = " ".join(acc["Name"].split()[:2])  # namesakes keep the first word
                query = f"SELECT Id FROM Account WHERE Name LIKE {quoted(stem + '%')}"
                with open_view(db) as base:
                    truth = soql.run_soql(base, query, today=TODAY)["totalSize"]
                with open_view(db, extra_rows=rows or None) as v:
                    misled += soql.run_soql(v, query, today=TODAY)["totalSize"] != truth
            finally:
                view.close()
        wrong[level] = misled
    assert wrong["none"] == 0 and wrong["low"] > 0 and wrong["high"] >= wrong["low"]


def _views_in(db, table: str) -> int:
    schema = table.split(".")[1].strip('"')
    cur = db.cursor()
    try:
        return cur.execute("SELECT COUNT(*) FROM duckdb_views() WHERE schema_name = ?",
                           [schema]).fetchall()[0][0]
    finally:
        cur.close()


def test_episode_view_is_released_on_close_and_config_is_checked(b2b_org) -> None:
    _, _, db = b2b_org
    org = build_episode_org(db, EpisodeOrgConfig(org="b2b", drift="low", rot="none", seed=1))
    table = org.view.table(org.plan.visible_object("Case"))
    assert org.view.execute(f"SELECT COUNT(*) FROM {table}")[1][0][0] > 0
    limit, db.views.idle_limit = db.views.idle_limit, 0  # nothing idle is kept: dropped at once
    try:
        org.close()
    finally:
        db.views.idle_limit = limit
    with pytest.raises(SalesforceError):
        org.view.execute("SELECT 1")
    assert _views_in(db, table) == 0
    with pytest.raises(ValueError, match="b2c org"):
        build_episode_org(db, EpisodeOrgConfig(org="b2c"))


def test_episodes_with_the_same_object_view_share_it(b2b_org) -> None:
    """Two episodes of one drift plan share the views of objects they see alike; other names
    make another view; an object with the episode's own distractor rows is a subquery over them
    instead; idle views and rows are kept for the next episode."""
    _, _, db = b2b_org
    config = EpisodeOrgConfig(org="b2b", drift="medium", rot="none", seed=5)
    first, second = build_episode_org(db, config), build_episode_org(db, config)
    other_drift = build_episode_org(db, config.model_copy(update={"seed": 6}))
    rotted = build_episode_org(db, config.model_copy(update={"rot": "high"}))
    try:
        case = first.plan.visible_object("Case")
        assert first.view.table(case) == second.view.table(case)
        assert other_drift.view.table(other_drift.plan.visible_object("Case")) \
            != first.view.table(case)
        rot_objects = {name for name, rows in rotted.rot_rows.items() if rows}
        assert rot_objects
        for base in rot_objects:
            mine = rotted.view.table(rotted.plan.visible_object(base))
            assert mine != first.view.table(first.plan.visible_object(base))
            # the distractor rows are in the rotted episode's view only
            assert rotted.view.execute(f"SELECT COUNT(*) FROM {mine}")[1][0][0] > \
                first.view.execute(
                    f"SELECT COUNT(*) FROM {first.view.table(first.plan.visible_object(base))}"
                )[1][0][0]
        rot_case = rotted.plan.visible_object(next(iter(rot_objects)))
        rot_table = rotted.view.table(rot_case)
        assert rot_table.startswith("(SELECT ")  # a subquery: no view made for one episode
        rotted.close()
        trial = build_episode_org(db, config.model_copy(update={"rot": "high"}))
        assert trial.view.table(rot_case) == rot_table  # its rows were kept for the next trial
        trial.close()
        table = first.view.table(case)
        first.close()
        assert second.view.execute(f"SELECT COUNT(*) FROM {table}")[1][0][0] > 0
        second.close()
        assert _views_in(db, table) == 1  # idle, kept for the next episode
        third = build_episode_org(db, config)
        assert third.view.table(case) == table
        third.close()
    finally:
        for org in (first, second, other_drift, rotted):
            org.close()
    with pytest.raises(ValueError, match="b2c org"):
        build_episode_org(db, EpisodeOrgConfig(org="b2c"))


def test_build_time_after_the_base_org_is_loaded(b2b_org, tasks) -> None:
    _, _, db = b2b_org
    careless, _ = tasks
    config = EpisodeOrgConfig(org="b2b", drift="high", rot="high", seed=2, today=TODAY)
    build_episode_org(db, config, careless).close()  # plan + verify once (cached afterwards)
    times = []
    for _ in range(30):
        started = time.perf_counter()
        org = build_episode_org(db, config, careless)
        times.append(time.perf_counter() - started)
        org.close()
    assert statistics.median(times) < 0.010, times  # the budget: <= 10 ms


def test_concurrent_episodes_do_not_interfere(b2b_org) -> None:
    _, data, db = b2b_org
    errors: list[BaseException] = []
    expected = len(data["Case"])

    def work(seed: int) -> None:
        try:
            for level in ("low", "high", "medium"):
                with build_episode_org(db, EpisodeOrgConfig(org="b2b", drift=level, rot="none",
                                                            seed=seed)) as org:
                    obj = org.plan.visible_object("Case")
                    res = soql.run_soql(org.view, f"SELECT COUNT() FROM {obj}", today=TODAY)
                    assert res["totalSize"] == expected
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(s,)) for s in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


def test_cli_describe_shows_drifted_names(capsys) -> None:
    from crmarena_cli import main
    from entropy import plan_drift
    from sandbox_db.schema import load_schema

    assert main(["describe", "--org", "b2b", "--drift", "medium", "--seed", "3", "Case"]) == 0
    out = json.loads(capsys.readouterr().out)
    plan = plan_drift(load_schema("b2b"), "medium", 3)
    names = {f["name"]: f["label"] for f in out["fields"]}
    for base, new in plan.field_renames["Case"].items():
        assert new in names and base not in names
        assert names[new] == load_schema("b2b").get("Case").field(base).label


def test_diff_report_and_export_hook(b2b_org, tmp_path) -> None:
    import crmarena_cli
    import crmarena_cli.org as org_cli
    from crmarena_cli.entropy import diff_report

    _, _, db = b2b_org
    report = diff_report(db, EpisodeOrgConfig(org="b2b", drift="low", rot="medium", seed=1))
    assert report["renamed_fields"] == sum(1 for f in report["field_renames"])
    assert report["rows_added"] > 0 and report["rot_groups"]
    json.dumps(report, default=str)
    crmarena_cli.build_parser()  # registering installs the entropic view factory
    view = org_cli.episode_view_factory(db, "medium", "low", 5)
    try:
        counts = org_cli.export_view(view, tmp_path / "export.duckdb")
    finally:
        view.close()
    import duckdb
    con = duckdb.connect(str(tmp_path / "export.duckdb"), read_only=True)
    try:
        case = view.schema.get("Case")
        cols = [r[0] for r in con.execute('DESCRIBE "Case"').fetchall()]
        assert cols == case.field_names
        assert counts["Case"] >= 200
    finally:
        con.close()
