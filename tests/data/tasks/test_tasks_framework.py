"""The task framework: category auto-import, build rules (gold derived, ambiguity skipped, None
quota, ids, tolerance of broken categories), referenced-field extraction, CRMArena-Pro loading and
task-set files. Uses a small real DuckDB org written here, so it runs without the org generator."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pytest

from data.tasks.build import (
    NONE_SHARE,
    BuildReport,
    ShortCategory,
    build_task_set,
    task_id,
)
from data.tasks.crmarena_pro import CRMArenaProFormatError, load_crmarena_pro, parse_today
from data.tasks.model import ReferenceSolution
from data.tasks.reference import (
    ReferenceSolutionError,
    referenced_fields,
    run_reference,
    soql_referenced_fields,
    sosl_referenced_fields,
)
from data.tasks.registry import (
    CATEGORY_REGISTRY,
    DERIVATIONS,
    AmbiguousAnswer,
    GenContext,
    TaskDraft,
    derivation,
)
from data.tasks.taskset import (
    dump_task_set,
    load_task_set,
    load_task_set_meta,
    make_meta,
    save_task_set,
)
from env.protocol import ToolCall
from sandbox_db.database import open_view
from sandbox_db.schema import load_schema

SEED_FILE = Path("/work/shared/seed-data/crmarena_b2b_tasks.json")


# --- a tiny real org and throwaway categories -----------------------------------------------

@derivation("_test_field_label")
def _field_label(results, params):
    """The label of params['field'] in the describe result; ambiguous if params say so."""
    if params.get("ambiguous"):
        raise AmbiguousAnswer("tie")
    if params.get("none"):
        return []
    fields = {f["name"]: f["label"] for f in results[0]["fields"]}
    return [fields[params["field"]]]


def _labelled_fields() -> list[tuple[str, str, str]]:
    """(object, field, label) with labels no other listed field has, Case.Status first: the
    drafts ask about different fields so that no label is the gold of too many tasks (the
    heuristic budget of data.tasks.heuristics holds for these categories too)."""
    found: dict[str, tuple[str, str, str]] = {"Status": ("Case", "Status", "Status")}
    for obj in load_schema("b2b").objects:
        for f in obj.fields:
            found.setdefault(f.label, (obj.name, f.name, f.label))
    return list(found.values())


FIELDS = _labelled_fields()


def _draft(n: int, **params) -> TaskDraft:
    obj, field, _ = FIELDS[n % len(FIELDS)]
    return TaskDraft(query=f"question {n}: what is the label of {obj}.{field}?",
                     reference=ReferenceSolution(
                         steps=(ToolCall(name="describe", arguments={"object": obj}),),
                         derivation="_test_field_label", params={"field": field, **params}),
                     today=dt.date(2023, 5, 1))


# --- category registration ------------------------------------------------------------------

def test_every_category_module_imports_cleanly():
    import data.tasks.categories as cats

    assert cats.IMPORT_ERRORS == {}, f"category modules failed to import: {cats.IMPORT_ERRORS}"


def test_registered_categories_are_known_names_with_derivations():
    import data.tasks.categories  # noqa: F401
    from data.tasks.model import CATEGORIES

    unknown = [c for c in CATEGORY_REGISTRY if not c.startswith("_") and c not in CATEGORIES]
    assert unknown == []


@pytest.mark.parametrize("org", ["b2b", "b2c"])
def test_every_registered_category_builds_on_the_real_org(org):
    """A generator that raises (or yields nothing usable) on a real org fails here by name. At
    the real size: the heuristic budget's caps are shares, so a handful of tasks per category
    would allow each heuristic a single hit and leave categories short."""
    from data.tasks.build import DEFAULT_PER_CATEGORY, applicable_categories

    report = BuildReport()
    tasks = build_task_set(org, report=report)
    assert report.errors == {}, report.errors
    assert report.short == {}, report.short
    assert Counter(t.category for t in tasks) == {s.name: DEFAULT_PER_CATEGORY
                                                  for s in applicable_categories(org)}


# --- building -------------------------------------------------------------------------------

def test_build_derives_gold_assigns_ids_and_fills_fields(tiny_org, temp_categories):
    def gen(ctx: GenContext):
        assert ctx.count == 3 and ctx.data["User"]
        for n in range(10):
            yield _draft(n)
    temp_categories("_test_ok", gen)
    tasks = build_task_set("b2b", seed=1, per_category=3, categories=["_test_ok"], base=tiny_org)
    assert [t.id for t in tasks] == [task_id("b2b", "_test_ok", n) for n in (1, 2, 3)]
    assert tasks[0].id == "b2b-_test_ok-001"
    # The gold comes from the describe result on the org: Case.Status is labelled "Status".
    assert [t.answer for t in tasks] == [(label,) for _, _, label in FIELDS[:3]]
    assert tasks[0].answer == ("Status",)
    assert all(t.today == dt.date(2023, 5, 1) and t.reference for t in tasks)


def test_ambiguous_drafts_are_skipped_and_none_quota_holds(tiny_org, temp_categories):
    def gen(ctx):
        for n in range(60):
            yield _draft(n, ambiguous=(n % 3 == 0), none=(n % 3 == 1))
    temp_categories("_test_mixed", gen)
    report = BuildReport()
    tasks = build_task_set("b2b", seed=1, per_category=20, categories=["_test_mixed"],
                           base=tiny_org, report=report)
    (cat,) = report.categories
    assert len(tasks) == 20 and cat.kept == 20
    assert cat.ambiguous >= 1 and cat.none_over_quota >= 1
    nones = sum(t.is_none_answer for t in tasks)
    assert nones == cat.none_answers == int(20 * NONE_SHARE)
    assert nones / len(tasks) <= 0.05


def test_duplicate_drafts_are_dropped(tiny_org, temp_categories):
    def gen(ctx):
        for n in (1, 1, 2, 2, 3):
            yield _draft(n)
    temp_categories("_test_dupes", gen)
    with pytest.raises(ShortCategory, match=r"'_test_dupes' \(b2b\) has only 3 of 5 tasks") as info:
        build_task_set("b2b", per_category=5, categories=["_test_dupes"], base=tiny_org)
    assert info.value.report.duplicates == 2 and info.value.report.kept == 3


def test_broken_category_is_reported_and_others_still_build(tiny_org, temp_categories, caplog):
    def broken(ctx):
        yield _draft(1)
        raise RuntimeError("generator bug")
    temp_categories("_test_broken", broken)
    temp_categories("_test_fine", lambda ctx: (_draft(n) for n in range(5)))
    report = BuildReport()
    tasks = build_task_set("b2b", per_category=2, categories=["_test_broken", "_test_fine"],
                           base=tiny_org, report=report)
    assert [t.category for t in tasks] == ["_test_fine", "_test_fine"]
    assert "RuntimeError: generator bug" in report.errors["b2b/_test_broken"]
    assert "_test_broken" in caplog.text


def test_build_is_reproducible_and_category_rng_is_independent(tiny_org, temp_categories):
    def gen(ctx):
        for _ in range(10):
            yield _draft(ctx.rng.randint(0, 10**9))
    temp_categories("_test_rng_a", gen)
    temp_categories("_test_rng_b", gen)
    one = build_task_set("b2b", seed=7, per_category=3, categories=["_test_rng_a"], base=tiny_org)
    both = build_task_set("b2b", seed=7, per_category=3, categories=["_test_rng_a", "_test_rng_b"],
                          base=tiny_org)
    assert one == both[:3]
    assert [t.query for t in both[:3]] != [t.query for t in both[3:]]
    other_seed = build_task_set("b2b", seed=8, per_category=3, categories=["_test_rng_a"],
                                base=tiny_org)
    assert [t.query for t in one] != [t.query for t in other_seed]


def test_unknown_category_and_bad_reference_are_clear_errors(tiny_org):
    with pytest.raises(ValueError, match="unknown task categories: nope"):
        build_task_set("b2b", categories=["nope"], base=tiny_org)
    db, _ = tiny_org
    with open_view(db) as view:
        bad = ReferenceSolution(steps=(ToolCall(name="rm", arguments={}),), derivation="x")
        with pytest.raises(ReferenceSolutionError, match="unknown reference tool"):
            run_reference(view, bad)
        nod = ReferenceSolution(steps=(), derivation="no_such_derivation")
        with pytest.raises(ReferenceSolutionError, match="unknown derivation"):
            run_reference(view, nod)
    assert "_test_field_label" in DERIVATIONS


# --- referenced fields ----------------------------------------------------------------------

def test_soql_referenced_fields_resolves_paths_subqueries_and_skips_aliases():
    schema = load_schema("b2b")
    q = ("SELECT Account.ShippingState, AVG(Id) avgTime, OrderItemId__r.Product2Id "
         "FROM Case WHERE Status = 'Closed' AND ClosedDate >= 2023-01-01T00:00:00Z "
         "AND CreatedDate < LAST_N_DAYS:30 GROUP BY Account.ShippingState ORDER BY avgTime")
    assert soql_referenced_fields(schema, q) == [
        ("Case", "AccountId"), ("Account", "ShippingState"), ("Case", "Id"),
        ("Case", "OrderItemId__c"), ("OrderItem", "Product2Id"), ("Case", "Status"),
        ("Case", "ClosedDate"), ("Case", "CreatedDate")]
    sub = ("SELECT Name, (SELECT Field__c, NewValue__c FROM CaseHistories__r) FROM Case "
           "WHERE OwnerId IN (SELECT UserId FROM UserTerritory2Association WHERE Territory2Id = "
           "'x')")
    fields = soql_referenced_fields(schema, sub)
    assert ("CaseHistory__c", "Field__c") in fields and ("CaseHistory__c", "NewValue__c") in fields
    assert ("UserTerritory2Association", "UserId") in fields and ("Case", "OwnerId") in fields
    assert ("Case", "Status") not in fields  # 'Status' only inside a string? no: never named


def test_sosl_and_whole_reference_fields_skip_ids():
    schema = load_schema("b2b")
    assert sosl_referenced_fields(
        schema, "FIND {refund} IN ALL FIELDS RETURNING Knowledge__kav(Id, Title, Summary)") == [
        ("Knowledge__kav", "Id"), ("Knowledge__kav", "Title"), ("Knowledge__kav", "Summary")]
    steps = [ToolCall(name="soql_query", arguments={"query": "SELECT Id, Subject FROM Case"}),
             ToolCall(name="describe", arguments={"object": "Case"})]
    assert referenced_fields(schema, steps) == (("Case", "Subject"),)


# --- CRMArena-Pro files ---------------------------------------------------------------------

@pytest.mark.skipif(not SEED_FILE.exists(), reason="shared seed file not mounted")
def test_load_crmarena_pro_real_file():
    tasks = load_crmarena_pro(SEED_FILE, org="b2b")
    raw = json.loads(SEED_FILE.read_text())
    assert len(tasks) == len(raw) == 2140
    assert len({t.category for t in tasks}) == 22
    assert sum(t.is_none_answer for t in tasks) == sum(r["answer"] == [None] for r in raw) == 577
    by_idx = {t.source: t for t in tasks}
    first = by_idx[f"crmarena-pro:{raw[0]['idx']}"]
    assert first.answer == tuple(raw[0]["answer"]) and first.reference is None
    assert Counter(t.reward_metric for t in tasks) == Counter(r["reward_metric"] for r in raw)
    dated = [t for t in tasks if "Today's date:" in t.required_context]
    assert dated and all(t.today and str(t.today) in t.required_context for t in dated)
    assert len({t.id for t in tasks}) == 2140


def test_load_crmarena_pro_rejects_bad_files(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"idx": 3, "query": "q"}]))
    with pytest.raises(CRMArenaProFormatError, match="record 3: missing key"):
        load_crmarena_pro(bad)
    bad.write_text('{"not": "a list"}')
    with pytest.raises(CRMArenaProFormatError, match="JSON array"):
        load_crmarena_pro(bad)
    assert parse_today("## Today's date: 2021-04-10\n") == dt.date(2021, 4, 10)
    assert parse_today("no date") is None


# --- task-set files -------------------------------------------------------------------------

def test_task_set_file_round_trip_is_byte_stable(tiny_org, temp_categories, tmp_path):
    temp_categories("_test_file", lambda ctx: (_draft(n) for n in range(4)))
    tasks = build_task_set("b2b", seed=3, per_category=4, categories=["_test_file"],
                           base=tiny_org)
    meta = make_meta("b2b", 3, 4, tasks)
    assert meta.counts == {"_test_file": 4} and meta.category_versions["_test_file"]
    path = save_task_set(meta, tasks, tmp_path / "b2b.json")
    assert load_task_set("b2b", path) == tasks
    assert load_task_set_meta("b2b", path) == meta
    assert path.read_text() == dump_task_set(meta, load_task_set("b2b", path))
    with pytest.raises(FileNotFoundError, match="crmarena tasks build"):
        load_task_set("b2b", tmp_path / "missing.json")


# --- the committed default task sets and the CLI --------------------------------------------

@pytest.mark.parametrize("org", ["b2b", "b2c"])
def test_committed_task_set_is_complete_and_current(org):
    from data.org.store import org_version
    from data.tasks.build import applicable_categories
    from data.tasks.taskset import category_version, framework_version

    tasks = load_task_set(org)
    meta = load_task_set_meta(org)
    wanted = {spec.name for spec in applicable_categories(org)}
    assert set(meta.counts) == wanted, "a category is missing: run `crmarena tasks build`"
    assert Counter(t.category for t in tasks) == Counter(meta.counts)
    assert all(n == meta.per_category for n in meta.counts.values())
    assert len({t.id for t in tasks}) == len(tasks) and all(t.org == org for t in tasks)
    graded_nones = [t for t in tasks if t.is_none_answer and t.reward_metric != "privacy_rejection"]
    assert len(graded_nones) <= 0.05 * len(tasks)
    # Stale sets are caught here cheaply (hashes); `tasks build --check` proves the bytes.
    assert meta.org_version == org_version(org, meta.seed), "org changed: rebuild the task sets"
    assert meta.framework_version == framework_version()
    assert meta.category_versions == {c: category_version(c) for c in sorted(wanted)}


def test_cli_list_json_matches_the_committed_set(capsys):
    from crmarena_cli import main

    assert main(["tasks", "list", "--org", "b2c", "--category", "lead_routing", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    expected = [t for t in load_task_set("b2c") if t.category == "lead_routing"]
    assert [s["id"] for s in shown] == [t.id for t in expected] and len(shown) > 0
    assert [tuple(s["answer"]) for s in shown] == [t.answer for t in expected]


def test_cli_build_subset_writes_only_where_told(tmp_path, capsys):
    from crmarena_cli import main

    out = tmp_path / "subset.json"
    assert main(["tasks", "build", "--org", "b2b", "--category", "lead_routing",
                 "--per-category", "3", "--out", str(out)]) == 0
    written = load_task_set("b2b", out)
    assert written == build_task_set("b2b", per_category=3, categories=["lead_routing"])
    assert main(["tasks", "build", "--org", "b2b", "--category", "lead_routing"]) == 2
    assert "never written over the committed set" in capsys.readouterr().err
    assert main(["tasks", "build", "--org", "all", "--out", str(out)]) == 2


@pytest.mark.slow
def test_cli_build_check_reproduces_the_committed_sets():
    from crmarena_cli import main

    assert main(["tasks", "build", "--check"]) == 0
