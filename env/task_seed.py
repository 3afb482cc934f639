"""Which task set an assessment runs on: the public practice set, a named seed, or a secret one.

Why a secret: a leaderboard whose tasks anyone can generate can be memorised. An operator sets
CRMARENA_SECRET_SEED in the assessor's environment; then each assessment's task seed is an
HMAC-SHA256, keyed by the secret, of the normalised request (the participants and the config
options that choose tasks), so the operator gets the same tasks for the same request, a
participant cannot compute them, and a request may not name its own task_seed. Without a
secret, task_seed is the config's ("public" by default; 42, the public set's seed, is the
public set). results.json and the logs carry a commitment to the seed, never the seed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pydantic import HttpUrl, ValidationError

from core.org_type import OrgType
from data.tasks.identity import OrgTaskSetVersion, TaskSetIdentity
from data.tasks.seeded import PUBLIC_SEED, SeededTaskSet
from env.config import PUBLIC_TASK_SEED, AssessmentConfig

SECRET_ENV = "CRMARENA_SECRET_SEED"
#: Shorter secrets could be found by trying guesses against a published commitment.
MIN_SECRET_CHARS = 16
#: Config options that say how an assessment runs, not which tasks it asks: they do not enter
#: a derived seed, so shards, retries and drift/rot sweeps of one request share its tasks.
#: Every other option does, unknown keys included: an operator adds e.g. "round": 2 to draw a
#: new task set for the same participant.
RUN_ONLY_KEYS = frozenset({"drift_level", "rot_level", "max_steps", "timeout", "turn_timeout",
                           "trials", "concurrency", "shard_index", "num_shards", "task_seed"})
_SEED_DOMAIN = b"crmarena-task-seed\x00"
_COMMIT_DOMAIN = b"crmarena-task-seed-commitment\x00"


class TaskSeedError(ValueError):
    """A task seed the assessor will not use (the message is one line, naming the key)."""


@dataclass(frozen=True)
class TaskSeed:
    """A resolved task seed: `seed` None is the public practice set."""

    seed: int | None
    commitment: str

    @property
    def public(self) -> bool:
        return self.seed is None

    def task_set(self, org: OrgType) -> SeededTaskSet:
        return SeededTaskSet(org, self.seed)

    def identity(self, orgs: Iterable[OrgType]) -> TaskSetIdentity:
        """The identity results.json and the logs record (builds the orgs if needed)."""
        sets = [self.task_set(org) for org in orgs]
        return TaskSetIdentity(
            public=self.public, seed_commitment=self.commitment,
            orgs={s.org: OrgTaskSetVersion(org_version=s.org_version(),
                                           task_set_version=s.version()) for s in sets})


def secret_from_env(environ: Mapping[str, str] | None = None) -> str | None:
    """The operator's secret (None when unset or blank); TaskSeedError when too short."""
    value = (os.environ if environ is None else environ).get(SECRET_ENV, "").strip()
    if not value:
        return None
    if len(value) < MIN_SECRET_CHARS:
        raise TaskSeedError(f"{SECRET_ENV} must be at least {MIN_SECRET_CHARS} characters "
                            "(e.g. `openssl rand -hex 32`)")
    return value


def normalise_participant(value: str) -> str:
    """A participant as the green agent spells it: URLs normalised by pydantic (so
    `http://h:1` and `http://h:1/` are one participant), names such as "oracle" as given."""
    try:
        return str(HttpUrl(value))
    except ValidationError:
        return value.strip()


def selection_request(config: AssessmentConfig, participants: Mapping[str, str]) -> str:
    """The normalised request a secret seed is derived from (canonical JSON)."""
    options = {k: v for k, v in config.model_dump(mode="json").items() if k not in RUN_ONLY_KEYS}
    payload = {"participants": {role: normalise_participant(str(url))
                                for role, url in participants.items()},
               "config": options}
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def derive_seed(secret: str, config: AssessmentConfig, participants: Mapping[str, str]) -> int:
    """HMAC-SHA256(secret, normalised request) as a 63-bit seed (never the public one)."""
    message = _SEED_DOMAIN + selection_request(config, participants).encode("utf-8")
    digest = hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()
    seed = int.from_bytes(digest[:8], "big") >> 1
    return seed if seed != PUBLIC_SEED else seed + 1


def commitment(seed: int, secret: str | None) -> str:
    """A hash of the seed: keyed by the secret when there is one (a plain hash of a seed drawn
    from a secret could still be checked against guesses of the request)."""
    message = _COMMIT_DOMAIN + str(seed).encode()
    if secret is None:
        return "sha256:" + hashlib.sha256(message).hexdigest()[:32]
    return "hmac-sha256:" + hmac.new(secret.encode("utf-8"), message,
                                     hashlib.sha256).hexdigest()[:32]


def resolve_task_seed(config: AssessmentConfig, participants: Mapping[str, str],
                      secret: str | None = None, *, use_env: bool = True) -> TaskSeed:
    """The assessment's task seed. `secret` defaults to CRMARENA_SECRET_SEED (unless
    `use_env` is False). TaskSeedError when a secret is configured and the config names
    task_seed."""
    if secret is None and use_env:
        secret = secret_from_env()
    if secret is not None:
        if config.task_seed is not None:
            raise TaskSeedError(
                "task_seed is not accepted here: this assessor derives each assessment's task "
                f"seed from its secret ({SECRET_ENV}); leave task_seed out")
        seed = derive_seed(secret, config, participants)
        return TaskSeed(seed, commitment(seed, secret))
    if config.task_seed in (None, PUBLIC_TASK_SEED, PUBLIC_SEED):
        return TaskSeed(None, commitment(PUBLIC_SEED, None))
    assert isinstance(config.task_seed, int)
    return TaskSeed(config.task_seed, commitment(config.task_seed, None))
