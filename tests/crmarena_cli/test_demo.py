"""`crmarena demo`: green + oracle purple over real A2A, drift and rot on, results on disk."""

from __future__ import annotations

import io
import json
import time

import pytest
from rich.console import Console

from crmarena_cli import main

pytestmark = pytest.mark.slow


def test_demo_assesses_the_oracle_over_a2a_and_writes_results(tmp_path, monkeypatch):
    import crmarena_cli.demo

    output = io.StringIO()
    monkeypatch.setattr(crmarena_cli.demo, "Console", lambda: Console(file=output, width=160))
    out = tmp_path / "demo"
    started = time.monotonic()
    assert main(["demo", "--out", str(out), "--task-limit", "4"]) == 0
    assert time.monotonic() - started < 60
    results = json.loads((out / "results.json").read_text())
    assert results["summary"]["total_tasks"] == 4
    assert results["summary"]["total_passed"] == 4
    assert results["config"]["drift_level"] == results["config"]["rot_level"] == "medium"
    assert len({t["category"] for t in results["tasks"]}) == 4  # one task per category
    assert len(list((out / "logs").glob("*"))) == 4             # the episode logs came along
    printed = output.getvalue()
    assert "Oracle over A2A" in printed and "4/4 tasks passed" in printed
    assert str(out) in printed


def test_demo_on_a_fresh_task_seed(tmp_path, monkeypatch):
    import crmarena_cli.demo
    from tests.helpers.fresh_seeds import FRESH_SEEDS

    output = io.StringIO()
    monkeypatch.setattr(crmarena_cli.demo, "Console", lambda: Console(file=output, width=160))
    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out), "--task-limit", "3",
                 "--task-seed", str(FRESH_SEEDS[0])]) == 0
    results = json.loads((out / "results.json").read_text())
    assert results["summary"]["total_passed"] == 3
    assert results["task_set"]["public"] is False
    assert "Task set: fresh task set (seed commitment sha256:" in output.getvalue()


@pytest.mark.parametrize("value", ["tomorrow", "-4", "1e3"])
def test_demo_rejects_a_bad_task_seed_on_one_line(value, capsys):
    assert main(["demo", "--task-seed", value]) == 2
    printed = capsys.readouterr().err.strip()
    assert printed.startswith(f"crmarena demo: error: --task-seed {value}: ")
    assert 'task_seed must be a non-negative integer or "public"' in printed
    assert printed.count("\n") == 0
