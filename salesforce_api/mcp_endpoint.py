"""The sandbox's tools over MCP at `/mcp`: the episode tools (soql_query, sosl_search, describe,
submit_answer) for MCP clients (an IDE, a desktop assistant, an agent framework) pointed at the
sandbox org.

The bearer token is a sandbox session id (SF_SESSION_ID from the env file, or any login's). Every
tool call is charged to that session's API usage and logged as one turn of its session log, like
a REST request. Calls are validated and run by env.tools exactly as in an episode, on the
sandbox's view and its org thread, and answered with the same observation text; submit_answer is
recorded in the log (the sandbox grades nothing).
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from env.messages import observation_message
from env.protocol import ToolCall
from env.tools import SUBMIT_ANSWER, error_json, execute, validate_call
from mcp_tools.server import Refusal, ToolAnswer, ToolServer
from salesforce_api.calls import SandboxApi
from salesforce_api.log import Exchange
from salesforce_api.sessions import Session
from sandbox_db.errors import ErrorCode

logger = logging.getLogger(__name__)

PATHS = ("/mcp", "/mcp/")
SUBMITTED = {"success": True,
             "message": "Answer recorded in the session log (the sandbox grades nothing)."}


def build_tool_server(api: SandboxApi) -> ToolServer:
    def resolve(episode: str, token: str) -> SessionTools | Refusal:
        session = api.sessions.get(token) if token else None
        if session is None:
            return Refusal(401, "INVALID_SESSION_ID: Session expired or invalid (send "
                                "'Authorization: Bearer <session id>', e.g. SF_SESSION_ID)")
        return SessionTools(api, session)

    return ToolServer(resolve, name="Entropic CRMArena sandbox",
                      instructions=f"The tools of the sandbox org: {api.instance.org_name}.")


class SessionTools:
    """One sandbox session's MCP calls (a ToolTarget)."""

    def __init__(self, api: SandboxApi, session: Session) -> None:
        self.api = api
        self.session = session

    async def call_tool(self, name: str, arguments: dict[str, Any]) -> ToolAnswer:
        received, started = time.monotonic(), time.perf_counter()
        payload, code = await self._run(ToolCall(name=name, arguments=arguments))
        text, _ = observation_message(name, self.session.api_requests,
                                      self.api.sessions.api_limit, payload)
        if self.api.log is not None:
            self.api.log.record(Exchange(
                session=self.session.number, agent="mcp",
                request=f"MCP tools/call {json.dumps({'name': name, 'arguments': arguments})}",
                tool=name, arguments=arguments, payload=payload, body_chars=len(text),
                status=200, error_code=code, received=received,
                seconds=time.perf_counter() - started))
        return ToolAnswer(text, is_error=code is not None)

    async def _run(self, call: ToolCall) -> tuple[Any, str | None]:
        """(payload, error code or None) of one call, charged to the session."""
        self.session.api_requests += 1
        if self.session.api_requests > self.api.sessions.api_limit:
            code = ErrorCode.REQUEST_LIMIT_EXCEEDED.value
            return error_json(code, "TotalRequests Limit exceeded."), code
        problem = validate_call(call)
        if problem is not None:
            return problem, problem[0]["errorCode"]
        if call.name == SUBMIT_ANSWER:
            return SUBMITTED, None
        instance = self.api.instance
        try:
            outcome = await instance.run(execute, instance.org.view, call, instance.today)
        except Exception:  # noqa: BLE001 - a client never sees a traceback
            logger.exception("sandbox MCP: %s failed", call.name)
            code = ErrorCode.UNKNOWN_EXCEPTION.value
            return error_json(code, "An unexpected error occurred."), code
        return outcome.payload, outcome.error_code
