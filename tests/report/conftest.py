"""Fixtures of the report tests: real assessments, made once per session."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers.report_assessments import make_assessments


@pytest.fixture(scope="session")
def assessments(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Folders: oracle, careless (medium drift/rot), careless_levels (none + high merged),
    hostile (one injected episode)."""
    return make_assessments(tmp_path_factory.mktemp("report-assessments"))


@pytest.fixture
def folder_copy(tmp_path: Path, assessments: dict[str, Path]) -> Callable[[str], Path]:
    """A private copy of one assessment folder, for tests that change it."""
    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(assessments[name], target)
        return target
    return copy
