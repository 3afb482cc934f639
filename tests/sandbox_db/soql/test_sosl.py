"""SOSL on the fixture org, checked against a plain-Python word search over the same records."""

from __future__ import annotations

import re

import pytest

from sandbox_db.errors import SalesforceError
from sandbox_db.schema import FieldType
from sandbox_db.soql import run_sosl, run_statement
from tests.helpers.soql_fixtures import TODAY, fixture_data, open_fixture_view

DATA = fixture_data()
TEXT = {FieldType.STRING, FieldType.TEXTAREA, FieldType.EMAIL, FieldType.PHONE, FieldType.URL}


@pytest.fixture(scope="module")
def view(tmp_path_factory):
    db, v = open_fixture_view(tmp_path_factory.mktemp("sosl"))
    yield v
    v.close()
    db.close()


def words_match(text: str | None, word: str) -> bool:
    """Independent matcher: split into words; `*` = any suffix/infix, `?` = one character."""
    if not text:
        return False
    rx = "^" + "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in word) + "$"
    return any(re.match(rx, w, re.IGNORECASE) for w in re.findall(r"\w+", text))


def py_search(view, obj: str, pred, fields=None) -> list[str]:
    sobj = view.schema.get(obj)
    names = fields or [f.name for f in sobj.fields if f.type in TEXT]
    return sorted(r["Id"] for r in DATA.get(obj, []) if pred([r.get(n) for n in names]))


def ids_of(result: dict, obj: str) -> list[str]:
    return sorted(r["attributes"]["url"].rsplit("/", 1)[1] for r in result["searchRecords"]
                  if r["attributes"]["type"] == obj)


def any_field(word):
    return lambda values: any(words_match(v, word) for v in values)


@pytest.mark.parametrize("term,pred", [
    ("acme", any_field("acme")),
    ("ACM*", any_field("acm*")),
    ("anvil?", any_field("anvil?")),
    ("acme rockets", lambda v: any_field("acme")(v) and any_field("rockets")(v)),
    ("acme AND NOT rockets", lambda v: any_field("acme")(v) and not any_field("rockets")(v)),
    ("globex OR umbrella", lambda v: any_field("globex")(v) or any_field("umbrella")(v)),
    ("(globex OR umbrella) AND widgets",
     lambda v: (any_field("globex")(v) or any_field("umbrella")(v)) and any_field("widgets")(v)),
])
def test_terms_on_accounts_and_contacts(view, term, pred):
    res = run_sosl(view, f"FIND {{{term}}} IN ALL FIELDS RETURNING Account(Name), Contact(Name)",
                   today=TODAY)
    assert ids_of(res, "Account") == py_search(view, "Account", pred)
    assert ids_of(res, "Contact") == py_search(view, "Contact", pred)


def test_quoted_phrase(view):
    res = run_sosl(view, 'FIND {"login failure"} RETURNING Case(Subject)', today=TODAY)
    assert sorted(r["Subject"] for r in res["searchRecords"]) == ["Login failure",
                                                                  "login FAILURE again"]
    res = run_sosl(view, 'FIND {"failure login"} RETURNING Case(Subject)', today=TODAY)
    assert res["searchRecords"] == []


def test_returning_fields_where_order_limit(view):
    res = run_sosl(view, "FIND {password*} RETURNING Knowledge__kav(Title, UrlName "
                         "WHERE PublishStatus = 'Online' ORDER BY Title LIMIT 5), Case(Subject)",
                   today=TODAY)
    recs = res["searchRecords"]
    assert [r["attributes"]["type"] for r in recs] == ["Knowledge__kav", "Case"]
    assert recs[0] == {"attributes": {"type": "Knowledge__kav",
                                      "url": recs[0]["attributes"]["url"]},
                       "Title": "Resetting your password", "UrlName": "reset-password"}


def test_name_email_phone_groups(view):
    name = run_sosl(view, "FIND {acme} IN NAME FIELDS RETURNING Account(Name), Contact(Name)",
                    today=TODAY)
    assert [r["Name"] for r in name["searchRecords"]] == ["Acme Corp"]
    email = run_sosl(view, "FIND {acme} IN EMAIL FIELDS RETURNING Account(Name), Contact(Name)",
                     today=TODAY)
    assert sorted(r["Name"] for r in email["searchRecords"]) == ["Jane Doe", "John Smith"]
    phone = run_sosl(view, "FIND {555-0200} IN PHONE FIELDS RETURNING Account(Name)", today=TODAY)
    assert [r["Name"] for r in phone["searchRecords"]] == ["globex"]


def test_relevance_name_match_first_then_ties_by_id(view):
    res = run_sosl(view, "FIND {acme} RETURNING Account(Name)", today=TODAY)
    # Acme Corp matches in its name field; Umbrella only in its description
    assert [r["Name"] for r in res["searchRecords"]] == ["Acme Corp", "Umbrella 100% Health"]
    res = run_sosl(view, "FIND {jane OR john} RETURNING Contact(Id)", today=TODAY)
    got = [r["Id"] for r in res["searchRecords"]]
    assert got == sorted(got)  # equal relevance: by Id


def test_overall_limit_and_no_returning(view):
    res = run_sosl(view, "FIND {acme} RETURNING Account(Name), Contact(Name) LIMIT 3", today=TODAY)
    assert len(res["searchRecords"]) == 3
    everything = run_statement(view, "find {acme}", today=TODAY)
    expected = sorted(r["Id"] for obj, rows in DATA.items() for r in rows
                      if any_field("acme")([r.get(f.name) for f in view.schema.get(obj).fields
                                            if f.type in TEXT]))
    assert sorted(r["Id"] for r in everything["searchRecords"]) == expected
    assert {r["attributes"]["type"] for r in everything["searchRecords"]} == \
        {"Account", "Contact", "Opportunity"}
    assert all(set(r) == {"attributes", "Id"} for r in everything["searchRecords"])


@pytest.mark.parametrize("search,code", [
    ("FIND acme", "MALFORMED_SEARCH"),
    ("FIND {a}", "MALFORMED_SEARCH"),
    ("FIND {acme", "MALFORMED_SEARCH"),
    ("FIND {(acme} RETURNING Account", "MALFORMED_SEARCH"),
    ("FIND {acme} IN EVERY FIELDS", "MALFORMED_SEARCH"),
    ("FIND {acme} RETURNING Account(Name WHERE Name = )", "MALFORMED_SEARCH"),
    ("FIND {acme} RETURNING Account(Name) GARBAGE", "MALFORMED_SEARCH"),
    ("FIND {acme} RETURNING Account(COUNT(Id))", "MALFORMED_SEARCH"),
    ("FIND {acme} RETURNING Acount(Name)", "INVALID_TYPE"),
    ("FIND {acme} RETURNING Account(Nme)", "INVALID_FIELD"),
])
def test_sosl_errors(view, search, code):
    with pytest.raises(SalesforceError) as err:
        run_sosl(view, search, today=TODAY)
    assert err.value.error_code == code, err.value
