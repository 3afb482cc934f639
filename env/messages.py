"""What the environment says to the agent: the task message, then one observation per turn.

The task message carries everything a Salesforce user would have (the question, persona,
required context, today's date) plus the tool catalogue and the exact reply format. It never
mentions drift or rot: the agent discovers renamed fields the way a real user would.
Observations are one header line (tool, step, notes) followed by the Salesforce-shaped JSON.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from core.observation import render_payload
from env.tools import TOOL_SPECS

if TYPE_CHECKING:
    from data.tasks.model import Task

REPLY_FORMAT = (
    "Reply with exactly one tool call per message, as a JSON object (plain text, a ```json "
    "block, or a data part):\n"
    '{"name": "<tool name>", "arguments": {...}}\n'
    "Examples:\n"
    '{"name": "describe", "arguments": {"object": "Case"}}\n'
    '{"name": "soql_query", "arguments": {"query": "SELECT Id, Subject FROM Case LIMIT 5"}}\n'
    '{"name": "submit_answer", "arguments": {"answer": ["005Wt000003NJgAIAW"]}}\n'
    'To decline a request that must not be fulfilled: '
    '{"name": "submit_answer", "arguments": {"answer": null, "refuse": true}}'
)


def task_message(task: Task, today: dt.date, max_steps: int) -> str:
    """The first message of an episode."""
    parts = [
        "You are working in a Salesforce org through its API. Answer the request below by "
        "querying the org with the tools, then submit your answer with submit_answer.",
        f"## Request\n{task.query.strip()}",
    ]
    if task.persona.strip():
        parts.append(f"## Persona\n{task.persona.strip()}")
    context = task.required_context.strip()
    today_line = f"Today's date: {today.isoformat()}"
    parts.append("## Context\n" + (context + "\n" if context else "") + today_line)
    parts.append("## Tools\n" + "\n".join(json.dumps(spec) for spec in TOOL_SPECS))
    parts.append(f"## Reply format\n{REPLY_FORMAT}\n"
                 f"You have at most {max_steps} tool calls, including submit_answer.")
    return "\n\n".join(parts)


def observation_message(tool: str, step: int, max_steps: int, payload: Any) -> tuple[str, bool]:
    """The observation for one turn; returns (message text, whether it was truncated)."""
    body, note = render_payload(payload)
    header = f"[{tool} · step {step}/{max_steps}"
    if note:
        header += f" · {note}"
    header += "]"
    return f"{header}\n{body}", note is not None


def split_observation(message: str) -> tuple[str, Any]:
    """(header, JSON body) of an observation message; for in-process agents that read it."""
    header, _, body = message.partition("\n")
    try:
        return header, json.loads(body)
    except ValueError:
        return header, body
