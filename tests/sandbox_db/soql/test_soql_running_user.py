"""The running user: USING SCOPE mine / team / my_territory / delegated / everything, compared with
hand-written DuckDB SQL over the real orgs; the default user; drift; the episode, CLI and REPL
plumbing; describe's runningUser and supportedScopes."""

from __future__ import annotations

import json

import pytest

from crmarena_cli import main
from data.org.store import load_org
from data.tasks.model import Task
from entropy import EpisodeOrgConfig, build_episode_org
from entropy.drift import plan_drift
from env.config import EpisodeConfig
from env.episode import open_episode_org, persona_user_id
from env.tools import describe
from sandbox_db.database import open_view
from sandbox_db.errors import SalesforceError
from sandbox_db.soql import rewrite_soql, run_soql, run_sosl
from tests.helpers.soql_real_orgs import TODAY, raw


@pytest.fixture(scope="module", params=["b2b", "b2c"])
def db(request):
    db = load_org(request.param)
    yield db
    db.close()


def top(db, sql: str) -> str:
    return raw(db, sql)[0][0]


def ids(view, soql: str) -> list[str]:
    res = run_soql(view, soql, today=TODAY)
    assert res["done"]
    return sorted(r["Id"] for r in res["records"])


def expected(db, sql: str, *params) -> list[str]:
    return sorted(r[0] for r in raw(db, sql, params))


def test_mine_team_territory_delegated_everything(db):
    owner = top(db, "SELECT OwnerId FROM {Account} GROUP BY 1 ORDER BY COUNT(*) DESC, 1 LIMIT 1")
    member = top(db, "SELECT UserId FROM {AccountTeamMember} GROUP BY 1 "
                     "ORDER BY COUNT(*) DESC, 1 LIMIT 1")
    delegator = top(db, "SELECT CreatedById FROM {Task} WHERE CreatedById != OwnerId "
                        "GROUP BY 1 ORDER BY COUNT(*) DESC, 1 LIMIT 1")
    with open_view(db, running_user_id=owner) as view:
        mine = ids(view, "SELECT Id FROM Account USING SCOPE mine")
        assert mine and mine == expected(db, "SELECT Id FROM {Account} WHERE OwnerId = ?", owner)
        assert ids(view, "SELECT Id FROM Account USING SCOPE my_territory") == expected(
            db, "SELECT ObjectId FROM {ObjectTerritory2Association} WHERE Territory2Id IN "
                "(SELECT Territory2Id FROM {UserTerritory2Association} WHERE UserId = ?)", owner)
        assert ids(view, "SELECT Id FROM Account USING SCOPE everything") == expected(
            db, "SELECT Id FROM {Account}")
        assert ids(view, "SELECT Id FROM Opportunity USING SCOPE mine WHERE StageName = 'Closed'"
                   ) == expected(db, "SELECT Id FROM {Opportunity} WHERE OwnerId = ? AND "
                                     "StageName = 'Closed'", owner)
    with open_view(db, running_user_id=member) as view:
        team = ids(view, "SELECT Id FROM Account USING SCOPE team")
        assert team and team == expected(
            db, "SELECT DISTINCT AccountId FROM {AccountTeamMember} WHERE UserId = ?", member)
    with open_view(db, running_user_id=delegator) as view:
        delegated = ids(view, "SELECT Id FROM Task USING SCOPE delegated")
        assert delegated and delegated == expected(
            db, "SELECT Id FROM {Task} WHERE CreatedById = ? AND OwnerId != ?", delegator,
            delegator)
        assert run_soql(view, "SELECT COUNT() FROM Task USING SCOPE mine", today=TODAY)[
            "totalSize"] == len(expected(db, "SELECT Id FROM {Task} WHERE OwnerId = ?", delegator))


def test_default_running_user_is_the_first_active_user(db):
    first = top(db, "SELECT Id FROM {User} WHERE IsActive ORDER BY Id LIMIT 1")
    with open_view(db) as view:
        assert view.running_user_id is None and view.effective_user_id == first
        assert view.running_user()["Id"] == first
        assert ids(view, "SELECT Id FROM Case USING SCOPE mine") == expected(
            db, "SELECT Id FROM {Case} WHERE OwnerId = ?", first)
        globe = describe(view, None)
        assert globe["runningUser"]["Id"] == first and globe["sobjects"]
        account = describe(view, "Account")
        assert [s["name"] for s in account["supportedScopes"]] == [
            "everything", "mine", "team", "my_territory"]
        assert [s["name"] for s in describe(view, "Task")["supportedScopes"]] == [
            "everything", "mine", "delegated"]


def test_unknown_user_and_unsupported_scopes(db):
    with pytest.raises(ValueError, match="not a User"):
        open_view(db, running_user_id="005000000000000AAA")
    with open_view(db) as view:
        for soql in ("SELECT Id FROM Contact USING SCOPE team", "SELECT Id FROM User "
                     "USING SCOPE mine", "SELECT Id FROM Account USING SCOPE mine_and_my_groups",
                     "SELECT Id FROM Account USING SCOPE scopingRule", "SELECT Id FROM Case "
                     "USING SCOPE delegated", "SELECT Id FROM Account USING SCOPE myRule"):
            with pytest.raises(SalesforceError) as err:
                run_soql(view, soql, today=TODAY)
            assert err.value.error_code == "INVALID_QUERY_FILTER_OPERATOR"
            assert "supported scopes" in err.value.message


def test_scopes_under_high_drift_and_in_subqueries(db):
    owner = top(db, "SELECT OwnerId FROM {Account} GROUP BY 1 ORDER BY COUNT(*) DESC, 1 LIMIT 1")
    plan = plan_drift(db.schema, "high", 3, must_rename=[("Account", "OwnerId"),
                                                           ("AccountTeamMember", "UserId"),
                                                           ("Task", "CreatedById")])
    visible, base_names = plan.apply(db.schema)
    soql = ("SELECT Id, (SELECT Id FROM Contacts) FROM Account USING SCOPE mine WHERE Id IN "
            "(SELECT AccountId FROM Contact) ORDER BY Id")
    with open_view(db, running_user_id=owner) as base, \
            open_view(db, visible, base_names, running_user_id=owner) as drifted:
        new = rewrite_soql(soql, db.schema, visible, plan.object_renames, plan.field_renames)
        a = run_soql(base, soql, today=TODAY)["records"]
        b = run_soql(drifted, new, today=TODAY)["records"]
        assert [r["Id"] for r in a] == [r["Id"] for r in b] and a
        for scope in ("team", "my_territory", "everything"):
            statement = f"SELECT Id FROM Account USING SCOPE {scope}"
            new = rewrite_soql(statement, db.schema, visible, plan.object_renames,
                               plan.field_renames)
            assert ids(base, statement) == ids(drifted, new)


def test_list_views_use_the_running_user(db):
    owner = top(db, "SELECT OwnerId FROM {Account} GROUP BY 1 ORDER BY COUNT(*) DESC, 1 LIMIT 1")
    name = top(db, "SELECT Name FROM {Account} WHERE OwnerId = ? ORDER BY Id LIMIT 1".replace(
        "?", f"'{owner}'"))
    word = max(name.split(), key=len)
    with open_view(db, running_user_id=owner) as view:
        found = run_sosl(view, f"FIND {{{word}}} RETURNING Account(Id USING ListView=MyAccounts)",
                         today=TODAY)["searchRecords"]
        everyone = run_sosl(view, f"FIND {{{word}}} RETURNING Account(Id, OwnerId)",
                            today=TODAY)["searchRecords"]
        assert found and sorted(r["Id"] for r in found) == sorted(
            r["Id"] for r in everyone if r["OwnerId"] == owner)


def test_episode_runs_as_the_persona_user_when_it_names_one(db):
    user = top(db, "SELECT Id FROM {User} WHERE IsActive ORDER BY Id DESC LIMIT 1")
    task = Task(id="t-1", org=db.schema.org, category="case_routing", query="Who?",
                reward_metric="exact_match", answer=("x",),
                persona=f"You are the agent with User Id {user}.")
    assert persona_user_id(db, task) == user
    assert persona_user_id(db, task.model_copy(update={"persona": "You are a data analyst."})) \
        is None
    assert persona_user_id(db, task.model_copy(update={"persona": "User 005000000000000AAA"})) \
        is None
    handle = open_episode_org(db, task, EpisodeConfig(org=db.schema.org, drift="low"))
    try:
        assert handle.view.running_user_id == user
        assert describe(handle.view, None)["runningUser"]["Id"] == user
    finally:
        handle.close()
    config = EpisodeOrgConfig(org=db.schema.org, running_user_id=user)
    with build_episode_org(db, config) as episode:
        assert episode.view.running_user_id == user


def test_cli_and_repl_user_option(db, capsys):
    org = db.schema.org
    user = top(db, "SELECT OwnerId FROM {Account} GROUP BY 1 ORDER BY COUNT(*) DESC, 1 LIMIT 1")
    owned = len(expected(db, "SELECT Id FROM {Account} WHERE OwnerId = ?", user))
    assert main(["soql", "--org", org, "--user", user, "--compact",
                 "SELECT COUNT() FROM Account USING SCOPE mine"]) == 0
    assert json.loads(capsys.readouterr().out)["totalSize"] == owned
    assert main(["soql", "--org", org, "--user", "005000000000000AAA",
                 "SELECT COUNT() FROM Account"]) == 2
    assert "not a User" in capsys.readouterr().err
    assert main(["repl", "--org", org, "--user", user, "--json", "-c",
                 "SELECT COUNT() FROM Account USING SCOPE mine"]) == 0
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["totalSize"] == owned
