"""The README's Python API stays true: every listed import path imports, and every snippet runs
(in order, in one namespace, in a scratch folder)."""

from __future__ import annotations

import importlib
import re

import pytest

from tests.helpers import REPO

BEGIN, END = "<!-- python-api:begin -->", "<!-- python-api:end -->"


def _section() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return text[text.index(BEGIN):text.index(END)]


def _listed_paths() -> list[str]:
    rows = [line for line in _section().splitlines() if line.startswith("| ") and "`" in line]
    return [path for row in rows for path in re.findall(r"`([a-z_.]+\.[A-Za-z_]+)`", row)]


def test_the_section_lists_each_use():
    section = _section()
    for use in ("in-process agent", "run an assessment", "load an org", "build a task set"):
        assert use in section
    assert len(_listed_paths()) >= 15


@pytest.mark.parametrize("path", _listed_paths())
def test_every_listed_path_imports(path):
    module, _, name = path.rpartition(".")
    assert getattr(importlib.import_module(module), name) is not None


@pytest.mark.slow
def test_the_snippets_run(tmp_path, monkeypatch, capsys):
    snippets = re.findall(r"```python\n(.*?)```", _section(), re.DOTALL)
    assert len(snippets) == 4
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"__name__": "readme"}
    for snippet in snippets:
        exec(compile(snippet, "README.md", "exec"), namespace)  # noqa: S102 - our own README
    printed = capsys.readouterr().out.splitlines()
    total, pass_rate, code_hash = printed[0].split()
    assert total == "3" and 0 <= float(pass_rate) <= 1 and len(code_hash) == 16
    assert (tmp_path / "results" / "case-counter" / "results.json").is_file()
    assert int(printed[1]) > 0                       # cases counted on the drifted org
    assert printed[2].startswith("440 ") and "b2b-handle_time-001" in printed[2]
