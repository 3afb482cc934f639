"""Fixtures of the entropy tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.helpers.entropy_org import make_org


@pytest.fixture(scope="module")
def b2b_org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, ...]]:
    """A sample b2b org on disk: (schema, records, OrgDatabase), one per test module."""
    schema, data, db = make_org(tmp_path_factory.mktemp("entropy-b2b"), "b2b")
    yield schema, data, db
    db.close()
