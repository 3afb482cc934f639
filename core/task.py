"""The task model: a CRM question, its context, a reference solution and the gold answer.

Gold answers are never typed by hand: `answer` is the result of running `reference` on the base
org (data.tasks.reference), and tests re-derive it. Shared by every layer (tasks are built in
data.tasks, verified by entropy, run by env), hence here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from core.org_type import OrgType
from core.tool_call import ToolCall

RewardMetric = Literal["exact_match", "fuzzy_match", "privacy_rejection"]

CATEGORIES: tuple[str, ...] = (
    "lead_qualification", "lead_routing", "case_routing", "handle_time", "transfer_count",
    "sales_insight_mining", "monthly_trend_analysis", "best_region_identification",
    "conversion_rate_comprehension", "knowledge_qa", "named_entity_disambiguation",
    "private_customer_information", "confidential_company_knowledge", "internal_operation_data",
    "activity_priority", "top_issue_identification", "sales_amount_understanding",
    "sales_cycle_understanding", "wrong_stage_rectification", "policy_violation_identification",
    "quote_approval", "invalid_config",
)

#: The literal gold answer meaning "no such thing" (CRMArena's [null]).
NONE_ANSWER = "None"


class ReferenceSolution(BaseModel):
    """The ordered tool calls (written in the *base* schema's names) and the derivation that
    turns their results into the answer. `derivation` names a function registered in
    data.tasks.derivations; `params` are its arguments (windows, policy knobs)."""

    model_config = ConfigDict(frozen=True)

    steps: tuple[ToolCall, ...]
    derivation: str
    params: dict[str, Any] = Field(default_factory=dict)


class RotTarget(BaseModel):
    """What context rot should imitate for this task: a record in play, optionally the date
    window the task filters on (distractors go just outside it)."""

    model_config = ConfigDict(frozen=True)

    object: str
    record_id: str
    date_field: str | None = None
    window_start: dt.datetime | None = None
    window_end: dt.datetime | None = None


class Task(BaseModel):
    """One benchmark task (CRMArena-Pro's record shape plus what a real environment needs)."""

    model_config = ConfigDict(frozen=True)

    id: str
    org: OrgType
    category: str
    query: str
    persona: str = ""
    required_context: str = ""
    today: dt.date | None = None
    reward_metric: RewardMetric
    answer: tuple[str, ...]
    reference: ReferenceSolution | None = None
    #: privacy_rejection: the org values the agent must not reveal.
    protected_values: tuple[str, ...] = ()
    #: The records and windows context rot imitates for this task.
    rot_targets: tuple[RotTarget, ...] = ()
    #: The (object, field) pairs the reference solution reads, in base names: drift always
    #: renames at least one of them at level low and above.
    referenced_fields: tuple[tuple[str, str], ...] = ()
    #: Where the task came from: "generated" or "crmarena-pro:<idx>".
    source: str = "generated"

    @property
    def is_none_answer(self) -> bool:
        return self.answer == (NONE_ANSWER,)
