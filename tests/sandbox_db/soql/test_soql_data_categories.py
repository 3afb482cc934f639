"""WITH DATA CATEGORY on knowledge articles (SOQL and SOSL), compared with a plain-Python walk of
the category tree over the real orgs' Knowledge__DataCategorySelection rows; UPDATE TRACKING and
VIEWSTAT."""

from __future__ import annotations

import pytest

from data.org.store import load_org
from sandbox_db.database import open_view
from sandbox_db.errors import SalesforceError
from sandbox_db.soql import run_soql, run_sosl
from tests.helpers.soql_real_orgs import TODAY, raw

#: The category trees of schemas/objects.yaml, written out by hand: category -> parent.
TREES = {
    "Product": {"All": None, "Hardware": "All", "Software": "All", "Services": "All",
                "Accessories": "All"},
    "Topic": {"All": None, "Support": "All", "Troubleshooting": "Support",
              "Warranty_and_Support": "Support", "Sales": "All", "Getting_Started": "Sales",
              "Pricing_and_Deals": "Sales", "Policies": "All", "General_Knowledge": "All"},
}


def lineage(tree: dict[str, str | None], category: str) -> list[str]:
    out = []
    node = tree[category]
    while node is not None:
        out.append(node)
        node = tree[node]
    return out


def wanted(group: str, op: str, categories: list[str]) -> set[str]:
    tree = TREES[group]
    out = set(categories)
    for c in categories:
        if op in ("ABOVE", "ABOVE_OR_BELOW"):
            out.update(lineage(tree, c))
        if op in ("BELOW", "ABOVE_OR_BELOW"):
            out.update(k for k in tree if c in lineage(tree, k))
    return out


@pytest.fixture(scope="module", params=["b2b", "b2c"])
def org(request):
    db = load_org(request.param)
    view = open_view(db)
    selections: dict[str, set[tuple[str, str]]] = {}
    rows = raw(db, "SELECT ParentId, DataCategoryGroupName, DataCategoryName "
                   "FROM {Knowledge__DataCategorySelection}")
    for parent, group, category in rows:
        selections.setdefault(parent, set()).add((group, category))
    yield db, view, selections
    view.close()
    db.close()


def articles(selections, *conditions: tuple[str, str, list[str]]) -> list[str]:
    keep = []
    for article, picked in selections.items():
        if all(any(g == group and c in wanted(group, op, cats) for g, c in picked)
               for group, op, cats in conditions):
            keep.append(article)
    return sorted(keep)


@pytest.mark.parametrize("clause,conditions", [
    ("Topic__c AT Troubleshooting__c", [("Topic", "AT", ["Troubleshooting"])]),
    ("Topic__c BELOW Support__c", [("Topic", "BELOW", ["Support"])]),
    ("Topic__c ABOVE Getting_Started__c", [("Topic", "ABOVE", ["Getting_Started"])]),
    ("Topic__c ABOVE_OR_BELOW Sales__c", [("Topic", "ABOVE_OR_BELOW", ["Sales"])]),
    ("Topic__c AT (Policies__c, General_Knowledge__c)",
     [("Topic", "AT", ["Policies", "General_Knowledge"])]),
    ("Product__c AT Hardware__c AND Topic__c BELOW Support__c",
     [("Product", "AT", ["Hardware"]), ("Topic", "BELOW", ["Support"])]),
    ("product__C below all__c", [("Product", "BELOW", ["All"])]),
])
def test_soql_data_category_filters(org, clause, conditions):
    _, view, selections = org
    res = run_soql(view, f"SELECT Id FROM Knowledge__kav WITH DATA CATEGORY {clause}",
                   today=TODAY)
    got = sorted(r["Id"] for r in res["records"])
    assert got == articles(selections, *conditions) and got


def test_category_filter_with_where_order_and_security(org):
    db, view, selections = org
    res = run_soql(view, "SELECT Id, Title FROM Knowledge__kav WHERE PublishStatus = 'Online' "
                         "WITH DATA CATEGORY Topic__c AT Troubleshooting__c WITH SECURITY_ENFORCED "
                         "ORDER BY Title LIMIT 5", today=TODAY)
    online = {r[0] for r in raw(db, "SELECT Id FROM {Knowledge__kav} "
                                    "WHERE PublishStatus = 'Online'")}
    titles = dict(raw(db, "SELECT Id, Title FROM {Knowledge__kav}"))
    keep = [a for a in articles(selections, ("Topic", "AT", ["Troubleshooting"])) if a in online]
    assert [r["Id"] for r in res["records"]] == sorted(keep, key=lambda a: (
        titles[a].lower(), a))[:5]


def test_sosl_data_category_and_update_tracking(org):
    _, view, selections = org
    search = "FIND {troubleshooting} RETURNING Knowledge__kav(Id, Title) WITH DATA CATEGORY " \
             "Product__c AT Software__c WITH HIGHLIGHT UPDATE TRACKING"
    hits = run_sosl(view, search, today=TODAY)["searchRecords"]
    assert all("highlight.Title" not in r for r in hits)  # articles highlight with SNIPPET only
    found = sorted(r["Id"] for r in hits)
    plain = run_sosl(view, "FIND {troubleshooting} RETURNING Knowledge__kav(Id, Title)",
                     today=TODAY)["searchRecords"]
    software = set(articles(selections, ("Product", "AT", ["Software"])))
    assert found and found == sorted(r["Id"] for r in plain if r["Id"] in software)
    tracked = run_soql(view, "SELECT Id FROM Knowledge__kav WHERE PublishStatus = 'Online' "
                             "ORDER BY Id FOR VIEW UPDATE VIEWSTAT", today=TODAY)
    assert tracked == run_soql(view, "SELECT Id FROM Knowledge__kav WHERE PublishStatus = "
                                     "'Online' ORDER BY Id", today=TODAY)


@pytest.mark.parametrize("statement,code,text", [
    ("SELECT Id FROM Knowledge__kav WITH DATA CATEGORY Geography__c AT usa__c",
     "INVALID_QUERY_FILTER_OPERATOR", "Geography__c"),
    ("SELECT Id FROM Knowledge__kav WITH DATA CATEGORY Topic__c AT Nowhere__c",
     "INVALID_QUERY_FILTER_OPERATOR", "Nowhere__c"),
    ("SELECT Id FROM Account WITH DATA CATEGORY Topic__c AT Policies__c",
     "INVALID_QUERY_FILTER_OPERATOR", "Account"),
    ("SELECT Id FROM Knowledge__kav WITH DATA CATEGORY Topic__c AT Sales__c AND Topic__c AT "
     "Policies__c AND Product__c AT All__c AND Product__c AT Hardware__c",
     "INVALID_QUERY_FILTER_OPERATOR", "at most 3"),
    ("SELECT Id FROM Knowledge__kav WITH DATA CATEGORY Topic__c NEAR Sales__c",
     "MALFORMED_QUERY", "'NEAR'"),
    ("SELECT Id FROM Knowledge__kav WITH DATA CATEGORY Topic__c AT Sales__c OR Product__c AT "
     "All__c", "MALFORMED_QUERY", "'OR'"),
    ("SELECT Id FROM Account UPDATE TRACKING", "INVALID_QUERY_FILTER_OPERATOR", "article"),
    ("SELECT Id FROM Knowledge__kav UPDATE VIEWSTAT, TRACKING", "MALFORMED_QUERY", "','"),
    ("FIND {policy} RETURNING Account(Name) WITH DATA CATEGORY Topic__c AT Policies__c",
     "INVALID_QUERY_FILTER_OPERATOR", "article"),
    ("FIND {policy} RETURNING Case(Subject) UPDATE VIEWSTAT", "INVALID_QUERY_FILTER_OPERATOR",
     "article"),
])
def test_category_and_tracking_errors(org, statement, code, text):
    _, view, _ = org
    with pytest.raises(SalesforceError) as err:
        (run_sosl if statement.startswith("FIND") else run_soql)(view, statement, today=TODAY)
    assert err.value.error_code == code and text in err.value.message, err.value


def test_data_categories_under_high_drift(org):
    db, view, _ = org
    from entropy.drift import plan_drift
    from sandbox_db.soql import rewrite_soql
    plan = plan_drift(db.schema, "high", 4, must_rename=[
        ("Knowledge__DataCategorySelection", "DataCategoryName"),
        ("Knowledge__DataCategorySelection", "ParentId"), ("Knowledge__kav", "Title")])
    visible, base_names = plan.apply(db.schema)
    soql = ("SELECT Id, Title FROM Knowledge__kav WITH DATA CATEGORY Topic__c BELOW Sales__c "
            "AND Product__c AT Software__c ORDER BY Id")
    new = rewrite_soql(soql, db.schema, visible, plan.object_renames, plan.field_renames)
    with open_view(db, visible, base_names) as drifted:
        a = [tuple(v for k, v in r.items() if k != "attributes")
             for r in run_soql(view, soql, today=TODAY)["records"]]
        b = [tuple(v for k, v in r.items() if k != "attributes")
             for r in run_soql(drifted, new, today=TODAY)["records"]]
    assert a and a == b
