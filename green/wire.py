"""The one A2A call the green agent makes to a purple agent, as plain JSON-RPC.

Each turn is one non-streaming send: a JSON-RPC request holding a text message, answered by a
Message or a Task. The SDK's client builds it as protobuf, converts it to JSON, and converts
the answer back through protobuf (and, for 0.3 agents, through pydantic models as well), which
cost more CPU per turn than running the agent's query. Here the request is one small dict and
the answer is read straight from the decoded JSON, in the two wire formats a card may offer:
A2A 1.0 (`SendMessage`, what the SDK picks when a card offers it) and 0.3 (`message/send`, the
AgentBeats gateway's and 0.3 SDK agents'). The interface is chosen as the SDK's ClientFactory
chooses it, so an agent is spoken to in the same format as before.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from a2a.types import AgentCard

WIRE_1_0 = "1.0"
WIRE_0_3 = "0.3"
#: The header that tells an A2A server which wire format a request uses.
VERSION_HEADER = "A2A-Version"

#: 0.3 task states by their 1.0 names (the names `_Reply.state` uses).
_STATES_0_3 = {
    "submitted": "TASK_STATE_SUBMITTED", "working": "TASK_STATE_WORKING",
    "input-required": "TASK_STATE_INPUT_REQUIRED", "completed": "TASK_STATE_COMPLETED",
    "canceled": "TASK_STATE_CANCELED", "failed": "TASK_STATE_FAILED",
    "rejected": "TASK_STATE_REJECTED", "auth-required": "TASK_STATE_AUTH_REQUIRED",
    "unknown": "TASK_STATE_UNSPECIFIED",
}
TERMINAL_STATES = frozenset({"TASK_STATE_COMPLETED", "TASK_STATE_FAILED",
                             "TASK_STATE_CANCELED", "TASK_STATE_REJECTED"})
FAILED_STATES = frozenset({"TASK_STATE_FAILED", "TASK_STATE_CANCELED", "TASK_STATE_REJECTED"})


class WireError(ValueError):
    """The answer is not an A2A reply (not JSON-RPC, a JSON-RPC error, or the wrong shape)."""


def _major_minor(version: str) -> tuple[int, int] | None:
    try:
        parts = [int(p) for p in version.split(".")[:2]]
    except ValueError:
        return None
    return (parts + [0])[0], (parts + [0])[1]


def wire_format(card: AgentCard) -> str:
    """The JSON-RPC format to speak to the agent of `card`: its 1.0 interface if it has one
    (a later version or none stated counts as 1.0), else 0.3. Raises WireError without any."""
    versions = [i.protocol_version for i in card.supported_interfaces
                if i.protocol_binding.upper() == "JSONRPC"]
    if not versions:
        raise WireError("the agent card offers no JSON-RPC interface")
    parsed = [_major_minor(v) if v else (1, 0) for v in versions]
    if any(v is not None and v >= (1, 0) for v in parsed):
        return WIRE_1_0
    if any(v is not None and v >= (0, 3) for v in parsed):
        return WIRE_0_3
    raise WireError(f"the agent card's JSON-RPC versions are not supported: {versions}")


def send_request(wire: str, request_id: int, message_id: str, text: str, context_id: str,
                 task_id: str) -> bytes:
    """The JSON-RPC request that sends `text` as a user message (no context on the first)."""
    if wire == WIRE_0_3:
        message: dict[str, Any] = {"kind": "message", "role": "user", "messageId": message_id,
                                   "parts": [{"kind": "text", "text": text}]}
        method = "message/send"
    else:
        message = {"messageId": message_id, "role": "ROLE_USER", "parts": [{"text": text}]}
        method = "SendMessage"
    if context_id:
        message["contextId"] = context_id
    if task_id:
        message["taskId"] = task_id
    params: dict[str, Any] = {"message": message}
    if wire == WIRE_1_0:
        params["configuration"] = {}
    return json.dumps({"jsonrpc": "2.0", "id": request_id, "method": method,
                       "params": params}, ensure_ascii=False).encode()


@dataclass
class Reply:
    """What one answer holds: its parts (as JSON), the task state and the ids to go on with."""

    artifact_parts: list[dict[str, Any]] = field(default_factory=list)
    message_parts: list[dict[str, Any]] = field(default_factory=list)
    #: The 1.0 name of the task's state ("TASK_STATE_COMPLETED"); None for a plain message.
    state: str | None = None
    context_id: str = ""
    task_id: str = ""

    def content(self) -> Any:
        """The reply for env.parsing: the first dict data part, else all text joined."""
        for parts in (self.artifact_parts, self.message_parts):
            for part in parts:
                if isinstance(part.get("data"), dict):
                    return _narrow_numbers(part["data"])
        for parts in (self.artifact_parts, self.message_parts):
            texts = [p["text"] for p in parts if isinstance(p.get("text"), str)]
            if texts:
                return "\n".join(texts)
        return ""

    def status_text(self) -> str:
        return "\n".join(p["text"] for p in self.message_parts if isinstance(p.get("text"), str))


def _narrow_numbers(value: Any) -> Any:
    """Data parts carry every number as a double; give whole numbers back their int type."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _narrow_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_narrow_numbers(v) for v in value]
    return value


def read_reply(wire: str, body: bytes) -> Reply:
    """The Reply in a JSON-RPC answer; WireError for a JSON-RPC error or anything malformed."""
    try:
        answer = json.loads(body)
    except ValueError as exc:
        raise WireError(f"the answer is not JSON: {exc}") from None
    if not isinstance(answer, dict):
        raise WireError("the answer is not a JSON-RPC response")
    error = answer.get("error")
    if error is not None:
        message = error.get("message") if isinstance(error, dict) else error
        code = error.get("code") if isinstance(error, dict) else None
        raise WireError(f"JSON-RPC error {code}: {message}")
    result = answer.get("result")
    if not isinstance(result, dict):
        raise WireError("the JSON-RPC response has no result")
    if wire == WIRE_0_3:
        kind = result.get("kind") or ("message" if "messageId" in result else
                                      "task" if "id" in result else None)
        if kind == "message":
            return _message(result)
        if kind == "task":
            return _task(result, _STATES_0_3)
    else:
        if isinstance(result.get("message"), dict):
            return _message(result["message"])
        if isinstance(result.get("task"), dict):
            return _task(result["task"], None)
    raise WireError("the result is neither a message nor a task")


def _parts(holder: Any) -> list[dict[str, Any]]:
    parts = holder.get("parts") if isinstance(holder, dict) else None
    if parts is None:
        return []
    if not isinstance(parts, list) or not all(isinstance(p, dict) for p in parts):
        raise WireError("parts is not a list of objects")
    return parts


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _message(message: dict[str, Any]) -> Reply:
    return Reply(message_parts=_parts(message), context_id=_text(message.get("contextId")))


def _task(task: dict[str, Any], states: dict[str, str] | None) -> Reply:
    status = task.get("status")
    if not isinstance(status, dict):
        status = {}
    state = _text(status.get("state")) or "TASK_STATE_UNSPECIFIED"
    if states is not None:
        state = states.get(state, "TASK_STATE_UNSPECIFIED")
    artifacts = task.get("artifacts") or []
    if not isinstance(artifacts, list):
        raise WireError("artifacts is not a list")
    return Reply(artifact_parts=[p for a in artifacts for p in _parts(a)],
                 message_parts=_parts(status.get("message")), state=state,
                 context_id=_text(task.get("contextId")), task_id=_text(task.get("id")))
