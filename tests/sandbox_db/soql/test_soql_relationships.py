"""Relationship queries as Salesforce's own docs write them (parent-qualified child relationships,
object aliases, alias joins in FROM, child subqueries nested five levels deep), compared with
hand-written DuckDB SQL on the real b2b org; and the statements Salesforce rejects, rejected
with its codes and messages that quote only what the user wrote, at the right row and column."""

from __future__ import annotations

import pytest

from data.org.store import load_org
from sandbox_db.database import open_view
from sandbox_db.errors import SalesforceError
from sandbox_db.soql import run_soql, run_statement
from tests.helpers.soql_real_orgs import TODAY, raw

INTERNAL = ("JOINS", "SUBQUERY", "LOCKS", "Anonymous", "Column(", "Identifier", "sqlglot",
            "\x00", "t1.", "COALESCE", "SELECT Id FROM Account\n")


@pytest.fixture(scope="module")
def org():
    db = load_org("b2b")
    view = open_view(db)
    yield db, view
    view.close()
    db.close()


def q(view, soql: str) -> dict:
    return run_soql(view, soql, today=TODAY)


def test_parent_qualified_child_relationship_and_aliases(org):
    _, view = org
    plain = q(view, "SELECT Name, (SELECT LastName FROM Contacts ORDER BY LastName) FROM Account "
                    "ORDER BY Name LIMIT 20")
    for soql in ("SELECT Account.Name, (SELECT Contact.LastName FROM Account.Contacts ORDER BY "
                 "Contact.LastName) FROM Account ORDER BY Account.Name LIMIT 20",
                 "SELECT a.Name, (SELECT c.LastName FROM a.Contacts c ORDER BY c.LastName) "
                 "FROM Account a ORDER BY a.Name LIMIT 20"):
        assert q(view, soql) == plain
    with pytest.raises(SalesforceError) as err:
        q(view, "SELECT Name, (SELECT Id FROM Contact.Contacts) FROM Account")
    assert err.value.error_code == "INVALID_TYPE" and "Contact.Contacts" in err.value.message


def test_alias_join_in_from_is_the_parent_path(org):
    db, view = org
    name = raw(db, "SELECT a.Name FROM {Contact} c JOIN {Account} a ON a.Id = c.AccountId "
                   "ORDER BY c.Id LIMIT 1")[0][0]
    by_path = q(view, f"SELECT Id, Account.Name FROM Contact WHERE Account.Name = '{name}' "
                      f"ORDER BY Id")
    by_alias = q(view, f"SELECT c.Id, a.Name FROM Contact c, c.Account a WHERE a.Name = "
                       f"'{name}' ORDER BY c.Id")
    assert by_alias == by_path and by_path["records"]
    assert q(view, f"SELECT count() FROM Contact c, c.Account a WHERE a.name = '{name}'")[
        "totalSize"] == len(by_path["records"])
    owners = q(view, "SELECT Id, o.Name FROM Contact c, c.Account a, a.Owner o ORDER BY Id "
                     "LIMIT 5")
    assert owners == q(view, "SELECT Id, Account.Owner.Name FROM Contact ORDER BY Id LIMIT 5")


def test_child_subqueries_nest_five_levels(org):
    db, view = org
    res = q(view, "SELECT Id, (SELECT Id, (SELECT Id, (SELECT Id, (SELECT Id, Subject FROM "
                  "Cases__r ORDER BY Id) FROM OrderItems ORDER BY Id) FROM Orders ORDER BY Id) "
                  "FROM Contracts ORDER BY Id) FROM Account WHERE Id IN (SELECT AccountId FROM "
                  "Contract) ORDER BY Id LIMIT 40")
    rows = raw(db, "SELECT a.Id, ct.Id, o.Id, oi.Id, cs.Id, cs.Subject FROM {Account} a "
                   "JOIN {Contract} ct ON ct.AccountId = a.Id "
                   "LEFT JOIN {Order} o ON o.ContractId = ct.Id "
                   "LEFT JOIN {OrderItem} oi ON oi.OrderId = o.Id "
                   "LEFT JOIN {Case} cs ON cs.OrderItemId__c = oi.Id")
    tree: dict = {}
    for a, ct, o, oi, cs, subject in rows:
        node = tree.setdefault(a, {}).setdefault(ct, {})
        if o is not None:
            node = node.setdefault(o, {})
            if oi is not None:
                node = node.setdefault(oi, {})
                if cs is not None:
                    node[cs] = subject

    def shape(rec: dict, levels: list[str]) -> object:
        if not levels:
            return rec["Subject"]
        children = rec[levels[0]]
        return {} if children is None else {c["Id"]: shape(c, levels[1:])
                                            for c in children["records"]}

    assert len(res["records"]) == 40
    deepest = 0
    for rec in res["records"]:
        got = shape(rec, ["Contracts", "Orders", "OrderItems", "Cases__r"])
        assert got == tree[rec["Id"]]
        deepest += sum(len(items) for orders in got.values() for items in orders.values()
                       for items in items.values())
    assert deepest, "some order items have cases"


@pytest.mark.parametrize("statement,code,column,token", [
    ("SELECT COUNT(Id) FROM Case GROUP BY", "MALFORMED_QUERY", 36, "<EOF>"),
    ("SELECT Id, FROM Case", "MALFORMED_QUERY", 12, "FROM"),
    ("SELECT Name FROM Account OFFSET", "MALFORMED_QUERY", 32, "<EOF>"),
    ("SELECT Name FROM Account WHERE Name = 'abc", "MALFORMED_QUERY", 39, "'abc"),
    ("SELECT Id FROM Account a, Contact c", "MALFORMED_QUERY", 27, "Contact"),
    ("SELECT Id FROM Case WHERE Status = 'New' AND Priority = 'High' OR Origin = 'Web'",
     "MALFORMED_QUERY", 64, "OR"),
    ("SELECT Id FROM Case WHERE Status = 'New' OR Priority = 'High' AND Origin = 'Web'",
     "MALFORMED_QUERY", 63, "AND"),
    ("SELECT Id FROM Account JOIN Contact ON Contact.AccountId = Account.Id",
     "MALFORMED_QUERY", 29, "Contact"),
    ("SELECT Id FROM Account ORDER BY Name FOR UPDATE LIMIT 2", "MALFORMED_QUERY", 49, "LIMIT"),
    ("SELECT Id\nFROM Account\nWHERE Name IS NULL", "MALFORMED_QUERY", 12, "IS"),
    ("SELECT Id FROM Account WHERE NumberOfEmployees + 1 > 5", "MALFORMED_QUERY", 48, "+"),
    ("SELECT COUNT(Id) AS n FROM Account", "MALFORMED_QUERY", 21, "n"),
])
def test_rejections_name_what_the_user_wrote_where_they_wrote_it(org, statement, code, column,
                                                                   token):
    _, view = org
    with pytest.raises(SalesforceError) as err:
        run_statement(view, statement, today=TODAY)
    message = err.value.message
    assert err.value.error_code == code
    assert f":Column:{column}\n" in message and message.endswith(f"unexpected token: '{token}'")
    assert not any(marker in message for marker in INTERNAL), message


@pytest.mark.parametrize("statement,code,text", [
    ("SELECT Id FROM Account WHERE (Name = 'a' OR Id IN (SELECT AccountId FROM Contact)) AND "
     "Name = 'b'", "MALFORMED_QUERY", "top level WHERE"),
    ("SELECT Id FROM Account WHERE NOT (Id IN (SELECT AccountId FROM Contact))",
     "MALFORMED_QUERY", "top level WHERE"),
    ("SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact WHERE Id IN (SELECT "
     "ContactId FROM Case))", "MALFORMED_QUERY", "Nesting of semi join"),
    ("SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact) AND Id IN (SELECT "
     "AccountId FROM Case) AND Id IN (SELECT AccountId FROM Opportunity)", "MALFORMED_QUERY",
     "at most 2"),
    ("SELECT MAX(CreatedDate) FROM Account LIMIT 1", "MALFORMED_QUERY", "LIMIT"),
    ("SELECT Id, FIELDS(ALL) FROM User LIMIT 200", "INVALID_FIELD", "duplicate field selected: Id"),
    ("SELECT Name, (SELECT Id, (SELECT Id, (SELECT Id, (SELECT Id, (SELECT Id FROM Tasks) FROM "
     "Cases__r) FROM OrderItems) FROM Orders) FROM Contracts) FROM Account", "MALFORMED_QUERY",
     "more than 4 levels"),
])
def test_salesforce_rejects_these(org, statement, code, text):
    _, view = org
    with pytest.raises(SalesforceError) as err:
        q(view, statement)
    assert err.value.error_code == code and text in err.value.message, err.value


def test_accepted_forms_that_look_odd(org):
    _, view = org
    top = q(view, "SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact) AND Id NOT "
                  "IN (SELECT AccountId FROM Case) ORDER BY Id")
    assert top["records"]
    distinct = q(view, "SELECT COUNT_DISTINCT(Name) distinct FROM Lead")["records"][0]
    assert distinct["distinct"] > 0
    assert q(view, "SELECT MAX(CreatedDate) m FROM Account GROUP BY Industry LIMIT 1")[
        "totalSize"] == 1
    locked = q(view, "SELECT Id FROM Account ORDER BY Id LIMIT 2 FOR UPDATE")
    assert locked == q(view, "SELECT Id FROM Account ORDER BY Id LIMIT 2")
    visible = q(view, "SELECT Id FROM Account WITH RecordVisibilityContext "
                      "(maxDescriptorPerRecord=100, supportsDomains=true) LIMIT 2")
    assert len(visible["records"]) == 2
