"""Which shard of an assessment a `crmarena assess` process runs when its flags do not say.

Several processes (containers) each run one shard of the same assessment: every one selects the
same task list and takes every num_shards-th task from shard_index (env.runner.select_tasks);
`crmarena merge` joins their folders. A scheduler that starts N identical containers can only
tell them apart through the environment, so these variables stand in for the flags:

- `CRMARENA_SHARD_INDEX`, else `JOB_COMPLETION_INDEX` (which a Kubernetes Indexed Job sets to
  each pod's completion index, 0..completions-1): the shard index;
- `CRMARENA_NUM_SHARDS`: the number of shards (a Job does not expose its completions count).

--shard-index / --num-shards win over the environment (and the A2A green agent takes both from
its request's config only: AgentBeats injects them there).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

SHARD_INDEX_ENVS = ("CRMARENA_SHARD_INDEX", "JOB_COMPLETION_INDEX")
NUM_SHARDS_ENV = "CRMARENA_NUM_SHARDS"


def _number(environ: Mapping[str, str], name: str, least: int) -> int:
    text = environ[name].strip()
    if not text.isdigit() or int(text) < least:
        raise ValueError(f"{name}={environ[name]!r} is not an integer >= {least}")
    return int(text)


def shard_from_environment(environ: Mapping[str, str] | None = None) -> dict[str, int]:
    """{"shard_index": i, "num_shards": n} for whichever of them the environment sets;
    ValueError (one line, naming the variable) for a value that is not a count."""
    environ = os.environ if environ is None else environ
    found: dict[str, int] = {}
    index_env = next((name for name in SHARD_INDEX_ENVS if environ.get(name, "").strip()), None)
    if index_env is not None:
        found["shard_index"] = _number(environ, index_env, 0)
    if environ.get(NUM_SHARDS_ENV, "").strip():
        found["num_shards"] = _number(environ, NUM_SHARDS_ENV, 1)
    return found
