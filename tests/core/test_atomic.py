"""core.atomic: readers never see a half-written file; a failed write leaves the old one."""

from __future__ import annotations

import os
import stat
import threading

import pytest

from core.atomic import atomic_path, atomic_write


def test_write_replaces_the_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "sub" / "results.json"
    atomic_write(target, "one")
    atomic_write(target, b"two")
    assert target.read_text() == "two"
    assert [p.name for p in target.parent.iterdir()] == ["results.json"]


def test_a_failed_write_keeps_the_old_content(tmp_path):
    target = tmp_path / "org.duckdb"
    atomic_write(target, "old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("crashed mid-write")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["org.duckdb"]


def test_private_files_are_never_readable_by_others(tmp_path):
    target = tmp_path / "key.pem"
    atomic_write(target, b"secret", private=True)
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600


def test_concurrent_writers_of_one_file_never_interleave(tmp_path):
    target = tmp_path / "run.json"
    texts = [str(n) * 200_000 for n in range(8)]
    seen: list[str] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            if target.exists():
                seen.append(target.read_text())

    reader = threading.Thread(target=read)
    reader.start()
    writers = [threading.Thread(target=atomic_write, args=(target, text)) for text in texts]
    for w in writers:
        w.start()
    for w in writers:
        w.join()
    stop.set()
    reader.join()
    assert target.read_text() in texts
    assert all(s in texts for s in seen)
    assert [p.name for p in tmp_path.iterdir()] == ["run.json"]
