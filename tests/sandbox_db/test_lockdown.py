"""The agent-facing connection is locked down: no files, no extensions, no settings, no writes."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from data.org.store import load_org
from sandbox_db.database import OrgDatabase, open_view
from sandbox_db.errors import SalesforceError


@pytest.fixture(scope="module")
def db() -> OrgDatabase:
    database = load_org("b2b")
    yield database
    database.close()


@pytest.fixture()
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.csv"
    path.write_text("a,b\n1,2\n")
    return path


def _refused(db: OrgDatabase, sql: str) -> None:
    cur = db.cursor()
    try:
        with pytest.raises(duckdb.Error):
            cur.execute(sql).fetchall()
    finally:
        cur.close()


def test_queries_on_the_org_work(db: OrgDatabase) -> None:
    cur = db.cursor()
    assert cur.execute('SELECT count(*) FROM org.main."Case"').fetchone()[0] > 100


@pytest.mark.parametrize("template", [
    "SELECT * FROM read_csv('{p}')",
    "SELECT * FROM read_csv_auto('{p}')",
    "SELECT * FROM '{p}'",
    "SELECT content FROM read_text('{p}')",
    "SELECT content FROM read_blob('{p}')",
    "SELECT * FROM read_parquet('{p}')",
    "SELECT * FROM glob('{d}/*')",
])
def test_file_reads_are_refused(db: OrgDatabase, secret: Path, template: str) -> None:
    _refused(db, template.format(p=secret, d=secret.parent))


def test_attach_of_a_file_is_refused(db: OrgDatabase, tmp_path: Path) -> None:
    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).close()
    _refused(db, f"ATTACH '{other}' AS other")
    _refused(db, f"ATTACH '{tmp_path / 'new.duckdb'}' AS fresh")
    assert not (tmp_path / "new.duckdb").exists()


@pytest.mark.parametrize("sql", ["INSTALL httpfs", "LOAD httpfs", "INSTALL icu",
                                 "FORCE INSTALL json"])
def test_extension_install_and_load_are_refused(db: OrgDatabase, sql: str) -> None:
    _refused(db, sql)


@pytest.mark.parametrize("sql", [
    "SET enable_external_access = true", "SET memory_limit = '64GB'", "SET threads = 64",
    "RESET lock_configuration", "SET lock_configuration = false",
    "PRAGMA enable_profiling", "SET allow_community_extensions = true",
])
def test_configuration_is_locked(db: OrgDatabase, sql: str) -> None:
    _refused(db, sql)
    assert db.cursor().execute("SELECT current_setting('enable_external_access')").fetchone() == \
        (False,)


def test_copy_is_refused(db: OrgDatabase, tmp_path: Path, secret: Path) -> None:
    out = tmp_path / "dump.csv"
    _refused(db, f"COPY org.main.Account TO '{out}'")
    _refused(db, f"COPY (SELECT 1) TO '{out}' (FORMAT parquet)")
    _refused(db, f"EXPORT DATABASE '{tmp_path / 'exp'}'")
    assert not out.exists() and not (tmp_path / "exp").exists()
    cur = db.cursor()
    cur.execute("CREATE TEMP TABLE t (a VARCHAR, b VARCHAR)")
    with pytest.raises(duckdb.Error):
        cur.execute(f"COPY t FROM '{secret}'")


@pytest.mark.parametrize("sql", [
    "INSERT INTO org.main.Account (Id, Name) VALUES ('001Wt00000ZZZZZAAA', 'x')",
    "UPDATE org.main.Account SET Name = 'x'",
    "DELETE FROM org.main.Account",
    "CREATE TABLE org.main.Evil (a INT)",
    "DROP TABLE org.main.Account",
    "ALTER TABLE org.main.Account ADD COLUMN x INT",
    "CREATE VIEW org.main.v AS SELECT 1",
])
def test_writes_to_the_org_are_refused(db: OrgDatabase, sql: str) -> None:
    before = db.cursor().execute("SELECT count(*), min(Name) FROM org.main.Account").fetchone()
    _refused(db, sql)
    assert db.cursor().execute("SELECT count(*), min(Name) FROM org.main.Account").fetchone() == \
        before


@pytest.mark.parametrize("sql", [
    "DELETE FROM org.main.Account", "SELECT 1; SELECT 2", "PRAGMA version",
    "CALL pragma_version()", "DETACH org", "USE org", "CHECKPOINT",
])
def test_views_only_run_one_select(db: OrgDatabase, sql: str) -> None:
    with open_view(db) as view:
        with pytest.raises(SalesforceError):
            view.execute(sql)
        cols, rows = view.execute(f"SELECT count(*) AS n FROM {view.table('Account')}")
        assert cols == ["n"] and rows[0][0] > 0
