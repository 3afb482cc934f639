"""`crmarena soql`: JSON result on stdout and exit 0, or the error JSON and exit 1."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from crmarena_cli import main
from tests.helpers import REPO


def test_soql_command_prints_result(capsys):
    code = main(["soql", "--org", "b2b", "--today", "2024-06-12", "--compact",
                 "SELECT Status, COUNT(Id) FROM Case GROUP BY Status ORDER BY Status"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["done"] is True
    assert out["records"][0]["attributes"] == {"type": "AggregateResult"}
    assert sum(r["expr0"] for r in out["records"]) == json.loads(_run(
        capsys, ["soql", "--org", "b2b", "SELECT COUNT() FROM Case"]))["totalSize"]


def test_sosl_via_find(capsys):
    code = main(["soql", "--org", "b2c", "FIND {refund*} RETURNING Case(Subject) LIMIT 2"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and len(out["searchRecords"]) <= 2


def test_soql_command_error_exit_1(capsys):
    code = main(["soql", "SELECT Id FROM Acount"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1 and out[0]["errorCode"] == "INVALID_TYPE"


def _run(capsys, argv):
    assert main(argv) == 0
    return capsys.readouterr().out


@pytest.mark.slow
def test_bench_script_runs_and_reports_percentiles():
    root = REPO
    out = subprocess.run([sys.executable, str(root / "bench" / "soql.py"), "--rounds", "1",
                          "--json"], capture_output=True, text=True, timeout=300, cwd=root,
                         check=True).stdout
    report = json.loads(out)
    for kind in ("cold", "cached", "raw"):
        assert report["summary"][kind]["p50_ms"] > 0
    assert report["summary"]["ratio"]["cached_over_raw_p50"] > 0
    assert len(report["queries"]) >= 10
