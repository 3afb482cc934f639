"""Fixtures of the task tests."""

from __future__ import annotations

import pytest

from data.org.store import load_org
from sandbox_db.database import OrgDatabase
from tests.helpers.tasks import ORGS


@pytest.fixture(scope="module")
def base_db() -> dict[str, OrgDatabase]:
    """Each base org's database, loaded once per module."""
    return {org: load_org(org) for org in ORGS}
