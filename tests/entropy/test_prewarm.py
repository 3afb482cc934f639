"""Prewarming the rot cache: worker processes fill it, a second prewarm only reads it, the orgs
and their current plans copy to another cache folder (as an image build does), and an assessment
on the copy (dated and undated tasks, the undated ones on today's wall clock) plans no rot."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

import entropy.episode_org as episode_org
from data.org.store import CACHE_ENV, build_org
from data.tasks import load_task_set
from entropy.prewarm import copy_prewarmed, prewarm_rot
from env.agents import make_agent
from env.config import AssessmentConfig
from env.runner import run_assessment

pytestmark = pytest.mark.slow


@pytest.fixture
def org_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder holding a copy of the built b2b org, so the rot entries land there."""
    info = build_org("b2b")
    cache = tmp_path / "orgs"
    cache.mkdir()
    for path in (info.path, info.path.with_suffix(".json")):
        shutil.copyfile(path, cache / path.name)
    monkeypatch.setenv(CACHE_ENV, str(cache))
    return cache


def _sample() -> list[str]:
    """Two undated tasks (routing: no date of their own) and two dated ones."""
    tasks = load_task_set("b2b")
    undated = [t.id for t in tasks if t.today is None and t.rot_targets][:2]
    dated = [t.id for t in tasks if t.today is not None and t.rot_targets][:2]
    assert len(undated) == 2 and len(dated) == 2
    return undated + dated


def test_prewarmed_plans_are_all_an_assessment_needs(org_cache: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    ids = _sample()
    first = prewarm_rot(["b2b"], ["medium"], workers=2, only=ids)
    assert (first.plans, first.planned, first.cached, first.unstored) == (4, 4, 0, 0)
    assert len(list((org_cache / "rot").rglob("*.json.gz"))) == 4
    again = prewarm_rot(["b2b"], ["medium"], workers=1, only=ids)
    assert (again.planned, again.cached) == (0, 4)

    stale = next((org_cache / "rot").iterdir()) / "1-0123456789abcdef"
    stale.mkdir()
    (stale / "old.json").write_text("{}", encoding="utf-8")
    image = org_cache.parent / "image-orgs"
    assert copy_prewarmed(["b2b"], image) == 4
    assert len(list(image.rglob("*.json.gz"))) == 4  # the plans, not the stale one
    assert len(list(image.glob("*.json"))) == 1  # the org's info
    monkeypatch.setenv(CACHE_ENV, str(image))
    episode_org._ROT_CACHE.clear()

    def no_planning(*args: object, **kwargs: object) -> None:
        raise AssertionError("rot planned at run time")

    monkeypatch.setattr(episode_org, "plan_rot_groups", no_planning)
    config = AssessmentConfig(task_ids=ids, drift_level="medium", rot_level="medium")
    results = asyncio.run(run_assessment(config, make_agent("oracle", drift="medium")))
    assert results.summary.environment_errors == 0
    assert results.summary.total_passed == 4
    assert all(t.rot == "medium" for t in results.tasks)


def test_prewarm_refuses_when_the_disk_cache_is_off(org_cache: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRMARENA_ROT_DISK_CACHE", "0")
    with pytest.raises(ValueError, match="rot cache is off"):
        prewarm_rot(["b2b"], ["low"], workers=1, only=_sample())
