"""A local fake of an OpenAI-compatible chat-completions server, scripted like a careful agent:
first a real SOQL query through the `soql_query` tool, then `submit_answer` with a value read
from the query's real result. It records every request so tests can check what the green side
sent back (real Salesforce-shaped observations).

`tools_supported=False` makes it refuse `tools` with HTTP 400, as some endpoints do, and reply
in ReAct text instead, to exercise the baseline's fallback.
"""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

QUERY = "SELECT Id, Name FROM Account ORDER BY Name LIMIT 3"
_NAME = re.compile(r'"Name"\s*:\s*"([^"]+)"')


class FakeOpenAI:
    def __init__(self, *, tools_supported: bool = True) -> None:
        self.tools_supported = tools_supported
        self.requests: list[dict[str, Any]] = []
        self.authorizations: list[str | None] = []
        self.app = Starlette(routes=[Route("/v1/chat/completions", self._complete,
                                           methods=["POST"])])

    async def _complete(self, request: Request) -> JSONResponse:
        body = await request.json()
        self.requests.append(body)
        self.authorizations.append(request.headers.get("authorization"))
        if body.get("tools") and not self.tools_supported:
            return JSONResponse({"error": {"message": "tools are not supported by this model",
                                           "type": "invalid_request_error"}}, status_code=400)
        call = self._next_call(body["messages"])
        if body.get("tools"):
            message = {"role": "assistant", "content": None, "tool_calls": [{
                "id": f"call_{len(self.requests)}", "type": "function",
                "function": {"name": call["name"], "arguments": json.dumps(call["arguments"])}}]}
        else:
            message = {"role": "assistant",
                       "content": f"Thought: next step.\nAction: {json.dumps(call)}"}
        return JSONResponse({"id": "fake", "object": "chat.completion", "model": body["model"],
                             "choices": [{"index": 0, "message": message,
                                          "finish_reason": "tool_calls"}]})

    @staticmethod
    def _next_call(messages: list[dict[str, Any]]) -> dict[str, Any]:
        """Query first; once a result with account names came back, submit the first name."""
        last = messages[-1]
        if len(messages) > 2 and last["role"] in ("tool", "user"):
            names = _NAME.findall(last.get("content") or "")
            if names:
                return {"name": "submit_answer", "arguments": {"answer": [names[0]]}}
        return {"name": "soql_query", "arguments": {"query": QUERY}}
