"""`crmarena tasks prepare`: a fresh task seed's orgs and task sets built ahead of its
assessments (each org in its own process), then found in the cache."""

from __future__ import annotations

import re
import time

import pytest

from crmarena_cli import main
from data.tasks.seeded import SeededTaskSet
from tests.helpers.fresh_seeds import FRESH_SEEDS


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_prepare_builds_both_orgs_and_task_sets_then_hits_the_cache(capsys) -> None:
    seed = FRESH_SEEDS[1]
    assert main(["tasks", "prepare", "--task-seed", str(seed)]) == 0
    err = capsys.readouterr().err
    assert re.search(r"b2b: org and 440 tasks ready", err)
    assert re.search(r"b2c: org and 440 tasks ready", err)
    started = time.perf_counter()
    assert main(["tasks", "prepare", "--task-seed", str(seed), "--one-process"]) == 0
    assert time.perf_counter() - started < 10  # read back: no org, no category built again
    assert [len(SeededTaskSet(org, seed).tasks()) for org in ("b2b", "b2c")] == [440, 440]


def test_prepare_rejects_a_negative_seed(capsys) -> None:
    assert main(["tasks", "prepare", "--task-seed", "-1"]) == 2
    assert "--task-seed must be a non-negative integer" in capsys.readouterr().err
