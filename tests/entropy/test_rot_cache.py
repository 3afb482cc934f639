"""The on-disk cache of verified rot plans: a hit gives exactly the groups a fresh plan gives,
entries are written atomically next to the org file, and bad entries are misses."""

from __future__ import annotations

import shutil

import pytest

from data.org.store import load_org
from data.tasks import load_task_set
from entropy import episode_org, rot_cache
from entropy.episode_org import EpisodeOrgConfig, episode_rot
from entropy.rot import RotGroup
from sandbox_db.database import OrgDatabase


@pytest.fixture(scope="module")
def org_copy(tmp_path_factory: pytest.TempPathFactory) -> OrgDatabase:
    """The default b2b org copied to a temp folder, so the cache lands there."""
    base = load_org("b2b")
    path = tmp_path_factory.mktemp("orgs") / base.path.name
    shutil.copyfile(base.path, path)
    return OrgDatabase(base.schema, path)


def _task():
    return next(t for t in load_task_set("b2b") if t.reference is not None and t.rot_targets)


def _fresh(db: OrgDatabase, config: EpisodeOrgConfig, task,
           monkeypatch) -> episode_org._VerifiedRot:
    episode_org._ROT_CACHE.clear()
    with monkeypatch.context() as m:
        m.setenv(rot_cache.DISABLE_ENV, "0")
        return episode_rot(db, config, task)


def test_disk_hit_equals_fresh_plan(org_copy: OrgDatabase, monkeypatch) -> None:
    task = _task()
    config = EpisodeOrgConfig(org="b2b", rot="medium", seed=5)
    fresh = _fresh(org_copy, config, task, monkeypatch)
    assert fresh.kept, "the task's rot targets should give distractor rows"
    entries = org_copy.path.parent / "rot"
    assert not entries.exists()

    episode_org._ROT_CACHE.clear()
    stored = episode_rot(org_copy, config, task)  # computes and writes
    files = list(entries.rglob("*.json.gz"))
    assert len(files) == 1 and not list(entries.rglob("*.tmp*"))

    episode_org._ROT_CACHE.clear()
    loaded = episode_rot(org_copy, config, task)  # from disk
    assert loaded is not stored
    for result in (stored, loaded):
        assert rot_cache._same(result.kept, fresh.kept)
        assert rot_cache._same(result.dropped, fresh.dropped)

    other = EpisodeOrgConfig(org="b2b", rot="high", seed=5)
    episode_org._ROT_CACHE.clear()
    episode_rot(org_copy, other, task)
    assert len(list(entries.rglob("*.json.gz"))) == 2  # level is part of the key


def test_corrupt_entry_is_a_miss(org_copy: OrgDatabase, monkeypatch) -> None:
    task = _task()
    config = EpisodeOrgConfig(org="b2b", rot="low", seed=9)
    fresh = _fresh(org_copy, config, task, monkeypatch)
    path = episode_org.rot_entry_path(org_copy, config, task)
    assert path is not None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"kept": [{"target": 1}]', encoding="utf-8")
    assert rot_cache.load(path) is None
    episode_org._ROT_CACHE.clear()
    again = episode_rot(org_copy, config, task)
    assert rot_cache._same(again.kept, fresh.kept)
    assert rot_cache.load(path) is not None  # rewritten whole


def test_values_that_do_not_round_trip_are_not_stored(tmp_path) -> None:
    import datetime as dt
    import decimal

    path = tmp_path / "entry.json"
    ok = RotGroup(target=0, kind="namesake", rows={"Account": [
        {"Name": "Acme", "When": dt.datetime(2024, 5, 1, 9, 30, tzinfo=dt.UTC),
         "Day": dt.date(2024, 5, 1), "Amount": decimal.Decimal("1.50"), "N": 3, "F": 3.0,
         "Flag": True, "None": None}]})
    assert rot_cache.store(path, [ok], [])
    kept, dropped = rot_cache.load(path)
    assert rot_cache._same(kept, [ok]) and dropped == []
    bad = RotGroup(target=0, kind="namesake", rows={"Account": [{"Tags": {"a", "b"}}]})
    other = tmp_path / "other.json"
    assert not rot_cache.store(other, [bad], [])
    assert not other.exists()


def test_old_code_versions_are_pruned_and_nothing_else(tmp_path) -> None:
    import os

    stem = tmp_path / "rot" / "b2b-42-0123456789abcdef"
    versions = [stem / f"1-{i:016x}" for i in range(5)]
    for age, folder in enumerate(versions):
        folder.mkdir(parents=True)
        (folder / "a.json").write_text("{}", encoding="utf-8")
        os.utime(folder, (1_000_000 + age, 1_000_000 + age))
    unrelated = stem / "notes"
    unrelated.mkdir()
    (unrelated / "keep.json").write_text("{}", encoding="utf-8")
    current = versions[-1]
    rot_cache._pruned.discard(current)
    rot_cache._prune_stale(current)
    left = sorted(p.name for p in stem.iterdir())
    assert left == sorted([unrelated.name, *(v.name for v in versions[-3:])])
    assert (unrelated / "keep.json").exists()

    outside = tmp_path / "plain"
    (tmp_path / "sibling").mkdir()
    assert rot_cache.store(outside / "entry.json", [], [])
    assert (tmp_path / "sibling").exists()


def test_the_key_is_the_org_content_not_its_file_times(org_copy: OrgDatabase,
                                                       tmp_path) -> None:
    """Image layers keep whole seconds only: a plan stored before must be found after."""
    import os

    task = _task()
    config = EpisodeOrgConfig(org="b2b", rot="medium", seed=5)
    before = episode_org.rot_entry_path(org_copy, config, task)
    stat = org_copy.path.stat()
    os.utime(org_copy.path, ns=(stat.st_atime_ns, stat.st_mtime_ns // 10**9 * 10**9 - 10**9))
    assert episode_org.rot_entry_path(org_copy, config, task) == before

    moved = tmp_path / "elsewhere" / org_copy.path.name
    moved.parent.mkdir()
    shutil.copyfile(org_copy.path, moved)
    assert rot_cache.org_digest(moved) == rot_cache.org_digest(org_copy.path)

    changed = tmp_path / "changed" / org_copy.path.name
    changed.parent.mkdir()
    data = bytearray(org_copy.path.read_bytes())
    data[-1] ^= 0xFF  # same size, same times, other content
    changed.write_bytes(bytes(data))
    os.utime(changed, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert rot_cache.org_digest(changed) != rot_cache.org_digest(org_copy.path)


def test_a_stored_plan_is_used_after_the_file_times_change(org_copy: OrgDatabase,
                                                          monkeypatch) -> None:
    import os

    task = _task()
    config = EpisodeOrgConfig(org="b2b", rot="low", seed=11)
    episode_org._ROT_CACHE.clear()
    stored = episode_rot(org_copy, config, task)
    os.utime(org_copy.path, (1_700_000_000, 1_700_000_000))
    rot_cache._ORG_DIGESTS.clear()
    episode_org._ROT_CACHE.clear()

    def no_planning(*args, **kwargs):
        raise AssertionError("planned again although the plan is on disk")

    monkeypatch.setattr(episode_org, "plan_rot_groups", no_planning)
    again = episode_rot(org_copy, config, task)
    assert rot_cache._same(again.kept, stored.kept)


def test_an_undated_task_is_planned_without_the_wall_clock(org_copy: OrgDatabase) -> None:
    """An undated task's plan is keyed on no date, whatever day the episode runs: the date a
    plan uses is the config's override, else the task's own."""
    import datetime as dt

    undated = next(t for t in load_task_set("b2b") if t.today is None and t.rot_targets)
    config = EpisodeOrgConfig(org="b2b", rot="medium")
    path = episode_org.rot_entry_path(org_copy, config, undated)
    assert path is not None
    chosen = config.model_copy(update={"today": dt.date(2024, 6, 1)})
    assert episode_org.rot_entry_path(org_copy, chosen, undated) != path
