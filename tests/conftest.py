"""Fixtures shared by more than one test folder (each folder's conftest.py holds its own).
Helpers that are not fixtures live in tests/helpers/."""

from __future__ import annotations

from typing import Any

import pytest

from data.tasks.model import Task
from sandbox_db.database import OrgDatabase
from tests.helpers.env_org import make_db, make_tasks

#: One org and task list for the whole session (entropy caches its verified rot rows per org
#: file, so sharing keeps tests fast).
_SHARED: dict[str, Any] = {}


@pytest.fixture(scope="session")
def env_db(tmp_path_factory: pytest.TempPathFactory) -> OrgDatabase:
    """A small real org (sample_org) in DuckDB, for the env and CLI tests."""
    if "db" not in _SHARED:
        _SHARED["db"] = make_db(tmp_path_factory.mktemp("env-org") / "org.duckdb")
    return _SHARED["db"]


@pytest.fixture(scope="session")
def env_tasks(env_db: OrgDatabase) -> list[Task]:
    """Hand-made tasks on env_db whose gold answers come from their reference solutions."""
    if "tasks" not in _SHARED:
        _SHARED["tasks"] = make_tasks(env_db)
    return _SHARED["tasks"]
