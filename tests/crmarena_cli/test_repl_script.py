"""`crmarena repl -c ...` and `crmarena repl < script` as processes, compared with run_statement
on the same episode view."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from data.org.store import load_org
from entropy import build_view
from sandbox_db.soql import run_statement
from tests.helpers import REPO

TODAY = dt.date(2024, 6, 1)


def repl(*args: str, stdin: str | None = None, tmp: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CRMARENA_DATA_DIR": str(tmp), "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "crmarena_cli", "repl", *args], cwd=REPO,
                          input=stdin if stdin is not None else "", text=True,
                          capture_output=True, timeout=240, env=env)


def expected(queries: list[str], drift: str = "none", seed: int = 0) -> list[Any]:
    """What the agent's tools return for each query on the same episode view (JSON round trip)."""
    db = load_org("b2b")
    view = build_view(db, drift, "none", seed, today=TODAY)  # type: ignore[arg-type]
    try:
        return [json.loads(json.dumps(run_statement(view, q, today=TODAY), default=str))
                for q in queries]
    finally:
        view.close()
        db.close()


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("repl-data")


def test_dash_c_prints_the_agents_json_and_exits_1_on_error(data_dir: Path) -> None:
    queries = ["SELECT Id, Name, (SELECT Id, Subject FROM Cases LIMIT 2) FROM Account "
               "ORDER BY Name LIMIT 3",
               "SELECT Industry, COUNT(Id) n FROM Account GROUP BY Industry ORDER BY Industry"]
    out = repl("--today", TODAY.isoformat(), "--json", "-c", queries[0], "-c", queries[1],
               tmp=data_dir)
    assert out.returncode == 0, out.stderr
    assert [json.loads(line) for line in out.stdout.splitlines()] == expected(queries)
    assert "3 rows" in out.stderr  # the footer goes to stderr in JSON mode (stdout stays JSON)

    bad = repl("-c", "SELECT Nme FROM Account", tmp=data_dir)
    assert bad.returncode == 1
    error = json.loads(bad.stdout)
    assert error[0]["errorCode"] == "INVALID_FIELD"
    assert error[0]["message"].startswith("No such column 'Nme' on entity 'Account'.")


def test_stdin_script_under_drift_with_tables_meta_commands_and_errors(data_dir: Path) -> None:
    db = load_org("b2b")
    view = build_view(db, "medium", "none", 3, today=TODAY)
    _, field_map = view.base_names["Account"]
    view.close()
    db.close()
    renamed, base = next((v, b) for v, b in field_map.items() if v != b)
    queries = [f"SELECT Id, Name, {renamed} FROM Account ORDER BY Name LIMIT 4",
               "FIND {Copperleaf} RETURNING Account(Id, Name ORDER BY Name)"]
    script = (f"{queries[0]};\n.drift\n\n{queries[1]}\n\n"
              f"SELECT {base} FROM Account WHERE Name = 'x;y'\n")
    out = repl("--drift", "medium", "--seed", "3", "--today", TODAY.isoformat(), stdin=script,
               tmp=data_dir)
    assert out.returncode == 1, out.stderr  # the last statement fails
    soql, sosl = expected(queries, drift="medium", seed=3)
    text = out.stdout
    for record in soql["records"]:
        assert record["Id"] in text and record["Name"] in text
    assert renamed in text and f"{len(soql['records'])} rows" in text
    assert "field renames, drift medium seed 3" in text and base in text
    for record in sosl["searchRecords"]:
        assert record["Id"] in text
    # The base name is gone under drift: the agent's exact error, as JSON, as the last line.
    error = json.loads(text.strip().splitlines()[-1])
    assert error[0]["errorCode"] == "INVALID_FIELD" and f"'{base}'" in error[0]["message"]
