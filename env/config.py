"""Configuration of one episode and of one assessment (a set of episodes).

`AssessmentConfig` keeps the seed's option names (task_limit, task_percentage, task_ids,
task_categories, drift_level, rot_level, org_type, max_steps, timeout) so existing requests keep
working; unknown keys are accepted and kept, so newer clients can send options an older server
ignores.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# Level and LEVELS live in core.levels; re-exported here for the CLI and the report.
from core.levels import DEFAULT_ENTROPY_SEED, Level
from core.levels import LEVELS as LEVELS
from core.org_type import OrgType

OrgChoice = Literal["b2b", "b2c", "both"]
#: How the agent calls the tools: one JSON tool call per A2A reply, or an MCP endpoint per episode.
ToolTransport = Literal["message", "mcp"]
TOOL_TRANSPORTS: tuple[ToolTransport, ...] = get_args(ToolTransport)

DEFAULT_MAX_STEPS = 20
DEFAULT_TASK_TIMEOUT_S = 300.0
DEFAULT_TURN_TIMEOUT_S = 120.0
DEFAULT_SEED = DEFAULT_ENTROPY_SEED


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


class AssessmentConfig(BaseModel):
    """One assessment: which tasks, under what entropy, how many trials, how in parallel."""

    model_config = ConfigDict(extra="allow")

    task_limit: int | None = Field(None, ge=1)
    task_percentage: float | None = Field(None, gt=0, le=100)
    task_ids: list[str] | None = None
    task_categories: list[str] | None = None
    drift_level: Level = "none"
    rot_level: Level = "none"
    org_type: OrgChoice = "b2b"
    max_steps: int = Field(DEFAULT_MAX_STEPS, ge=1, le=200)
    #: Per-task timeout in seconds.
    timeout: float = Field(DEFAULT_TASK_TIMEOUT_S, gt=0)
    turn_timeout: float = Field(DEFAULT_TURN_TIMEOUT_S, gt=0)
    trials: int = Field(1, ge=1, le=32)
    concurrency: int = Field(8, ge=1, le=512)
    seed: int = DEFAULT_SEED
    shard_index: int = Field(0, ge=0)
    num_shards: int = Field(1, ge=1)
    today: dt.date | None = None
    tool_transport: ToolTransport = Field(
        "message", description="how the agent calls the tools: `message` (one JSON tool call per "
        "A2A reply) or `mcp` (an MCP endpoint and token per episode, announced in the first "
        "message; the A2A conversation carries the task and the final turn)")

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
