"""task_seed: its values, the secret seed derived from the request, and the seed commitment."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from env.config import AssessmentConfig
from env.task_seed import (
    MIN_SECRET_CHARS,
    SECRET_ENV,
    TaskSeedError,
    commitment,
    derive_seed,
    resolve_task_seed,
    secret_from_env,
)
from green.request import describe_errors

SECRET = "s3cret-of-the-leaderboard-operator"
AGENT = {"agent": "http://127.0.0.1:9010/"}


@pytest.mark.parametrize("value, parsed", [
    (None, None), ("public", "public"), ("PUBLIC ", "public"), (0, 0), (12345, 12345),
    ("12345", 12345), (2 ** 63 - 1, 2 ** 63 - 1)])
def test_task_seed_accepts_integers_and_public(value, parsed) -> None:
    assert AssessmentConfig(task_seed=value).task_seed == parsed


@pytest.mark.parametrize("value", ["abc", "", "12a", "4.5", 4.5, True, False, -1, 2 ** 63,
                                   [1], {"seed": 1}, "١٢"])
def test_a_task_seed_that_is_neither_an_integer_nor_public_is_rejected_naming_the_key(
        value) -> None:
    with pytest.raises(ValidationError) as caught:
        AssessmentConfig(task_seed=value)
    message = describe_errors(caught.value, "config")
    assert message.startswith("config.task_seed: ")
    assert 'must be a non-negative integer or "public"' in message
    assert "\n" not in message


def test_without_a_secret_the_config_decides() -> None:
    public = resolve_task_seed(AssessmentConfig(), AGENT, use_env=False)
    assert public.public and public.seed is None
    assert resolve_task_seed(AssessmentConfig(task_seed="public"), AGENT, use_env=False) == public
    # 42 is the public set's seed: naming it is naming the public set
    assert resolve_task_seed(AssessmentConfig(task_seed=42), AGENT, use_env=False) == public
    fresh = resolve_task_seed(AssessmentConfig(task_seed=12345), AGENT, use_env=False)
    assert not fresh.public and fresh.seed == 12345
    assert fresh.commitment.startswith("sha256:") and fresh.commitment != public.commitment
    assert "12345" not in fresh.commitment


def test_with_a_secret_a_request_naming_task_seed_is_refused() -> None:
    for value in ("public", 7, 42):
        with pytest.raises(TaskSeedError) as caught:
            resolve_task_seed(AssessmentConfig(task_seed=value), AGENT, SECRET)
        text = str(caught.value)
        assert "task_seed" in text and SECRET_ENV in text and "\n" not in text


def test_the_same_request_gives_the_same_tasks_and_another_request_others() -> None:
    config = AssessmentConfig(task_limit=40, drift_level="medium")
    seed = resolve_task_seed(config, AGENT, SECRET)
    assert not seed.public and seed.seed is not None and seed.seed != 42
    assert seed.commitment.startswith("hmac-sha256:")
    # the same request, however spelled: defaults filled, URL normalised, run-only options
    same = [
        resolve_task_seed(AssessmentConfig(task_limit="40", drift_level="MEDIUM"),
                          {"agent": "http://127.0.0.1:9010"}, SECRET),
        resolve_task_seed(config.model_copy(update={"concurrency": 2, "timeout": 60.0}),
                          AGENT, SECRET),
        resolve_task_seed(AssessmentConfig(task_limit=40, drift_level="high", rot_level="high",
                                           shard_index=1, num_shards=2, trials=3), AGENT, SECRET),
    ]
    assert all(s == seed for s in same)
    # another participant, another selection, an operator's nonce key, another secret
    others = [
        resolve_task_seed(config, {"agent": "http://127.0.0.1:9011/"}, SECRET),
        resolve_task_seed(AssessmentConfig(task_limit=41), AGENT, SECRET),
        resolve_task_seed(AssessmentConfig(task_limit=40, org_type="both"), AGENT, SECRET),
        resolve_task_seed(AssessmentConfig(task_limit=40, seed=1), AGENT, SECRET),
        resolve_task_seed(AssessmentConfig.model_validate({"task_limit": 40, "round": 2}),
                          AGENT, SECRET),
        resolve_task_seed(config, AGENT, SECRET + "x"),
    ]
    seeds = {s.seed for s in others} | {seed.seed}
    assert len(seeds) == len(others) + 1


def test_the_seed_is_a_keyed_hash_no_participant_can_compute() -> None:
    config = AssessmentConfig(task_limit=5)
    seed = derive_seed(SECRET, config, AGENT)
    assert 0 <= seed < 2 ** 63
    assert seed != derive_seed("another-secret-of-16+", config, AGENT)
    # the commitment is keyed too: without the secret it cannot be checked against guesses
    assert commitment(seed, SECRET) != commitment(seed, None)
    assert commitment(seed, SECRET) != commitment(seed, "another-secret-of-16+")
    assert str(seed) not in commitment(seed, SECRET)


def test_the_secret_comes_from_the_environment_and_must_not_be_guessable(monkeypatch) -> None:
    monkeypatch.delenv(SECRET_ENV, raising=False)
    assert secret_from_env() is None
    monkeypatch.setenv(SECRET_ENV, "   ")
    assert secret_from_env() is None
    monkeypatch.setenv(SECRET_ENV, "x" * (MIN_SECRET_CHARS - 1))
    with pytest.raises(TaskSeedError, match=f"at least {MIN_SECRET_CHARS} characters"):
        secret_from_env()
    monkeypatch.setenv(SECRET_ENV, SECRET)
    assert secret_from_env() == SECRET
    derived = resolve_task_seed(AssessmentConfig(), AGENT)
    assert derived == resolve_task_seed(AssessmentConfig(), AGENT, SECRET)
    with pytest.raises(TaskSeedError):
        resolve_task_seed(AssessmentConfig(task_seed=3), AGENT)
