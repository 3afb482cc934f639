"""Concurrent assessments share one base OrgDatabase per org per process: each DuckDB instance
costs ~4-5 MB outside the Python heap, which made 64 concurrent assessments peak at ~860 MB."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from data.org.store import load_org, shared_org
from env.config import AssessmentConfig
from env.runner import load_databases
from sandbox_db.database import open_view


def test_assessments_share_one_database_per_org() -> None:
    config = AssessmentConfig(org_type="b2b")
    first, second = load_databases(config), load_databases(config)
    assert first["b2b"] is second["b2b"] is shared_org("b2b")
    assert load_org("b2b") is not shared_org("b2b")  # load_org still opens a private one


def test_shared_org_is_created_once_under_concurrent_first_use() -> None:
    with ThreadPoolExecutor(8) as pool:
        dbs = list(pool.map(lambda _: shared_org("b2c"), range(16)))
    assert all(db is dbs[0] for db in dbs)


def test_views_of_the_shared_database_query_concurrently() -> None:
    db = shared_org("b2b")

    def count(_: int) -> int:
        view = open_view(db)
        try:
            sql = f"SELECT count(*) FROM {db.base_table('Case')}"
            return view.cursor.execute(sql).fetchone()[0]
        finally:
            view.close()

    with ThreadPoolExecutor(8) as pool:
        counts = list(pool.map(count, range(32)))
    assert counts[0] > 0 and len(set(counts)) == 1
