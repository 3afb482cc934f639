"""Reference agents over A2A find their task from the env's real task message alone."""

from __future__ import annotations

import datetime as dt

import pytest

from purple.reference import UnknownTask, find_task


def test_every_default_task_is_found_from_its_task_message():
    from data.tasks import load_task_set
    from env.messages import task_message

    tasks = load_task_set("b2b") + load_task_set("b2c")
    assert len(tasks) > 100
    today = dt.date(2025, 1, 15)
    for task in tasks:
        assert find_task(task_message(task, task.today or today, 20)).id == task.id


def test_a_task_id_in_the_message_wins_and_strangers_are_refused():
    from data.tasks import load_task_set

    task = load_task_set("b2c")[3]
    assert find_task(f"Task id: {task.id}. Something else entirely.").id == task.id
    with pytest.raises(UnknownTask):
        find_task("## Request\nWhat is the meaning of life?\n\n## Tools\n[]")
