"""The assessment request an AgentBeats client sends to the green agent, and its validation.

Shape: `{"participants": {"agent": URL}, "config": {...}}`, as JSON in the message text or as a
data part. A bad request is rejected with one message that names every problem, so the sender can
fix it without reading our code.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError, field_validator

from env.config import AssessmentConfig

#: The participant role the assessed (purple) agent plays.
AGENT_ROLE = "agent"

EXAMPLE_REQUEST = json.dumps({
    "participants": {AGENT_ROLE: "http://127.0.0.1:9010/"},
    "config": {"task_limit": 10, "drift_level": "medium", "rot_level": "medium"},
})


class RequestError(ValueError):
    """The request cannot be run; the message says exactly why."""


class AssessmentRequest(BaseModel):
    """What to assess (participants by role) and how (config, validated by env.config)."""

    model_config = ConfigDict(extra="forbid")

    participants: dict[str, HttpUrl]
    config: dict[str, Any] = Field(default_factory=dict)

    @field_validator("participants")
    @classmethod
    def _needs_agent(cls, value: dict[str, HttpUrl]) -> dict[str, HttpUrl]:
        if AGENT_ROLE not in value:
            roles = ", ".join(sorted(value)) or "none"
            raise ValueError(f'needs the role "{AGENT_ROLE}" (got: {roles})')
        return value

    @property
    def agent_url(self) -> str:
        return str(self.participants[AGENT_ROLE])


def describe_errors(exc: ValidationError, prefix: str = "") -> str:
    """Every problem of a validation error on one line: "config.drift_level: ...; ..."."""
    problems = []
    for err in exc.errors(include_url=False):
        where = ".".join(str(p) for p in (prefix, *err["loc"]) if p != "")
        problems.append(f"{where or 'request'}: {err['msg']}")
    return "; ".join(problems)


def parse_request(text: str | None,
                  data: list[Any] | None = None) -> tuple[AssessmentRequest, AssessmentConfig]:
    """(request, env AssessmentConfig) from a message's data parts (first dict wins) or its text.
    Every problem found is named in one RequestError, participants and config alike."""
    payload: Any = next((d for d in (data or []) if isinstance(d, dict)), None)
    if payload is None:
        text = (text or "").strip()
        if not text:
            raise RequestError(f"empty request: send JSON like {EXAMPLE_REQUEST}")
        try:
            payload = json.loads(text)
        except json.JSONDecodeError as exc:
            raise RequestError(f"the request is not JSON ({exc.msg} at line {exc.lineno} "
                               f"column {exc.colno}); send JSON like {EXAMPLE_REQUEST}") from None
    if not isinstance(payload, dict):
        raise RequestError(f"the request must be a JSON object, got {type(payload).__name__}; "
                           f"send JSON like {EXAMPLE_REQUEST}")
    problems: list[str] = []
    request = config = None
    try:
        request = AssessmentRequest.model_validate(payload)
    except ValidationError as exc:
        problems.append(describe_errors(exc))
    if isinstance(payload.get("config", {}), dict):
        try:
            config = validate_config(payload.get("config", {}))
        except RequestError as exc:
            problems.append(str(exc))
    if problems or request is None or config is None:
        raise RequestError("bad request: " + "; ".join(problems))
    return request, config


def validate_config(config: dict[str, Any]) -> AssessmentConfig:
    """The env's AssessmentConfig for this request (unknown keys accepted, bad values named)."""
    try:
        return AssessmentConfig.model_validate(config)
    except ValidationError as exc:
        raise RequestError(describe_errors(exc, "config")) from None
