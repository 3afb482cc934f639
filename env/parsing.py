"""Turn an agent's reply into one tool call, tolerantly, or into a format error.

Agents reply in many shapes: a structured data part, bare JSON text, a fenced ```json block
inside prose, OpenAI-style `{"function": {"name", "arguments": "<json>"}}`, tau2-style
`{"name", "arguments"}`. All of them become the same `ToolCall`; anything else is a
`FormatError` that is fed back to the agent and counted, never a crash.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from env.protocol import AgentReply, ToolCall

_FENCE_RE = re.compile(r"```(?:json|JSON)?\s*\n?(.*?)```", re.DOTALL)
_NAME_KEYS = ("name", "tool", "tool_name", "action")
_ARG_KEYS = ("arguments", "args", "parameters", "input", "action_input")


@dataclass(frozen=True)
class FormatError:
    """A reply that holds no recognisable tool call; `message` tells the agent what to send."""

    message: str


def parse_reply(reply: AgentReply) -> ToolCall | FormatError:
    """The first tool call found in `reply`, or a FormatError; never an exception, since replies
    are untrusted (e.g. JSON nested deeper than the interpreter's recursion limit)."""
    try:
        parsed = _parse_reply(reply)
    except RecursionError:
        return FormatError("The reply is nested too deeply to read: send one JSON object "
                           '{"name": "<tool>", "arguments": {...}}.')
    if isinstance(parsed, ToolCall) and not _is_unicode(parsed):
        # A lone surrogate (raw from an in-process agent, or a JSON "\\ud800" escape) is not
        # text: no SOQL or answer can hold it, and over A2A it could never have been sent.
        return FormatError("The tool call holds invalid Unicode (a lone surrogate): send "
                           "valid UTF-8 text.")
    return parsed


def _is_unicode(call: ToolCall) -> bool:
    try:
        json.dumps([call.name, call.arguments], ensure_ascii=False, default=str).encode("utf-8")
    except UnicodeEncodeError:
        return False
    except (RecursionError, ValueError):  # too deep / circular: not ours to judge here
        return True
    return True


def _parse_reply(reply: AgentReply) -> ToolCall | FormatError:
    if isinstance(reply, dict):
        call = _call_from_obj(reply)
        return call if call is not None else FormatError(
            "The structured reply holds no tool call: expected "
            '{"name": "<tool>", "arguments": {...}}.')
    if not isinstance(reply, str):
        return FormatError(f"Unsupported reply type {type(reply).__name__}.")
    for candidate in _json_candidates(reply):
        call = _call_from_obj(candidate)
        if call is not None:
            return call
    if not reply.strip():
        return FormatError("The reply was empty: send one tool call as JSON.")
    return FormatError('No tool call found in the reply: send one JSON object '
                       '{"name": "<tool>", "arguments": {...}}.')


def _json_candidates(text: str) -> list[Any]:
    """JSON values in `text`: the whole text, fenced blocks, then every embedded {...}."""
    found: list[Any] = []
    stripped = text.strip()
    try:
        found.append(json.loads(stripped))
    except ValueError:
        pass
    for block in _FENCE_RE.findall(text):
        try:
            found.append(json.loads(block.strip()))
        except ValueError:
            found.extend(_embedded_objects(block))
    found.extend(_embedded_objects(text))
    return found


def _embedded_objects(text: str) -> list[Any]:
    decoder = json.JSONDecoder()
    objects: list[Any] = []
    pos = text.find("{")
    while pos != -1:
        try:
            obj, end = decoder.raw_decode(text, pos)
        except ValueError:
            pos = text.find("{", pos + 1)
            continue
        objects.append(obj)
        pos = text.find("{", end)
    return objects


def _call_from_obj(obj: Any) -> ToolCall | None:
    """A ToolCall from one JSON value in any of the accepted shapes."""
    if isinstance(obj, list):
        return next((c for c in map(_call_from_obj, obj) if c is not None), None)
    if not isinstance(obj, dict):
        return None
    for wrapper in ("tool_call", "function_call", "function", "call"):
        if isinstance(obj.get(wrapper), dict):
            return _call_from_obj(obj[wrapper])
    if isinstance(obj.get("tool_calls"), list):
        return _call_from_obj(obj["tool_calls"])
    name = next((obj[k] for k in _NAME_KEYS if isinstance(obj.get(k), str)), None)
    if not name:
        return None
    args: Any = next((obj[k] for k in _ARG_KEYS if k in obj), {})
    if isinstance(args, str):
        try:
            args = json.loads(args) if args.strip() else {}
        except ValueError:
            return ToolCall(name=name.strip(), arguments={"__unparsed__": args})
    if args is None:
        args = {}
    if not isinstance(args, dict):
        return ToolCall(name=name.strip(), arguments={"__unparsed__": args})
    return ToolCall(name=name.strip(), arguments=args)
