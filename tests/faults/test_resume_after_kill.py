"""An assessment SIGKILLed mid-run and restarted on the same output folder: episodes that had
finished are neither lost nor re-run, and the final results.json covers every task once."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

import pytest

from a2a_app.local_server import BackgroundServer
from tests.helpers.resume import (
    TASKS,
    RecordingConversation,
    assert_resumed_without_loss_or_rerun,
    crmarena_process,
    finished_logs,
    recording_purple_app,
)

pytestmark = pytest.mark.slow


def _assess(purple_url: str, out: Path, log: Path):
    return crmarena_process(["assess", "--agent", purple_url, "--task-limit", str(TASKS),
                             "--concurrency", "2", "--turn-timeout", "30", "--out", str(out)],
                            log, NO_COLOR="1")


def test_killed_assessment_resumes_without_losing_or_rerunning_episodes(tmp_path: Path) -> None:
    out = tmp_path / "run"
    RecordingConversation.started = []
    with BackgroundServer(recording_purple_app) as purple:
        first = _assess(purple.url, out, tmp_path / "first.log")
        deadline = time.monotonic() + 90
        while len(finished_logs(out)) < 3 and first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        before = finished_logs(out)
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
    assert_resumed_without_loss_or_rerun(out, before, task_ids, started_first, started_second)
