"""An assessment SIGKILLed mid-run and restarted on the same output folder: episodes that had
finished are neither lost nor re-run, and the final results.json covers every task once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from green.local_server import BackgroundServer
from purple.conversation_server import build_purple_app
from purple.reference import find_task, reference_conversation_factory

pytestmark = pytest.mark.slow

TASKS = 8
DELAY_S = 0.25


class RecordingConversation:
    """The oracle, slowed down, recording which task each new conversation is about."""

    started: list[str] = []

    def __init__(self) -> None:
        self._inner = reference_conversation_factory("oracle")()
        self._first = True

    async def reply(self, message: str):
        import asyncio

        if self._first:
            self._first = False
            RecordingConversation.started.append(find_task(message).id)
        await asyncio.sleep(DELAY_S)
        return await self._inner.reply(message)


def _assess(purple_url: str, out: Path, log: Path) -> subprocess.Popen:
    command = [sys.executable, "-c", "import sys; from crmarena_cli import main; sys.exit(main())",
               "assess", "--agent", purple_url, "--task-limit", str(TASKS), "--concurrency", "2",
               "--turn-timeout", "30", "--out", str(out)]
    return subprocess.Popen(command, stdout=log.open("w"), stderr=subprocess.STDOUT,
                            cwd=Path(__file__).resolve().parents[2], env={**os.environ,
                                                                          "NO_COLOR": "1"})


def _finished(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (out / "logs").glob("*.jsonl")} \
        if (out / "logs").is_dir() else {}


def test_killed_assessment_resumes_without_losing_or_rerunning_episodes(tmp_path: Path) -> None:
    out = tmp_path / "run"
    RecordingConversation.started = []
    with BackgroundServer(lambda url: build_purple_app(
            url, name="slow-oracle", description="slow oracle",
            new_conversation=RecordingConversation)) as purple:
        first = _assess(purple.url, out, tmp_path / "first.log")
        deadline = time.monotonic() + 90
        while len(_finished(out)) < 3 and first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        before = _finished(out)
        assert 3 <= len(before) < TASKS, (len(before), (tmp_path / "first.log").read_text()[-2000:])
        assert not (out / "results.json").exists()
        started_first = list(RecordingConversation.started)

        RecordingConversation.started = []
        second = _assess(purple.url, out, tmp_path / "second.log")
        assert second.wait(timeout=120) == 0, (tmp_path / "second.log").read_text()[-3000:]
        started_second = list(RecordingConversation.started)

    results = json.loads((out / "results.json").read_text())
    task_ids = [t["task_id"] for t in results["tasks"]]
    assert len(task_ids) == TASKS and len(set(task_ids)) == TASKS
    assert results["summary"]["total_passed"] == TASKS
    after = _finished(out)
    assert len(after) == TASKS
    assert all(after[name] == content for name, content in before.items())  # kept as they were
    finished_first = {json.loads(c.splitlines()[0])["task"]["id"] for c in before.values()}
    assert not finished_first & set(started_second), "finished episodes were re-run"
    assert set(started_second) | finished_first == set(task_ids)
    assert set(started_first) >= finished_first
    assert not list((out / "logs").glob("*.part"))
