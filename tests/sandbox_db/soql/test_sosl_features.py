"""SOSL's WITH clauses (HIGHLIGHT, SNIPPET, SPELL_CORRECTION, METADATA, DIVISION, NETWORK,
PricebookId), USING ListView, escaped reserved characters and errors in RETURNING clauses, on the
fixture org and the real b2b org, checked against plain-Python searches of the same records."""

from __future__ import annotations

import re

import pytest

from data.org.store import load_org
from sandbox_db.database import open_view
from sandbox_db.errors import SalesforceError
from sandbox_db.soql import run_sosl
from tests.helpers.soql_fixtures import TODAY, fixture_data, open_fixture_view
from tests.helpers.soql_real_orgs import raw

DATA = fixture_data()


@pytest.fixture(scope="module")
def fixture(tmp_path_factory):
    db, view = open_fixture_view(tmp_path_factory.mktemp("sosl_features"))
    yield view
    view.close()
    db.close()


@pytest.fixture(scope="module")
def b2b():
    db = load_org("b2b")
    view = open_view(db)
    yield db, view
    view.close()
    db.close()


def search(view, sosl: str) -> list[dict]:
    return run_sosl(view, sosl, today=TODAY)["searchRecords"]


def marked(text: str, word: str) -> str:
    return re.sub(rf"(?i)(?<!\w)({word})(?!\w)", r"<mark>\1</mark>", text)


def test_highlight_marks_matches_in_returned_text_fields(fixture):
    res = search(fixture, "FIND {acme} IN ALL FIELDS RETURNING Account(Name, Description, Phone), "
                          "Case(Subject) WITH HIGHLIGHT")
    accounts = {a["Id"]: a for a in DATA["Account"]}
    got = [r for r in res if r["attributes"]["type"] == "Account"]
    assert got
    for rec in got:
        source = accounts[rec["attributes"]["url"].rsplit("/", 1)[1]]
        for field in ("Name", "Description"):
            value = source[field]
            if value and re.search(r"(?i)(?<!\w)acme(?!\w)", value):
                assert rec[f"highlight.{field}"] == marked(value, "acme")
            else:
                assert f"highlight.{field}" not in rec
        assert "highlight.Phone" not in rec
    assert all(not any(k.startswith("highlight.") for k in r) for r in res
               if r["attributes"]["type"] == "Case")  # cases: snippets only
    wildcard = search(fixture, "FIND {acm*} RETURNING Account(Name) WITH HIGHLIGHT")
    assert wildcard and all("highlight.Name" not in r for r in wildcard)


def test_highlight_stops_after_25_records_per_object(b2b):
    _, view = b2b
    res = search(view, "FIND {inc OR llc OR corp OR group} RETURNING Account(Name) "
                       "WITH HIGHLIGHT")
    assert len(res) > 25
    assert sum("highlight.Name" in r for r in res) == 25


def test_snippet_on_articles(fixture):
    res = search(fixture, "FIND {refunds} RETURNING Knowledge__kav(Title, Summary) "
                          "WITH SNIPPET (target_length=120)")
    articles = {a["Id"]: a for a in DATA["Knowledge__kav"]}
    assert res
    for rec in res:
        source = articles[rec["attributes"]["url"].rsplit("/", 1)[1]]
        body = next(source[f] for f in ("Summary", "FAQ_Answer__c")
                    if source[f] and re.search(r"(?i)\brefunds\b", source[f]))
        assert rec["snippet.text"] == marked(body, "refunds")  # short bodies: the whole text
        assert "<mark>" in rec["snippet.text"]
        if re.search(r"(?i)\brefunds\b", source["Summary"] or ""):
            assert rec["highlight.Summary"] == marked(source["Summary"], "refunds")


def test_snippet_is_cut_around_the_match(b2b):
    db, view = b2b
    res = search(view, "FIND {encryption} RETURNING Knowledge__kav(Title) WITH SNIPPET "
                       "(target_length=100) LIMIT 5")
    bodies = dict(raw(db, "SELECT Id, FAQ_Answer__c FROM {Knowledge__kav}"))
    assert res
    for rec in res:
        text = rec["snippet.text"]
        plain = text.replace("<mark>", "").replace("</mark>", "").strip(".")
        assert "<mark>" in text and len(plain) <= 110
        body = bodies[rec["attributes"]["url"].rsplit("/", 1)[1]] or ""
        if "encryption" in body.lower():
            assert plain in body


def test_spell_correction(fixture):
    right = search(fixture, "FIND {rockets} RETURNING Account(Name), Opportunity(Name)")
    wrong = search(fixture, "FIND {rockts} RETURNING Account(Name), Opportunity(Name)")
    assert right and [{k: v for k, v in r.items() if k != "searchRecordMetadata"}
                      for r in wrong] == right
    assert all(r["searchRecordMetadata"] == {"spellCorrected": True} for r in wrong)
    assert search(fixture, "FIND {rockts} RETURNING Account(Name) WITH SPELL_CORRECTION = false"
                  ) == []
    assert "searchRecordMetadata" not in search(fixture, "FIND {rockets} RETURNING Account(Name)"
                                                )[0]
    assert search(fixture, "FIND {zzqxv} RETURNING Account(Name)") == []


def test_metadata_division_network_pricebook(b2b):
    db, view = b2b
    res = run_sosl(view, "FIND {corp} RETURNING Account(Name, Phone), Contact(Email) "
                         "WITH METADATA='LABELS' LIMIT 5", today=TODAY)
    assert res["metadata"] == {"entityMetadata": [
        {"entityName": "Account", "fieldMetadata": [{"name": "Name", "label": "Account Name"},
                                                     {"name": "Phone", "label": "Account Phone"}]},
        {"entityName": "Contact", "fieldMetadata": [{"name": "Email", "label": "Email"}]}]}
    plain = search(view, "FIND {corp} RETURNING Account(Name)")
    assert search(view, "FIND {corp} RETURNING Account(Name) WITH DIVISION = 'global'") == plain
    book = raw(db, "SELECT Pricebook2Id FROM {PricebookEntry} GROUP BY 1 ORDER BY COUNT(*) "
                   "LIMIT 1")[0][0]
    in_book = {r[0] for r in raw(db, "SELECT Product2Id FROM {PricebookEntry} WHERE "
                                     f"Pricebook2Id = '{book}'")}
    every = search(view, "FIND {pro OR suite OR plus} RETURNING Product2(Id)")
    limited = search(view, f"FIND {{pro OR suite OR plus}} RETURNING Product2(Id) "
                           f"WITH PricebookId = '{book}'")
    assert sorted(r["Id"] for r in limited) == sorted(r["Id"] for r in every if r["Id"] in in_book)
    assert limited
    assert search(view, "FIND {pro OR suite} RETURNING Product2(Id) WITH PricebookId = "
                        "'01s000000000001'") == []  # no such price book: no entries


@pytest.mark.parametrize("sosl,code,text", [
    ("FIND {corp} RETURNING Account(Name) WITH DIVISION = 'Europe'", "INVALID_FIELD", "Europe"),
    ("FIND {corp} RETURNING Account(Name) WITH NETWORK = '0DB000000000001'", "INVALID_FIELD",
     "network"),
    ("FIND {corp} RETURNING Account(Name) WITH NETWORK IN ('0DB000000000001', '0DB0000000002')",
     "INVALID_FIELD", "network"),
    ("FIND {corp} RETURNING Account(Name) WITH PricebookId = '01s000000000001'",
     "MALFORMED_SEARCH", "Product2"),
    ("FIND {corp} RETURNING Account(Name) WITH METADATA = 'TYPES'", "MALFORMED_SEARCH", "LABELS"),
    ("FIND {corp} RETURNING Account(Name) WITH SNIPPET (target_length=50)", "MALFORMED_SEARCH",
     "target_length"),
    ("FIND {corp} RETURNING Account(Name) WITH HIGHLIGHT WITH HIGHLIGHT", "MALFORMED_SEARCH",
     "Column:"),
    ("FIND {corp} RETURNING Account(Name USING ListView=Nope)", "INVALID_FIELD", "Nope"),
    ("FIND {corp} RETURNING Account(Name USING ListView=AllOpenCases)", "INVALID_FIELD",
     "AllOpenCases"),
    ("FIND {corp} RETURNING Account(Name WHERE Nme = 'x')", "INVALID_FIELD", "'Nme'"),
])
def test_search_option_errors(b2b, sosl, code, text):
    _, view = b2b
    with pytest.raises(SalesforceError) as err:
        search(view, sosl)
    assert err.value.error_code == code and text in err.value.message, err.value


def test_list_view_keeps_the_views_records(b2b):
    db, view = b2b
    res = search(view, "FIND {error OR issue} RETURNING Case(Id, Status USING "
                       "ListView=EscalatedCases ORDER BY Id)")
    every = search(view, "FIND {error OR issue} RETURNING Case(Id, Status ORDER BY Id)")
    assert res and res == [r for r in every if r["Status"] == "Escalated"]
    views = raw(db, "SELECT DeveloperName, SobjectType FROM {ListView} ORDER BY 1")
    assert ("EscalatedCases", "Case") in views and ("MyAccounts", "Account") in views


def test_escaped_reserved_characters_are_not_search_terms(fixture):
    plain = search(fixture, "FIND {rocket} RETURNING Account(Name), Knowledge__kav(Title)")
    assert plain
    for term in (r"rocket \}", r"rocket \*", r"rocket \?", r"rocket \'", r"\{ rocket \}"):
        assert search(fixture, f"FIND {{{term}}} RETURNING Account(Name), Knowledge__kav(Title)"
                      ) == plain, term


@pytest.mark.parametrize("sosl,column,token", [
    ("FIND {acme} RETURNING Account(Name WHERE Name = 'x' AND)", 56, "<EOF>"),
    ("FIND {acme} RETURNING Account(Name, FROM)", 37, "FROM"),
    ("FIND {acme}\nRETURNING Contact(Name WHERE Name = 'a' AND Email = 'b' OR Phone = 'c')",
     57, "OR"),
    ("FIND {acme} RETURNING Account(Id, Name USING Scope mine)", 46, "Scope"),
])
def test_errors_in_returning_point_into_the_search(fixture, sosl, column, token):
    with pytest.raises(SalesforceError) as err:
        search(fixture, sosl)
    message = err.value.message
    assert err.value.error_code == "MALFORMED_SEARCH"
    assert f":Column:{column}\n" in message and message.endswith(f"unexpected token: '{token}'")
    assert "SELECT" not in message, message
