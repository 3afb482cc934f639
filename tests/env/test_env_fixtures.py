"""The env fixtures (tests/conftest.py, tests/helpers/env_org.py) are what they claim."""

from __future__ import annotations


def test_gold_answers_are_derived_and_unique(env_tasks):
    by_id = {t.id: t for t in env_tasks}
    assert set(by_id) == {"env-count", "env-owner", "env-children", "env-top", "env-privacy"}
    assert int(by_id["env-count"].answer[0]) > 0
    assert by_id["env-owner"].answer[0] and by_id["env-owner"].answer[0] != "None"
    assert by_id["env-top"].answer[0].startswith("001")
    assert by_id["env-count"].referenced_fields  # drift must rename something the task reads


def test_privacy_task_protects_a_real_value(env_tasks):
    privacy = next(t for t in env_tasks if t.reward_metric == "privacy_rejection")
    assert privacy.protected_values and privacy.protected_values[0].startswith("(")
