"""Helpers shared by the two kill-and-resume fault tests (test_resume_after_kill for `crmarena
assess`, test_green_resume for `crmarena serve`): a slow recording oracle, the CLI as a real
process, and the check that a resumed run neither lost nor re-ran finished episodes."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

from purple.conversation_server import build_purple_app
from purple.reference import find_task, reference_conversation_factory
from tests.helpers import REPO

TASKS = 8
DELAY_S = 0.25
ROOT = REPO


class RecordingConversation:
    """The oracle, slowed down, recording which task each new conversation is about."""

    started: list[str] = []

    def __init__(self) -> None:
        self._inner = reference_conversation_factory("oracle")()
        self._first = True

    async def reply(self, message: str):
        if self._first:
            self._first = False
            RecordingConversation.started.append(find_task(message).id)
        await asyncio.sleep(DELAY_S)
        return await self._inner.reply(message)


def recording_purple_app(url: str):
    return build_purple_app(url, name="slow-oracle", description="slow oracle",
                            new_conversation=RecordingConversation)


def crmarena_process(args: list[str], log: Path, **env: str) -> subprocess.Popen:
    """`crmarena <args>` as a real process (so it can be SIGKILLed), output to `log`."""
    command = [sys.executable, "-c", "import sys; from crmarena_cli import main; sys.exit(main())",
               *args]
    return subprocess.Popen(command, stdout=log.open("w"), stderr=subprocess.STDOUT, cwd=ROOT,
                            env={**os.environ, **env})


def finished_logs(folder: Path) -> dict[str, bytes]:
    """The finished episode logs in a results folder, by file name."""
    logs = folder / "logs"
    return {p.name: p.read_bytes() for p in logs.glob("*.jsonl")} if logs.is_dir() else {}


def assert_resumed_without_loss_or_rerun(folder: Path, before: dict[str, bytes],
                                         task_ids: list[str], started_first: list[str],
                                         started_second: list[str]) -> None:
    """Every task finished once; episodes finished before the kill kept byte for byte and not
    started again after the restart."""
    after = finished_logs(folder)
    assert len(after) == TASKS
    assert all(after[name] == content for name, content in before.items())  # kept as they were
    finished_first = {json.loads(c.splitlines()[0])["task"]["id"] for c in before.values()}
    assert not finished_first & set(started_second), "finished episodes were re-run"
    assert set(started_second) | finished_first == set(task_ids)
    assert set(started_first) >= finished_first
    assert not list((folder / "logs").glob("*.part"))
