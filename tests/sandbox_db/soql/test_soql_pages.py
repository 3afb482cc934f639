"""run_soql_page: the rows after run_soql's first batch (what a query locator serves), checked
against DuckDB on the base tables; the query's own LIMIT and OFFSET bound every page."""

from __future__ import annotations

import datetime as dt

import pytest

from data.org.store import load_org
from sandbox_db.database import open_view
from sandbox_db.soql import run_soql, run_soql_page

TODAY = dt.date(2024, 9, 15)


@pytest.fixture(scope="module")
def org():
    db = load_org("b2b")
    view = open_view(db)
    yield db, view
    view.close()
    db.close()


def all_pages(view, query: str, size: int) -> list[dict]:
    first = run_soql(view, query, today=TODAY)
    records = list(first["records"])
    while len(records) < first["totalSize"]:
        page = run_soql_page(view, query, today=TODAY, start=len(records), size=size)
        assert page, "a page came back empty before the total was reached"
        records += page
    return records


def base_ids(db, sql: str) -> list[str]:
    cur = db.cursor()
    try:
        return [r[0] for r in cur.execute(sql.replace("{T}", db.base_table("EmailMessage")))
                .fetchall()]
    finally:
        cur.close()


@pytest.mark.parametrize("size", [2000, 700])
def test_pages_cover_the_whole_result_once_in_order(org, size):
    db, view = org
    ids = [r["Id"] for r in all_pages(view, "SELECT Id FROM EmailMessage", size)]
    assert ids == base_ids(db, "SELECT Id FROM {T} ORDER BY Id") and len(ids) > 4000


def test_pages_keep_the_query_limit_offset_and_order(org):
    db, view = org
    query = "SELECT Id FROM EmailMessage ORDER BY MessageDate DESC LIMIT 4500 OFFSET 100"
    ids = [r["Id"] for r in all_pages(view, query, 2000)]
    expected = base_ids(db, "SELECT Id FROM {T} ORDER BY MessageDate DESC NULLS LAST, Id "
                            "LIMIT 4500 OFFSET 100")
    assert ids == expected and len(ids) == 4500
    assert run_soql_page(view, query, today=TODAY, start=4500, size=2000) == []
    assert run_soql_page(view, query, today=TODAY, start=4400, size=2000) == \
        all_pages(view, query, 2000)[4400:]


def test_count_has_no_pages_and_children_are_filled(org):
    _, view = org
    assert run_soql_page(view, "SELECT COUNT() FROM EmailMessage", today=TODAY, start=0,
                         size=10) == []
    query = "SELECT Id, (SELECT Id FROM Cases) FROM Account ORDER BY Id"
    page = run_soql_page(view, query, today=TODAY, start=10, size=5)
    assert page == run_soql(view, query, today=TODAY)["records"][10:15]
