"""Checks shared by the three task-category test modules (tests/data/tasks/test_tasks_service,
test_tasks_sales, test_tasks_text): each builds its own categories on both base orgs and holds
them to the same count, reproducibility and needs-a-query checks, so those live here once
(the `base_db` fixture is in tests/data/tasks/conftest.py)."""

from __future__ import annotations

import pytest

from data.tasks.build import BuildReport, build_task_set

PER_CATEGORY = 20
ORGS = ("b2b", "b2c")


def built_fixture(categories: tuple[str, ...]):
    """A module-scoped fixture, one param per base org, giving (org, tasks, build report) for
    `categories`; assign it to the name `built` in the test module."""

    @pytest.fixture(scope="module", params=ORGS)
    def built(request):
        org = request.param
        report = BuildReport()
        tasks = build_task_set(org, per_category=PER_CATEGORY, categories=categories,
                               report=report)
        return org, tasks, report

    return built


def by_category(tasks):
    out = {}
    for t in tasks:
        out.setdefault(t.category, []).append(t)
    return out


def assert_full_count_without_errors(built, categories: tuple[str, ...]) -> None:
    """Every category built its full quota, nothing failed or fell short, and ids are unique."""
    org, tasks, report = built
    assert report.errors == {} and report.short == {}, org
    counts = {c: len(ts) for c, ts in by_category(tasks).items()}
    assert counts == {c: PER_CATEGORY for c in categories}, org
    assert len({t.id for t in tasks}) == len(tasks)


def assert_build_is_reproducible(built, categories: tuple[str, ...]) -> None:
    org, tasks, _ = built
    assert build_task_set(org, per_category=PER_CATEGORY, categories=categories) == tasks


def assert_every_task_needs_a_query(tasks) -> None:
    """No task can be answered without querying the org (its reference runs SOQL)."""
    for t in tasks:
        assert any(s.name == "soql_query" for s in t.reference.steps), t.id
