"""Fixtures of the task tests."""

from __future__ import annotations

import pytest

from data.org.store import load_org
from data.tasks.build import read_org_data
from data.tasks.registry import CATEGORY_REGISTRY, category
from sandbox_db.database import OrgDatabase, write_org_file
from sandbox_db.schema import load_schema
from tests.helpers.tasks import ORGS


@pytest.fixture(scope="module")
def base_db() -> dict[str, OrgDatabase]:
    """Each base org's database, loaded once per module."""
    return {org: load_org(org) for org in ORGS}


@pytest.fixture(scope="module")
def tiny_org(tmp_path_factory):
    """A real DuckDB org with the b2b schema and five users only: the task framework's tests
    build throwaway categories on it without the org generator."""
    schema = load_schema("b2b")
    users = [{"Id": f"005Wt00000{i:03d}AAAAAAA"[:18], "Name": f"Agent {i}"} for i in range(5)]
    path = tmp_path_factory.mktemp("org") / "tiny.duckdb"
    write_org_file(path, schema, {"User": users})
    db = OrgDatabase(schema, path)
    yield db, read_org_data(db)
    db.close()


@pytest.fixture
def temp_categories():
    """Register categories for one test, removed afterwards (the registry is process-wide)."""
    added: list[str] = []

    def add(name, gen, orgs=("b2b",)):
        category(name, orgs=orgs)(gen)
        added.append(name)
    yield add
    for name in added:
        CATEGORY_REGISTRY.pop(name, None)
