"""Referenced-name extraction and classification (ok / stale / hallucinated) on real schemas,
and rewriting statements into drifted names."""

from __future__ import annotations

from entropy import plan_drift
from env.agents.names_map import NameMap
from env.names import NameResolver
from sandbox_db.schema import load_schema

BASE = load_schema("b2b")


def _identity():
    return {o.name: (o.name, {f.name: f.name for f in o.fields}) for o in BASE.objects}


def _refs(resolver, query, tool="soql_query"):
    key = "query" if tool == "soql_query" else "search"
    return [(r.kind, r.path, r.status) for r in resolver.references(tool, {key: query})]


def test_soql_names_paths_children_semijoins_and_aliases():
    r = NameResolver(BASE, BASE, _identity())
    refs = _refs(r, "SELECT Id, Account.Name, c.Status, COUNT(Id) n, (SELECT Subject FROM Cases) "
                    "FROM Case c WHERE CreatedDate = LAST_N_DAYS:30 AND Status != 'Closed' AND "
                    "AccountId IN (SELECT Id FROM Account WHERE Name LIKE 'A%') "
                    "GROUP BY Id ORDER BY n DESC")
    assert ("object", "Case", "ok") in refs
    assert ("relationship", "Case.Account", "ok") in refs
    assert ("field", "Case.Account.Name", "ok") in refs
    assert ("field", "Case.Status", "ok") in refs  # alias prefix stripped
    assert ("field", "Case.CreatedDate", "ok") in refs
    assert ("field", "Account.Name", "ok") in refs  # inside the semi-join
    assert not any(path.endswith((".n", ".c", "LAST_N_DAYS", ".COUNT")) for _, path, _ in refs)
    # Case has no child relationship "Cases" (Account does): that one name is hallucinated
    assert [r for r in refs if r[2] != "ok"] == [("relationship", "Case.Cases", "hallucinated")]
    children = _refs(r, "SELECT Name, (SELECT Subject, Bogus FROM Cases) FROM Account")
    assert children == [("object", "Account", "ok"), ("field", "Account.Name", "ok"),
                        ("relationship", "Account.Cases", "ok"), ("field", "Case.Subject", "ok"),
                        ("field", "Case.Bogus", "hallucinated")]


def test_hallucinated_names_are_flagged_without_drift():
    r = NameResolver(BASE, BASE, _identity())
    refs = _refs(r, "SELECT Id, Foo__c, Owner.Nickname FROM Case")
    assert ("field", "Case.Foo__c", "hallucinated") in refs
    assert ("field", "Case.Owner.Nickname", "hallucinated") in refs
    assert _refs(r, "SELECT Id FROM Tickets") == [("object", "Tickets", "hallucinated")]
    sosl = _refs(r, "FIND {Acme} IN NAME FIELDS RETURNING Account(Name, Bogus), Contact",
                 "sosl_search")
    assert sosl == [("object", "Account", "ok"), ("field", "Account.Name", "ok"),
                    ("field", "Account.Bogus", "hallucinated"), ("object", "Contact", "ok")]


def test_base_names_under_drift_are_stale_and_new_names_ok():
    plan = plan_drift(BASE, "high", 0, (("Case", "Status"), ("Case", "AccountId")))
    visible, base_names = plan.apply(BASE)
    r = NameResolver(visible, BASE, base_names)
    case_v = plan.visible_object("Case")
    status_v = plan.visible_field("Case", "Status")
    assert status_v != "Status"
    stale = _refs(r, "SELECT Status FROM Case")
    assert ("field", "Case.Status", "stale") in stale
    if case_v != "Case":
        assert ("object", "Case", "stale") in stale
    fresh = _refs(r, f"SELECT {status_v} FROM {case_v}")
    assert [s for *_, s in fresh] == ["ok", "ok"]
    assert all(ref.base_object == "Case" for ref in r.references(
        "soql_query", {"query": f"SELECT {status_v} FROM {case_v}"}))


def test_name_map_learned_from_describe_rewrites_reference_queries():
    plan = plan_drift(BASE, "high", 1, (("Case", "Status"), ("Case", "OwnerId"),
                                         ("User", "Name")))
    visible, _ = plan.apply(BASE)
    names = NameMap(BASE)
    names.learn_global(visible.describe_global())
    for obj in ("Case", "User", "Account"):
        names.learn_object(obj, visible.get(plan.visible_object(obj)).describe())
    names.finish()
    query = ("SELECT Owner.Name, Account.Owner.Name, Status, (SELECT Id FROM Cases) FROM Case "
             "WHERE Status = 'New'")
    rewritten = names.rewrite("soql_query", {"query": query})["query"]
    vis_case = plan.visible_object("Case")
    assert f"FROM {vis_case}" in rewritten
    assert f"{plan.visible_field('Case', 'Status')} = 'New'" in rewritten
    owner_rel = visible.get(vis_case).field(plan.visible_field("Case", "OwnerId")).relationship_name
    # a case's owner is polymorphic (a user or a queue): its fields are the Name object's, which
    # drift never renames; an account's owner is a User, whose Name drift renamed
    assert f"SELECT {owner_rel}.Name," in rewritten
    assert f".{plan.visible_field('User', 'Name')}," in rewritten
    # and results come back in base names
    record = {"attributes": {"type": vis_case},
              plan.visible_field("Case", "Status"): "New",
              owner_rel: {"attributes": {"type": plan.visible_object("User")},
                          plan.visible_field("User", "Name"): "Jane"}}
    back = names.to_base({"totalSize": 1, "done": True, "records": [record]})
    assert back["records"][0] == {"attributes": {"type": "Case"}, "Status": "New",
                                  "Owner": {"attributes": {"type": "User"}, "Name": "Jane"}}


def test_oracle_rewrite_uses_rewrite_soql_and_agrees_with_the_token_rewriter():
    from env.names import base_resolver, rename_in_text
    from sandbox_db.soql import rewrite_soql

    plan = plan_drift(BASE, "high", 2, (("Case", "Status"), ("Case", "AccountId"),
                                         ("Account", "Name")))
    visible, _ = plan.apply(BASE)
    names = NameMap(BASE)
    names.learn_global(visible.describe_global())
    for obj in ("Case", "Account", "User"):
        names.learn_object(obj, visible.get(plan.visible_object(obj)).describe())
    names.finish()
    objects, fields = names.renames()
    assert objects == plan.object_renames
    assert all(fields[o] == plan.field_renames[o] for o in ("Case", "Account"))
    for query in ["SELECT Id, Account.Name, Status FROM Case WHERE Status = 'New' LIMIT 5",
                  "SELECT Name, (SELECT Id, Status FROM Cases) FROM Account",
                  "SELECT AccountId, COUNT(Id) n FROM Case GROUP BY AccountId ORDER BY COUNT(Id) "
                  "DESC"]:
        official = rewrite_soql(query, BASE, visible, objects, fields)
        assert names.rewrite_text("soql_query", query) == official
        hits = base_resolver(BASE).locate("soql_query", {"query": query})
        assert rename_in_text(query, hits, names._visible_name) == official
