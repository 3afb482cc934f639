"""What the environment says to the agent: the task message, then one observation per turn.

The task message carries everything a Salesforce user would have (the question, persona,
required context, today's date) plus the tool catalogue and the exact reply format. It never
mentions drift or rot: the agent discovers renamed fields the way a real user would.
Observations are one header line (tool, step, notes) followed by the Salesforce-shaped JSON.
With the tools over MCP the message names the episode's endpoint and token instead of a reply
format (the schemas come from the endpoint's tools/list); `find_mcp_endpoint` reads them back.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import TYPE_CHECKING, Any

from core.observation import render_payload
from env.protocol import McpEndpoint
from env.tools import TOOL_NAMES, TOOL_SPECS

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


MCP_TOOLS = (
    "Your tools are served over MCP (the Model Context Protocol, streamable HTTP transport), for "
    "this episode only:\n"
    "MCP endpoint: {url}\n"
    "Authorization: Bearer {token}\n"
    "Tools: {names} (their JSON schemas come from tools/list). Each result is one header line, "
    "then Salesforce-shaped JSON.")

MCP_FINISH = (
    "Call the tools over MCP, at most {max_steps} calls including submit_answer. The episode "
    "ends when you call submit_answer: `answer` is the list of answer values (e.g. Ids, names, "
    "months), or null with `refuse: true` to decline a request that must not be fulfilled. Then "
    "reply to this message. A reply to this message before submit_answer is read as one tool "
    'call, {{"name": "<tool name>", "arguments": {{...}}}}.')

_MCP_URL = re.compile(r"^MCP endpoint: (\S+)$", re.MULTILINE)
_MCP_TOKEN = re.compile(r"^Authorization: Bearer (\S+)$", re.MULTILINE)


def task_message(task: Task, today: dt.date, max_steps: int,
                 mcp: McpEndpoint | None = None) -> str:
    """The first message of an episode; with `mcp`, for an agent whose tools are served there."""
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
    if mcp is not None:
        parts.append("## Tools\n" + MCP_TOOLS.format(url=mcp.url, token=mcp.token,
                                                     names=", ".join(TOOL_NAMES)))
        parts.append("## Finishing\n" + MCP_FINISH.format(max_steps=max_steps))
        return "\n\n".join(parts)
    parts.append("## Tools\n" + "\n".join(json.dumps(spec) for spec in TOOL_SPECS))
    parts.append(f"## Reply format\n{REPLY_FORMAT}\n"
                 f"You have at most {max_steps} tool calls, including submit_answer.")
    return "\n\n".join(parts)


def find_mcp_endpoint(message: str) -> McpEndpoint | None:
    """The MCP endpoint and token a task message announces (see MCP_TOOLS), else None."""
    url, token = _MCP_URL.search(message), _MCP_TOKEN.search(message)
    if url is None or token is None:
        return None
    return McpEndpoint(url.group(1), token.group(1))


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
