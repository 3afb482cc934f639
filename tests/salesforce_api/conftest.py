"""Fixtures of the sandbox REST API tests: a shared sandbox, and one per test whose clock moves."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from salesforce_api.server import Sandbox
from tests.helpers.sandbox import ManualClock, start_sandbox


@pytest.fixture(scope="session")
def sandbox_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sandbox")


@pytest.fixture(scope="session")
def sandbox(sandbox_root: Path) -> Iterator[Sandbox]:
    """The shared sandbox (b2b, no entropy, today 2024-06-01); its clock is never moved."""
    sb = start_sandbox(sandbox_root / "shared")
    try:
        yield sb
    finally:
        sb.shutdown()


@pytest.fixture
def expiring(tmp_path: Path) -> Iterator[tuple[Sandbox, ManualClock]]:
    """A sandbox of the test's own, with a clock the test moves."""
    clock = ManualClock()
    sb = start_sandbox(tmp_path, clock)
    try:
        yield sb, clock
    finally:
        sb.shutdown()
