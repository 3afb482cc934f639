"""Episode logs read back as they were written, whatever order a line's keys come in (a line
written by this code names its type first and is read without a second parse)."""

from __future__ import annotations

import json

import pytest

from env.agents import make_agent
from env.config import EpisodeConfig
from env.episode import run_episode
from env.log import EpisodeLog


async def test_lines_read_the_same_in_any_key_order(env_db, env_tasks, tmp_path) -> None:
    task = next(t for t in env_tasks if t.reference is not None)
    path = tmp_path / "episode.jsonl"
    await run_episode(task, make_agent("oracle", "low").session(task, 0), env_db,
                      EpisodeConfig(org="b2b", drift="low", rot="low"), log_path=path)
    written = path.read_text(encoding="utf-8")
    assert all(line.startswith('{"type":"') for line in written.splitlines())
    reordered = "\n".join(json.dumps(json.loads(line), sort_keys=True, indent=None)
                          for line in written.splitlines())
    assert not reordered.startswith('{"type"')
    assert EpisodeLog.parse(reordered) == EpisodeLog.parse(written) == EpisodeLog.read(path)
    assert len(EpisodeLog.parse(written).turns) >= 2


def test_a_line_of_no_known_type_is_named() -> None:
    with pytest.raises(ValueError, match="line 1: unknown record type 'note'"):
        EpisodeLog.parse('{"type":"note","text":"x"}')
    with pytest.raises(ValueError, match="line 1: unknown record type 'notes'"):
        EpisodeLog.parse('{"type":"notes"}')
