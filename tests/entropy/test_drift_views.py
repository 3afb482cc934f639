"""Drift as the agent meets it: real DuckDB views under the new names, SOQL errors for old
names, relationship paths and child subqueries under the new relationship names."""

from __future__ import annotations

import pytest

from entropy import EpisodeOrgConfig, build_episode_org
from sandbox_db.errors import ErrorCode, SalesforceError
from sandbox_db.schema import FieldType
from tests.helpers.entropy_org import TODAY

soql = pytest.importorskip("sandbox_db.soql")


def episode(db, drift: str, seed: int = 1, rot: str = "none"):
    return build_episode_org(db, EpisodeOrgConfig(org="b2b", drift=drift, rot=rot, seed=seed))


@pytest.mark.parametrize("drift", ["low", "medium", "high"])
def test_old_field_name_fails_with_invalid_field_and_new_name_works(b2b_org, drift) -> None:
    schema, data, db = b2b_org
    with episode(db, drift, seed=4) as org:
        plan = org.plan
        checked = 0
        for obj_name, renames in plan.field_renames.items():
            visible_obj = plan.visible_object(obj_name)
            for base, new in list(renames.items())[:2]:
                with pytest.raises(SalesforceError) as err:
                    soql.run_soql(org.view, f"SELECT {base} FROM {visible_obj} LIMIT 1",
                                  today=TODAY)
                assert err.value.error_code == ErrorCode.INVALID_FIELD
                assert f"No such column '{base}'" in err.value.message
                result = soql.run_soql(org.view, f"SELECT Id, {new} FROM {visible_obj} "
                                                 f"ORDER BY Id LIMIT 3", today=TODAY)
                assert result["totalSize"] == min(3, len(data[obj_name]))
                first = sorted(data[obj_name], key=lambda r: r["Id"])[0]
                got = result["records"][0]
                assert got["Id"] == first["Id"]
                if schema.get(obj_name).field(base).type in (FieldType.STRING, FieldType.PICKLIST):
                    assert got[new] == first[base]  # same data, new name
                checked += 1
        assert checked >= 20


def test_old_object_name_fails_with_invalid_type_at_high(b2b_org) -> None:
    _, data, db = b2b_org
    with episode(db, "high", seed=1) as org:
        assert org.plan.object_renames
        for base, new in org.plan.object_renames.items():
            with pytest.raises(SalesforceError) as err:
                soql.run_soql(org.view, f"SELECT Id FROM {base} LIMIT 1", today=TODAY)
            assert err.value.error_code == ErrorCode.INVALID_TYPE
            res = soql.run_soql(org.view, f"SELECT COUNT() FROM {new}", today=TODAY)
            assert res["totalSize"] == len(data[base])


def test_parent_relationship_paths_follow_the_renamed_reference(b2b_org) -> None:
    schema, data, db = b2b_org
    for seed in range(8):
        with episode(db, "high", seed=seed) as org:
            new = org.plan.field_renames.get("Case", {}).get("OwnerId")
            if new is None:
                continue
            case_obj = org.plan.visible_object("Case")
            user_name = org.plan.visible_field("User", "Name")
            rel = new[:-3] + "__r"
            with pytest.raises(SalesforceError) as err:
                soql.run_soql(org.view, f"SELECT Owner.{user_name} FROM {case_obj} LIMIT 1",
                              today=TODAY)
            assert err.value.error_code == ErrorCode.INVALID_FIELD
            res = soql.run_soql(org.view, f"SELECT Id, {rel}.{user_name} FROM {case_obj} "
                                          "ORDER BY Id LIMIT 1", today=TODAY)
            case = sorted(data["Case"], key=lambda r: r["Id"])[0]
            owner = next(u for u in data["User"] if u["Id"] == case["OwnerId"])
            assert res["records"][0][rel][user_name] == owner["Name"]
            return
    pytest.fail("no seed renamed Case.OwnerId at high")


def test_child_subquery_uses_the_new_child_relationship_name(b2b_org) -> None:
    schema, data, db = b2b_org
    for seed in range(12):
        with episode(db, "high", seed=seed) as org:
            new = org.plan.field_renames.get("Contact", {}).get("AccountId")
            if new is None or org.plan.object_renames.get("Account"):
                continue
            account = org.view.schema.get("Account")
            child = next(c for c in account.child_relationships if c.field == new)
            assert child.relationship_name == "Contacts__r"
            acc = sorted(data["Account"], key=lambda r: r["Id"])[0]
            res = soql.run_soql(org.view, f"SELECT Id, (SELECT Id FROM {child.relationship_name}) "
                                          f"FROM Account WHERE Id = '{acc['Id']}'", today=TODAY)
            expected = sum(1 for c in data["Contact"] if c["AccountId"] == acc["Id"])
            sub = res["records"][0][child.relationship_name]
            assert (sub["totalSize"] if sub else 0) == expected
            with pytest.raises(SalesforceError):
                soql.run_soql(org.view, "SELECT Id, (SELECT Id FROM Contacts) FROM Account",
                              today=TODAY)
            return
    pytest.fail("no seed renamed Contact.AccountId at high without renaming Account")


def test_raw_sql_on_the_view_sees_only_new_names(b2b_org) -> None:
    _, _, db = b2b_org
    with episode(db, "medium", seed=2) as org:
        new = org.plan.visible_field("Case", "Status")
        table = org.view.table(org.plan.visible_object("Case"))
        if new != "Status":
            with pytest.raises(SalesforceError):
                org.view.execute(f'SELECT "Status" FROM {table}')
        cols, rows = org.view.execute(f'SELECT "{new}" FROM {table} LIMIT 1')
        assert cols == [new] and len(rows) == 1
