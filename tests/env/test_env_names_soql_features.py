"""Name classification (hallucination and stale-name metrics) of the SOQL features that are not
field paths: scopes, data categories, list views, currency literals, TYPEOF types, alias joins,
compound fields and the polymorphic Name object."""

from __future__ import annotations

import pytest

from entropy.drift import identity_base_names
from env.names import NameResolver
from sandbox_db.schema import load_schema

BASE = load_schema("b2b")


def refs(tool: str, text: str) -> list[tuple[str, str]]:
    key = "query" if tool == "soql_query" else "search"
    resolver = NameResolver(BASE, BASE, identity_base_names(BASE))
    return [(r.path, r.status) for r in resolver.references(tool, {key: text})]


@pytest.mark.parametrize("query,expected", [
    ("SELECT Id, What.Name, What.Type, Who.Email, Owner.Type, What.Amount FROM Task "
     "USING SCOPE delegated",
     [("Task", "ok"), ("Task.Id", "ok"), ("Task.What", "ok"), ("Task.What.Name", "ok"),
      ("Task.What.Type", "ok"), ("Task.Who", "ok"), ("Task.Who.Email", "ok"), ("Task.Owner", "ok"),
      ("Task.Owner.Type", "ok"), ("Task.What.Amount", "hallucinated")]),
    ("SELECT Id, TYPEOF What WHEN Account THEN Phone ELSE Name END FROM Event",
     [("Event", "ok"), ("Event.Id", "ok")]),
    ("SELECT c.Id, a.Name, a.Nope FROM Contact c, c.Account a WHERE a.Name = 'x'",
     [("Contact", "ok"), ("Contact.Account", "ok"), ("Contact.Account.Id", "ok"),
      ("Contact.Id", "ok"), ("Contact.Account.Name", "ok"), ("Contact.Account.Nope",
                                                             "hallucinated")]),
    ("SELECT Title FROM Knowledge__kav WITH DATA CATEGORY Topic__c AT (Sales__c, Policies__c) "
     "AND Product__c BELOW All__c", [("Knowledge__kav", "ok"), ("Knowledge__kav.Title", "ok")]),
    ("SELECT Id FROM Opportunity WHERE Amount > USD5000 AND Amount IN (usd1, USD2)",
     [("Opportunity", "ok"), ("Opportunity.Id", "ok"), ("Opportunity.Amount", "ok")]),
    ("SELECT Id, ShippingAddress, Nonsense FROM Account",
     [("Account", "ok"), ("Account.Id", "ok"), ("Account.ShippingAddress", "ok"),
      ("Account.Nonsense", "hallucinated")]),
])
def test_feature_words_are_not_field_names(query, expected):
    assert refs("soql_query", query) == expected


def test_list_view_names_in_sosl():
    assert refs("sosl_search", "FIND {x} RETURNING Account(Name USING ListView=MyAccounts)") == [
        ("Account", "ok"), ("Account.Name", "ok")]
