"""`crmarena org info|build`, `crmarena describe`, `crmarena export-db`, run as a user would."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from crmarena_cli import main
from crmarena_cli import org as org_cli
from crmarena_cli.command import UsageError
from data.org.store import build_org, load_org
from sandbox_db.schema import load_schema
from tests.helpers import REPO


def crmarena(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os
    return subprocess.run([sys.executable, "-m", "crmarena_cli", *args], cwd=REPO, text=True,
                          capture_output=True, timeout=180, env={**os.environ, **(env or {}),
                                                                 "COLUMNS": "120"})


def run_in_process(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """The same entry point without process start-up (the CLI imports every subsystem)."""
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_org_info_reports_the_version_and_counts(capsys: pytest.CaptureFixture[str]) -> None:
    info = build_org("b2b")
    out = crmarena("org", "info", "--org", "b2b", "--json")
    assert out.returncode == 0, out.stderr
    reported = json.loads(out.stdout)
    assert reported["version"] == info.version and reported["counts"] == info.counts
    code, text, _ = run_in_process(capsys, "org", "info", "--org", "b2b")
    assert code == 0 and info.version in text and "Opportunity" in text


def test_describe_global_and_object(capsys: pytest.CaptureFixture[str]) -> None:
    out = crmarena("describe", "Case")
    assert out.returncode == 0, out.stderr
    case = json.loads(out.stdout)
    assert case["keyPrefix"] == "500"
    account_id = next(f for f in case["fields"] if f["name"] == "AccountId")
    assert account_id["referenceTo"] == ["Account"] and account_id["relationshipName"] == "Account"
    code, text, _ = run_in_process(capsys, "describe", "--org", "b2c")
    assert code == 0
    assert [o["name"] for o in json.loads(text)["sobjects"]] == load_schema("b2c").object_names
    code, text, _ = run_in_process(capsys, "describe", "--org", "b2c", "account")
    assert code == 0 and "PersonEmail" in [f["name"] for f in json.loads(text)["fields"]]


def test_describe_unknown_object_fails_with_a_salesforce_error(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_in_process(capsys, "describe", "Opportunityy")
    assert code == 1 and out == ""
    assert json.loads(err)[0]["errorCode"] == "INVALID_TYPE"


def test_export_db_writes_the_org_to_a_plain_duckdb_file(tmp_path: Path) -> None:
    path = tmp_path / "b2b.duckdb"
    out = crmarena("export-db", "--org", "b2b", str(path))
    assert out.returncode == 0, out.stderr
    info = build_org("b2b")
    schema = load_schema("b2b")
    con = duckdb.connect(str(path))  # a stock, writable DuckDB connection
    try:
        tables = {t for (t,) in con.execute("SELECT table_name FROM information_schema.tables")
                  .fetchall()}
        assert tables == set(schema.object_names)
        for obj in schema.objects:
            cols = [c for (c,) in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                "ORDER BY ordinal_position", [obj.name]).fetchall()]
            assert cols == obj.field_names
            n = con.execute(f'SELECT count(*) FROM "{obj.name}"').fetchone()[0]
            assert n == info.counts[obj.name], obj.name
        assert con.execute('SELECT count(*) FROM "Case" c JOIN Account a ON a.Id = c.AccountId'
                           ).fetchone()[0] == info.counts["Case"]
    finally:
        con.close()


def test_export_db_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "keep.duckdb"
    path.write_bytes(b"precious")
    code, _, err = run_in_process(capsys, "export-db", "--org", "b2b", str(path))
    assert code == 2 and "--force" in err and path.read_bytes() == b"precious"


def test_plain_view_factory_refuses_entropy_levels() -> None:
    """Without the entropy package, export-db can only export the undrifted, unrotted org."""
    db = load_org("b2b")
    try:
        with pytest.raises(UsageError, match="only 'none'"):
            org_cli._plain_view(db, "low", "none", 42)
        with org_cli._plain_view(db, "none", "none", 42) as view:
            assert view.schema == db.schema
    finally:
        db.close()


def test_org_build_imports_a_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "export"
    source.mkdir()
    (source / "Account.csv").write_text("Id,Name\n001Wt00000ABCDEAAA,Acme Corp\n")
    monkeypatch.setenv("CRMARENA_CACHE_DIR", str(tmp_path / "cache"))
    code, out, _ = run_in_process(capsys, "org", "build", "--org", "b2b", "--source", str(source))
    assert code == 0 and "b2b-import-" in out and "built" in out
    code, out, _ = run_in_process(capsys, "org", "build", "--org", "b2b", "--source", str(source))
    assert code == 0 and "already cached" in out
    code, _, err = run_in_process(capsys, "org", "build", "--org", "b2b", "--source",
                                  str(tmp_path / "nope"))
    assert code == 2 and "not a directory" in err
