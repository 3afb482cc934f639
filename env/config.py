"""Configuration of one episode and of one assessment (a set of episodes).

`AssessmentConfig` keeps the seed's option names (task_limit, task_percentage, task_ids,
task_categories, drift_level, rot_level, org_type, max_steps, timeout) so existing requests keep
working; unknown keys are accepted and kept, so newer clients can send options an older server
ignores, and named in a warning (`unknown_key_warnings`) that the summary and the results
carry, so a misspelt key is never silently ignored.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

# Level and LEVELS live in core.levels; re-exported here for the CLI and the report.
from core.levels import DEFAULT_ENTROPY_SEED, Level
from core.levels import LEVELS as LEVELS
from core.org_type import OrgType
from core.task import CATEGORIES

OrgChoice = Literal["b2b", "b2c", "both"]
#: How the agent calls the tools: one JSON tool call per A2A reply, or an MCP endpoint per episode.
ToolTransport = Literal["message", "mcp"]
TOOL_TRANSPORTS: tuple[ToolTransport, ...] = get_args(ToolTransport)

DEFAULT_MAX_STEPS = 20
DEFAULT_TASK_TIMEOUT_S = 300.0
DEFAULT_TURN_TIMEOUT_S = 120.0
DEFAULT_SEED = DEFAULT_ENTROPY_SEED


PUBLIC_TASK_SEED = "public"


def parse_task_seed(value: object) -> int | str | None:
    """A task_seed as given (an int, digits, or "public" in any case); a one-line error naming
    the key otherwise. Booleans are not integers here, whatever Python says."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if text.lower() == PUBLIC_TASK_SEED:
            return PUBLIC_TASK_SEED
        if text.isascii() and text.isdigit():
            value = int(text)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2 ** 63:
        return value
    raise PydanticCustomError(
        "task_seed", 'task_seed must be a non-negative integer or "public", got {got}',
        {"got": repr(value)[:40]})


class EpisodeConfig(BaseModel):
    """Everything that determines one episode's org and limits (recorded in its log)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    org: OrgType
    drift: Level = "none"
    rot: Level = "none"
    seed: int = DEFAULT_SEED
    #: Overrides the task's own "today" (date literals such as LAST_N_DAYS resolve against it).
    today: dt.date | None = None
    max_steps: int = Field(DEFAULT_MAX_STEPS, ge=1)
    timeout_s: float = Field(DEFAULT_TASK_TIMEOUT_S, gt=0)
    turn_timeout_s: float = Field(DEFAULT_TURN_TIMEOUT_S, gt=0)
    tool_transport: ToolTransport = "message"


def _cli(flag: str, **extra: Any) -> dict[str, Any]:
    """How a key appears as a flag of `crmarena assess` / `demo` (crmarena_cli.config_flags),
    how its default reads when it is None (`default_text`) and, where the type does not say it
    well, what it accepts (`values`; env.config_docs)."""
    return {"flag": flag, **extra}


class AssessmentConfig(BaseModel):
    """One assessment: which tasks, under what entropy, how many trials, how in parallel.

    The one source of truth for the config keys: each field's description and default generate
    the `assess` / `demo` flags and their help, the green agent card's config text and the
    README's table of config keys (env.config_docs; tests keep them in sync).
    """

    model_config = ConfigDict(extra="allow")

    task_limit: int | None = Field(
        None, ge=1, description="run at most this many tasks, a sample stratified across "
                                "categories (interleaved, so 22 covers every category)",
        json_schema_extra=_cli("--task-limit", default_text="all"))
    task_percentage: float | None = Field(
        None, gt=0, le=100, description="run this percentage of the selected tasks",
        json_schema_extra=_cli("--task-percentage", default_text="all"))
    task_ids: list[str] | None = Field(
        None, min_length=1, description="only these task ids (or CRMArena-Pro source ids)",
        json_schema_extra=_cli("--task-id", default_text="any", values="list of task ids"))
    task_categories: list[str] | None = Field(
        None, min_length=1, description="only tasks of these categories",
        json_schema_extra=_cli("--category", default_text="any", choices=CATEGORIES,
                               values="list of category names"))
    drift_level: Level = Field(
        "none", description="schema drift: how many field (and at high, object) API names "
                            "are renamed in the agent's view of the org",
        json_schema_extra=_cli("--drift"))
    rot_level: Level = Field(
        "none", description="context rot: how many verified distractor records are added "
                            "around each record the task needs",
        json_schema_extra=_cli("--rot"))
    org_type: OrgChoice = Field(
        "b2b", description="which org's task set to run", json_schema_extra=_cli("--org"))
    task_seed: int | Literal["public"] | None = Field(
        None, description='the seed of the orgs and task set: "public" (the committed practice '
                          "set, seed 42) or an integer (fresh orgs and tasks, built and cached on "
                          "first use); refused when the assessor keeps CRMARENA_SECRET_SEED, "
                          "which then derives a secret seed from the request",
        json_schema_extra=_cli("--task-seed", default_text="public, or the secret one",
                               values='integer ≥ 0 or "public"'))
    max_steps: int = Field(
        DEFAULT_MAX_STEPS, ge=1, le=200,
        description="tool calls per episode, submit_answer included",
        json_schema_extra=_cli("--max-steps"))
    timeout: float = Field(
        DEFAULT_TASK_TIMEOUT_S, gt=0, description="seconds per episode",
        json_schema_extra=_cli("--timeout"))
    turn_timeout: float = Field(
        DEFAULT_TURN_TIMEOUT_S, gt=0, description="seconds the agent may take per reply",
        json_schema_extra=_cli("--turn-timeout"))
    trials: int = Field(
        1, ge=1, le=32, description="episodes per task (pass^k is computed over them)",
        json_schema_extra=_cli("--trials"))
    concurrency: int = Field(
        8, ge=1, le=512, description="episodes run at once",
        json_schema_extra=_cli("--concurrency"))
    seed: int = Field(
        DEFAULT_SEED, description="seed of the task sample and of drift and rot",
        json_schema_extra=_cli("--seed"))
    shard_index: int = Field(
        0, ge=0, description="which slice of the task list this run takes (0-based; combine "
                             "the shards' folders with crmarena merge; crmarena assess reads "
                             "CRMARENA_SHARD_INDEX or JOB_COMPLETION_INDEX without the flag)",
        json_schema_extra=_cli("--shard-index"))
    num_shards: int = Field(
        1, ge=1, description="how many slices the task list is cut into (crmarena assess "
                             "reads CRMARENA_NUM_SHARDS without the flag)",
        json_schema_extra=_cli("--num-shards"))
    today: dt.date | None = Field(
        None, description="the date the org's relative dates (LAST_N_DAYS, TODAY) resolve "
                          "against",
        json_schema_extra=_cli("--today", default_text="each task's own date"))
    tool_transport: ToolTransport = Field(
        "message", description="how the agent calls the tools: message (one JSON tool call per "
                               "A2A reply) or mcp (an MCP endpoint and token per episode, "
                               "announced in the first message; the A2A conversation carries "
                               "the task and the final turn)",
        json_schema_extra=_cli("--tool-transport"))

    @field_validator("task_ids", mode="before")
    @classmethod
    def _ids_as_strings(cls, value: object) -> object:
        """The seed's task_ids could be ints; they are matched as strings."""
        if isinstance(value, (str, int)):
            value = [value]
        if isinstance(value, list):
            return [str(v) for v in value]
        return value

    @field_validator("task_categories", mode="before")
    @classmethod
    def _categories_as_list(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    @field_validator("drift_level", "rot_level", "org_type", "tool_transport", mode="before")
    @classmethod
    def _lowercase(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("task_seed", mode="before")
    @classmethod
    def _task_seed(cls, value: object) -> object:
        return parse_task_seed(value)

    @model_validator(mode="after")
    def _check_shard(self) -> AssessmentConfig:
        if self.shard_index >= self.num_shards:
            raise ValueError(f"shard_index {self.shard_index} must be < num_shards "
                             f"{self.num_shards}")
        return self

    @property
    def orgs(self) -> tuple[OrgType, ...]:
        return ("b2b", "b2c") if self.org_type == "both" else (self.org_type,)

    def episode_config(self, org: OrgType) -> EpisodeConfig:
        return EpisodeConfig(org=org, drift=self.drift_level, rot=self.rot_level, seed=self.seed,
                             today=self.today, max_steps=self.max_steps, timeout_s=self.timeout,
                             turn_timeout_s=self.turn_timeout, tool_transport=self.tool_transport)

    def selection_key(self) -> dict[str, object]:
        """The options that decide which episodes run and how (not how fast): resuming into a
        folder is only allowed when these match."""
        return self.model_dump(mode="json", exclude={"concurrency"}, exclude_none=False)


def unknown_key_warnings(config: Mapping[str, Any]) -> list[str]:
    """One warning per key of `config` that is not a config key (accepted, never used), with the
    closest real key when there is one: "drift" -> "did you mean drift_level?"."""
    known = list(AssessmentConfig.model_fields)
    warnings = []
    for key in config:
        if key in AssessmentConfig.model_fields:
            continue
        close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.5)
        if not close:
            close = [k for k in known if str(key) and str(key) in k][:1]
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        warnings.append(f"unknown config key {key!r} ignored{hint}")
    return warnings
