"""Schema drift plans: shares per level, determinism, must_rename, plausible names, and the
drifted schema that describe, SOQL and the views see."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import entropy.drift as drift
from entropy import plan_drift
from entropy.levels import DRIFT_SHARE, share_count
from entropy.names import GIVEAWAY_WORDS, is_plausible
from sandbox_db.schema import FieldType, build_schema, load_schema

ORGS = ("b2b", "b2c")
LEVELS = ("low", "medium", "high")


def renamable(obj):
    return [f for f in obj.fields if f.type != FieldType.ID]


@pytest.mark.parametrize("org", ORGS)
@pytest.mark.parametrize("level", LEVELS)
def test_share_of_renamed_fields_matches_level(org: str, level: str) -> None:
    schema = load_schema(org)
    for seed in range(5):
        plan = plan_drift(schema, level, seed)
        total = renamed = 0
        for obj in schema.objects:
            n = len(renamable(obj))
            k = len(plan.field_renames.get(obj.name, {}))
            assert k == share_count(DRIFT_SHARE[level], n), (obj.name, n, k)
            assert k >= 1  # every object drifts, even at low
            total += n
            renamed += k
        # per-object rounding (and "at least one") moves the overall share only a little
        assert abs(renamed / total - DRIFT_SHARE[level]) < 0.06, (level, renamed / total)


def test_none_is_identity() -> None:
    schema = load_schema("b2b")
    plan = plan_drift(schema, "none", 1, must_rename=[("Case", "Status")])
    assert plan.is_identity
    visible, base_names = plan.apply(schema)
    assert visible is schema
    assert base_names["Case"] == ("Case", {f.name: f.name for f in schema.get("Case").fields})


def test_same_seed_same_plan_different_seed_different_plan() -> None:
    schema = load_schema("b2b")
    a = plan_drift(schema, "medium", 11)
    b = plan_drift(schema, "medium", 11)
    assert a.model_dump() == b.model_dump()
    others = {json.dumps(plan_drift(schema, "medium", s).field_renames, sort_keys=True)
              for s in range(12, 17)}
    assert json.dumps(a.field_renames, sort_keys=True) not in others
    assert len(others) == 5


def test_plan_is_identical_in_a_fresh_process() -> None:
    """No salted hash() anywhere: another interpreter derives the very same plan."""
    schema = load_schema("b2b")
    here = plan_drift(schema, "high", 5, [("Case", "Status")]).model_dump_json()
    code = ("from entropy import plan_drift; from sandbox_db.schema import load_schema;"
            "print(plan_drift(load_schema('b2b'), 'high', 5, [('Case', 'Status')])"
            ".model_dump_json())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONHASHSEED": "12345", "PATH": ""})
    assert out.stdout.strip() == here


@pytest.mark.parametrize("level", LEVELS)
def test_must_rename_is_always_renamed(level: str) -> None:
    schema = load_schema("b2b")
    must = [(o.name, f.name) for o in schema.objects[:8] for f in renamable(o)[::3]]
    for seed in range(4):
        plan = plan_drift(schema, level, seed, must_rename=must)
        for obj, fld in must:
            assert fld in plan.field_renames.get(obj, {}), (level, obj, fld)


def test_must_rename_accepts_any_case_and_skips_ids() -> None:
    schema = load_schema("b2b")
    plan = plan_drift(schema, "low", 0, must_rename=[("case", "status"), ("Case", "Id")])
    assert "Status" in plan.field_renames["Case"]
    assert "Id" not in plan.field_renames["Case"]
    with pytest.raises(ValueError, match="unknown field"):
        plan_drift(schema, "low", 0, must_rename=[("Case", "Statuz")])
    with pytest.raises(ValueError, match="unknown object"):
        plan_drift(schema, "low", 0, must_rename=[("Cas", "Status")])
    with pytest.raises(ValueError, match="unknown entropy level"):
        plan_drift(schema, "extreme", 0)  # type: ignore[arg-type]


def test_more_drift_is_strictly_more_renames_with_stable_names() -> None:
    schema = load_schema("b2c")
    low, med, high = (plan_drift(schema, lv, 3) for lv in LEVELS)
    for obj, renames in low.field_renames.items():
        for base, new in renames.items():
            assert med.field_renames[obj][base] == new
            assert high.field_renames[obj][base] == new


@pytest.mark.parametrize("org", ORGS)
def test_new_names_are_plausible_unique_and_never_giveaways(org: str) -> None:
    schema = load_schema(org)
    for seed in range(6):
        plan = plan_drift(schema, "high", seed)
        for obj in schema.objects:
            renames = plan.field_renames.get(obj.name, {})
            base_lower = {f.name.lower() for f in obj.fields}
            new_lower = [n.lower() for n in renames.values()]
            assert len(set(new_lower)) == len(new_lower)
            for base, new in renames.items():
                assert is_plausible(new), new
                assert new.lower() not in base_lower, (obj.name, base, new)
                assert not {w.lower() for w in new[:-3].split("_")} & GIVEAWAY_WORDS
                assert new[:-3].replace("_", "").lower() != base.removesuffix("__c").lower()
        assert len(set(plan.object_renames.values())) == len(plan.object_renames)
        for new in plan.object_renames.values():
            assert new.endswith(("__c", "__kav")) and schema.get(new) is None


def test_object_renames_only_at_high() -> None:
    schema = load_schema("b2b")
    assert not plan_drift(schema, "low", 1).object_renames
    assert not plan_drift(schema, "medium", 1).object_renames
    high = plan_drift(schema, "high", 1)
    assert 3 <= len(high.object_renames) <= len(schema.objects) // 2


@pytest.mark.parametrize("org", ORGS)
@pytest.mark.parametrize("level", LEVELS)
def test_describe_shows_new_names_with_unchanged_labels(org: str, level: str) -> None:
    schema = load_schema(org)
    plan = plan_drift(schema, level, 9)
    visible, base_names = plan.apply(schema)
    assert len(visible.objects) == len(schema.objects)
    for base_obj in schema.objects:
        vis = visible.get(plan.visible_object(base_obj.name))
        assert vis is not None
        d = vis.describe()
        assert d["label"] == base_obj.label and d["keyPrefix"] == base_obj.key_prefix
        names = [f["name"] for f in d["fields"]]
        for f in base_obj.fields:
            new = plan.visible_field(base_obj.name, f.name)
            assert new in names
            assert vis.field(new).label == f.label and vis.field(new).type == f.type
            if new != f.name:
                assert vis.field(f.name) is None  # the old name is gone
            assert base_names[vis.name][1][new] == f.name
        assert base_names[vis.name][0] == base_obj.name
    global_names = {o["name"] for o in visible.describe_global()["sobjects"]}
    assert global_names == {plan.visible_object(o.name) for o in schema.objects}


def test_relationship_names_follow_renamed_references() -> None:
    schema = load_schema("b2b")
    for seed in range(4):
        plan = plan_drift(schema, "high", seed)
        visible, _ = plan.apply(schema)
        checked = 0
        for base_obj in schema.objects:
            vis = visible.get(plan.visible_object(base_obj.name))
            for f in base_obj.fields:
                if f.type != FieldType.REFERENCE:
                    continue
                new = plan.visible_field(base_obj.name, f.name)
                vf = vis.field(new)
                assert vf.reference_to == tuple(plan.visible_object(t) for t in f.reference_to)
                if new == f.name:
                    assert vf.relationship_name == f.relationship_name
                    continue
                checked += 1
                assert vf.relationship_name == new[:-3] + "__r"
                assert vis.field_by_relationship(new[:-3] + "__r") is vf
                if f.child_relationship_name:
                    parent = visible.get(vf.reference_to[0])
                    child = next(c for c in parent.child_relationships
                                 if c.field == new and c.child_object == vis.name)
                    assert child.relationship_name.endswith("__r")
        assert checked > 5
        for obj in visible.objects:  # child relationship names stay unique on every parent
            names = [c.relationship_name.lower() for c in obj.child_relationships]
            assert len(names) == len(set(names))


def test_apply_refuses_a_plan_for_another_schema() -> None:
    plan = plan_drift(load_schema("b2b"), "low", 1)
    with pytest.raises(ValueError, match="drift plan was made for schema"):
        plan.apply(load_schema("b2c"))


@pytest.mark.parametrize("org", ORGS)
@pytest.mark.parametrize("level", LEVELS)
def test_a_drifted_schema_shares_what_drift_leaves_alone(org: str, level: str,
                                                         monkeypatch) -> None:
    """Episodes' drift plans cost memory for their renames only: every field drift leaves alone
    is the base schema's own instance, and the schema is equal to one built without sharing."""
    base = load_schema(org)
    plan = plan_drift(base, level, 3)
    drift._APPLY_CACHE.clear()
    visible, base_names = plan.apply(base)
    base_fields = {id(f) for o in base.objects for f in o.fields}
    shared = renamed = 0
    for obj in visible.objects:
        base_obj, field_map = base_names[obj.name]
        for f in obj.fields:
            original = base.get(base_obj).field(field_map[f.name])
            if id(f) in base_fields:
                shared += 1
                assert f is original
            else:
                renamed += 1
                assert f != original
    assert shared and renamed

    unshared = []
    monkeypatch.setattr(drift, "build_schema", lambda o, raw, like=None: (
        unshared.append(like) or build_schema(o, raw)))
    plain, _ = drift._apply(plan, base)
    assert unshared and plain == visible and plain.version == visible.version
    assert not any(id(f) in base_fields for o in plain.objects for f in o.fields)
