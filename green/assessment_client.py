"""Ask a green agent for an assessment over A2A (1.x client, streaming) and collect the outcome.

Used by `crmarena demo` and the tests; it reads the result the way AgentBeats does: the artifact
of a completed task, preferring the JSON text part (integers intact) over the data part.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import uuid4

import httpx
from a2a.client import A2ACardResolver, ClientConfig, ClientFactory
from a2a.helpers import get_data_parts, get_text_parts
from a2a.types import Message, Part, Role, SendMessageRequest, TaskState


@dataclass
class AssessmentOutcome:
    state: str = "TASK_STATE_UNSPECIFIED"
    task_id: str = ""
    statuses: list[str] = field(default_factory=list)
    summary: str = ""
    results: dict[str, Any] | None = None

    @property
    def completed(self) -> bool:
        return self.state == "TASK_STATE_COMPLETED"


def _results_from_parts(parts: list[Part]) -> tuple[str, dict[str, Any] | None]:
    summary, results = "", None
    for text in get_text_parts(parts):
        try:
            value = json.loads(text)
        except ValueError:
            summary = summary or text
            continue
        if isinstance(value, dict):
            results = value
    if results is None:
        results = next((d for d in get_data_parts(parts) if isinstance(d, dict)), None)
    return summary, results


async def request_assessment(green_url: str, request: dict[str, Any] | str, *,
                             on_status: Callable[[str], None] | None = None,
                             timeout_s: float = 3600.0,
                             streaming: bool = True) -> AssessmentOutcome:
    """Send one assessment request; stream status texts to `on_status`; return the outcome.
    With streaming=False the green agent answers once, with the finished task."""
    text = request if isinstance(request, str) else json.dumps(request)
    outcome = AssessmentOutcome()
    async with httpx.AsyncClient(timeout=timeout_s) as http:
        card = await A2ACardResolver(http, green_url).get_agent_card()
        for interface in card.supported_interfaces:
            interface.url = green_url
        client = ClientFactory(ClientConfig(httpx_client=http, streaming=streaming)).create(card)
        message = Message(role=Role.ROLE_USER, message_id=uuid4().hex, parts=[Part(text=text)])
        artifact_parts: list[Part] = []
        try:
            async for event in client.send_message(SendMessageRequest(message=message)):
                status = None
                if event.HasField("task"):
                    outcome.task_id = event.task.id
                    status = event.task.status
                    for artifact in event.task.artifacts:
                        artifact_parts.extend(artifact.parts)
                elif event.HasField("status_update"):
                    status = event.status_update.status
                elif event.HasField("artifact_update"):
                    artifact_parts.extend(event.artifact_update.artifact.parts)
                if status is not None:
                    outcome.state = TaskState.Name(status.state)
                    status_text = "\n".join(get_text_parts(status.message.parts))
                    if status_text:
                        outcome.statuses.append(status_text)
                        if on_status:
                            on_status(status_text)
        finally:
            await client.close()
    if outcome.completed:
        outcome.summary, outcome.results = _results_from_parts(artifact_parts)
    return outcome
