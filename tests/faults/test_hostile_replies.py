"""Replies no honest agent sends, straight into the episode loop: each episode ends with a
log that round-trips and a failed score; none raises, and none stalls the event loop that all
concurrent episodes share (token counting and parsing stay bounded)."""

from __future__ import annotations

import asyncio
import json
import time

import pytest

from data.org.store import load_org
from env.config import EpisodeConfig
from env.episode import run_episode
from env.log import EpisodeLog

SQL = "soql_query"


def _call(name: str, **arguments) -> dict:
    return {"name": name, "arguments": arguments}


HOSTILE_REPLIES = {
    "huge-5mb-word": "x" * (5 * 1024 * 1024),
    "huge-5mb-prose": "lorem ipsum dolor sit amet " * 200_000,
    "long-word-20k": "y" * 20_000,
    "punctuation-run-50k": "!?" * 25_000,
    "whitespace-1mb": " \t\n" * 350_000,
    "lone-surrogate-text": "\ud800 hello \udfff",
    "lone-surrogate-in-query": _call(SQL, query="SELECT Id FROM Case WHERE Subject = '\ud800'"),
    "lone-surrogate-tool-name": _call("soql\udc00query", query="SELECT Id FROM Case"),
    "nul-bytes": "\x00" * 1000,
    "json-text-deeply-nested": "[" * 100_000 + "]" * 100_000,
    "json-text-huge-number":
        '{"name": "submit_answer", "arguments": {"answer": [' + "9" * 100_000 + "]}}",
    "dict-deeply-nested-arguments": _call(SQL, query={"a": [[[[[[[[[[{}]]]]]]]]]]}),
    "dict-huge-argument":
        _call(SQL, query="SELECT Id FROM Case WHERE Subject = '" + "z" * 2_000_000 + "'"),
    "dict-many-keys": {f"k{i}": i for i in range(50_000)},
    "dict-non-string-name": {"name": 12, "arguments": []},
    "dict-extra-tool-calls": {"name": SQL, "arguments": {"query": "SELECT Id FROM Case LIMIT 1"},
                              "tool_calls": [_call("submit_answer", answer=["x"])] * 1000},
    "markdown-fenced-many-calls": "```json\n" + "\n".join(
        '{"name": "soql_query", "arguments": {"query": "SELECT Id FROM Case"}}'
        for _ in range(5_000)) + "\n```",
    "submit-non-string-answers": _call("submit_answer", answer=[{"$gt": ""}, 1, None]),
    "submit-huge-answer": _call("submit_answer", answer=["a" * 1_000_000]),
    "submit-100k-answers": _call("submit_answer", answer=[str(i) for i in range(100_000)]),
}


class ScriptedSession:
    def __init__(self, reply) -> None:
        self.reply = reply

    async def act(self, message: str):
        return self.reply

    async def close(self) -> None:
        return None


@pytest.fixture(scope="module")
def db():
    return load_org("b2b")


@pytest.fixture(scope="module")
def task():
    from data.tasks import load_task_set

    return load_task_set("b2b")[0]


async def _ticker(stop: asyncio.Event, gaps: list[float]) -> None:
    """Measures how long the event loop was blocked between 10 ms ticks."""
    last = time.perf_counter()
    while not stop.is_set():
        await asyncio.sleep(0.01)
        now = time.perf_counter()
        gaps.append(now - last)
        last = now


#: Replies holding lone surrogates (only an in-process agent can send them: over A2A protobuf's
#: UTF-8 check rejects them first). Not text, so each turn is a format error, and the log records
#: the reply with every surrogate written as the text "\\udXXX".
LONE_SURROGATES = {"lone-surrogate-text", "lone-surrogate-in-query", "lone-surrogate-tool-name"}


@pytest.mark.parametrize("reply", [pytest.param(r, id=n) for n, r in HOSTILE_REPLIES.items()])
async def test_hostile_reply_is_scored_not_fatal(db, task, tmp_path, reply) -> None:
    stop, gaps = asyncio.Event(), []
    ticker = asyncio.create_task(_ticker(stop, gaps))
    started = time.perf_counter()
    log_path = tmp_path / "episode.jsonl"
    try:
        result = await run_episode(task, ScriptedSession(reply), db,
                                   EpisodeConfig(org="b2b", max_steps=2, timeout_s=30),
                                   log_path=log_path)
    finally:
        stop.set()
        await ticker
    assert not result.passed
    assert result.termination in {"max_steps", "submitted"}
    episode = EpisodeLog.read(log_path)
    assert episode.end is not None and episode.end.termination == result.termination
    assert time.perf_counter() - started < 20
    assert max(gaps, default=0) < 5.0, f"event loop blocked {max(gaps):.1f}s"


@pytest.mark.parametrize("name", sorted(LONE_SURROGATES))
async def test_lone_surrogates_are_format_errors_logged_escaped(db, task, tmp_path, name) -> None:
    reply = HOSTILE_REPLIES[name]
    log_path = tmp_path / "episode.jsonl"
    result = await run_episode(task, ScriptedSession(reply), db,
                               EpisodeConfig(org="b2b", max_steps=2, timeout_s=30),
                               log_path=log_path)
    assert result.termination == "max_steps" and not result.passed
    raw = log_path.read_bytes().decode("utf-8")  # strict: the file is valid UTF-8
    episode = EpisodeLog.parse(raw)
    assert [t.error_kind for t in episode.turns] == ["format", "format"]
    # What the agent sent, each surrogate as the six characters of its escape ("\\ud800").
    expected = json.loads(json.dumps(reply).replace("\\ud", "\\\\ud"))
    assert episode.turns[0].reply == expected


async def test_surrogate_json_escape_in_text_is_a_format_error(db, task, tmp_path) -> None:
    """Pure-ASCII text whose JSON decodes to a lone surrogate is caught after parsing."""
    reply = ('{"name": "soql_query", "arguments": '
             '{"query": "SELECT Id FROM Case WHERE Subject = \'\\ud800\'"}}')
    log_path = tmp_path / "episode.jsonl"
    result = await run_episode(task, ScriptedSession(reply), db,
                               EpisodeConfig(org="b2b", max_steps=1, timeout_s=30),
                               log_path=log_path)
    episode = EpisodeLog.read(log_path)
    assert result.termination == "max_steps"
    assert episode.turns[0].error_kind == "format" and episode.turns[0].reply == reply
