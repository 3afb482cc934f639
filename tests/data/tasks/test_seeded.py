"""Task sets by seed: ids before building, per-category builds cached by content, errors that
name the category. Seed 42 built fresh must reproduce the committed public set."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import time
from pathlib import Path

import pytest

import data.tasks.seeded as seeded
import data.tasks.taskset_cache as cache
from core.tool_call import ToolCall
from data.tasks.build import applicable_categories
from data.tasks.model import ReferenceSolution
from data.tasks.registry import CATEGORY_REGISTRY, TaskDraft, category, derivation
from data.tasks.seeded import SeededTaskSet, TaskSetError
from data.tasks.taskset import load_task_set

TWO = ["handle_time", "quote_approval"]


@derivation("_seeded_test_label")
def _label(results, params):
    return [{f["name"]: f["label"] for f in results[0]["fields"]}["Status"]]


def _draft(n: int) -> TaskDraft:
    return TaskDraft(query=f"question {n}", today=dt.date(2023, 5, 1), reference=ReferenceSolution(
        steps=(ToolCall(name="describe", arguments={"object": "Case"}),),
        derivation="_seeded_test_label"))


@pytest.fixture
def temp_category():
    added: list[str] = []

    def add(name, gen):
        category(name, orgs=("b2b",))(gen)
        added.append(name)
    yield add
    for name in added:
        CATEGORY_REGISTRY.pop(name, None)


def test_refs_name_every_task_of_a_fresh_set_before_it_is_built(tmp_path) -> None:
    task_set = SeededTaskSet("b2b", 42, per_category=3, cache_dir=tmp_path)
    refs = task_set.refs()
    names = [s.name for s in applicable_categories("b2b")]
    assert len(refs) == 3 * len(names) and {r.category for r in refs} == set(names)
    assert list(tmp_path.iterdir()) == []  # nothing built
    built = task_set.tasks(TWO)
    assert [t.id for t in built] == [r.id for r in refs if r.category in TWO]


def test_seed_42_built_fresh_reproduces_the_public_set(tmp_path) -> None:
    fresh = SeededTaskSet("b2b", 42, cache_dir=tmp_path).tasks(TWO)
    public = SeededTaskSet("b2b", None).tasks(TWO)
    assert public == [t for t in load_task_set("b2b") if t.category in TWO]
    assert fresh == public and len(fresh) == 40


def test_a_second_build_reads_the_cache(tmp_path, monkeypatch) -> None:
    task_set = SeededTaskSet("b2b", 42, per_category=4, cache_dir=tmp_path)
    first = task_set.tasks(TWO)
    entries = sorted(p.name for p in cache.seed_dir("b2b", 42, tmp_path).iterdir())
    assert [e.split("-")[0] for e in entries] == TWO

    def no_build(*args, **kwargs):
        raise AssertionError("built again")
    monkeypatch.setattr(seeded, "build_task_set", no_build)
    started = time.perf_counter()
    again = task_set.tasks(TWO)
    assert again == first
    assert time.perf_counter() - started < 1.0
    # another tasks-per-category count is another key: built, not read
    with pytest.raises(AssertionError, match="built again"):
        SeededTaskSet("b2b", 42, per_category=5, cache_dir=tmp_path).tasks(TWO[:1])


def test_an_unreadable_or_foreign_entry_is_a_miss(tmp_path) -> None:
    task_set = SeededTaskSet("b2b", 42, per_category=2, cache_dir=tmp_path)
    first = task_set.tasks(TWO[:1])
    (entry,) = cache.seed_dir("b2b", 42, tmp_path).iterdir()
    key = entry.stem.split("-", 1)[1]
    entry.write_text(entry.read_text()[:100])
    assert cache.load(entry, key) is None
    assert task_set.tasks(TWO[:1]) == first  # rebuilt and rewritten
    assert cache.load(entry, key) == first
    assert cache.load(entry, "0" * len(key)) is None


def test_the_cache_key_changes_when_the_generator_source_changes(tmp_path) -> None:
    copy = tmp_path / "tasks"
    shutil.copytree(Path(cache.SOURCE_ROOTS[0]), copy,
                    ignore=shutil.ignore_patterns("__pycache__"))
    before = cache.source_digest([copy])
    assert cache.source_digest([copy]) == before  # content, not time: touching changes nothing
    (copy / "categories" / "handle_time.py").touch()
    assert cache.source_digest([copy]) == before
    with (copy / "categories" / "handle_time.py").open("a") as fh:
        fh.write("\n# a change\n")
    after = cache.source_digest([copy])
    assert after != before
    key = cache.entry_key("b2b", 7, "handle_time", 20, "f" * 64, code=before)
    assert cache.entry_key("b2b", 7, "handle_time", 20, "f" * 64, code=after) != key
    assert cache.generator_version(20, before) != cache.generator_version(20, after)
    # and every other input of the key
    assert len({key, cache.entry_key("b2b", 8, "handle_time", 20, "f" * 64, code=before),
                cache.entry_key("b2c", 7, "handle_time", 20, "f" * 64, code=before),
                cache.entry_key("b2b", 7, "top_issue", 20, "f" * 64, code=before),
                cache.entry_key("b2b", 7, "handle_time", 19, "f" * 64, code=before),
                cache.entry_key("b2b", 7, "handle_time", 20, "e" * 64, code=before)}) == 6
    # the checkout's own digest covers the categories, the SQL engine and the schemas
    roots = {p.name for p in cache.SOURCE_ROOTS}
    assert {"tasks", "sandbox_db", "core", "schemas"} <= roots


def test_a_category_that_cannot_be_generated_in_full_is_an_error_naming_it(
        tmp_path, temp_category) -> None:
    temp_category("_seeded_short", lambda ctx: iter([_draft(1)]))
    temp_category("_seeded_broken", lambda ctx: (_ for _ in ()).throw(KeyError("no leads")))
    task_set = SeededTaskSet("b2b", 42, per_category=2, cache_dir=tmp_path)
    with pytest.raises(TaskSetError) as caught:
        task_set.tasks(["_seeded_short"])
    assert "b2b" in str(caught.value) and "_seeded_short: only 1 of 2 tasks" in str(caught.value)
    with pytest.raises(TaskSetError, match="_seeded_broken: KeyError"):
        task_set.tasks(["_seeded_broken", "_seeded_short"])
    assert not cache.seed_dir("b2b", 42, tmp_path).exists()  # nothing half-built was kept
    with pytest.raises(ValueError, match="unknown task categories: nope"):
        task_set.tasks(["nope"])


def test_versions_name_no_seed() -> None:
    public, fresh = SeededTaskSet("b2b", None), SeededTaskSet("b2b", 42)
    assert public.version().startswith("public-") and fresh.version().startswith("gen-")
    assert public.org_version() == fresh.org_version()  # the same org, seed 42
    assert re.fullmatch(r"b2b-g\w+-[0-9a-f]{12}", public.org_version())
    assert public.org_seed == fresh.org_seed == 42 and public.public and not fresh.public
