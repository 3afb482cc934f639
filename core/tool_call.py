"""One tool call, and what an agent may reply: the currency between an agent and the
environment (reference solutions are tool calls too)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

#: What an agent may reply: raw text (JSON, fenced JSON, or prose) or a structured data part.
AgentReply = str | dict[str, Any]


class ToolCall(BaseModel):
    """One tool invocation: the tool's name and its JSON arguments."""

    model_config = ConfigDict(frozen=True)

    name: str
    arguments: dict[str, Any] = Field(default_factory=dict)
