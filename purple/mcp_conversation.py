"""A purple conversation whose tools arrive over MCP (tool_transport "mcp").

The task message names the episode's MCP endpoint and token. On it the conversation connects with
the SDK's client, lists the tools and makes its policy (a purple.conversation_server Conversation:
a reference agent, the baseline LLM with the listed tools as its functions) from them, then plays
the policy over MCP: each tool call it picks is sent to the endpoint and its result is the
policy's next message, until submit_answer is accepted or the endpoint closes. Only then does the
A2A reply go back, as the episode's final turn. A policy that answers with text instead of a call
ends the turn with that text (the green agent reads it as a message-transport reply).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from mcp import MCPError

from env.messages import find_mcp_endpoint
from env.protocol import McpEndpoint
from env.tools import SUBMIT_ANSWER
from mcp_tools.client import connect, result_text, tool_specs
from purple.conversation_server import Conversation

#: Makes the policy once the tools are listed ({"name", "description", "parameters"} each).
PolicyFactory = Callable[[Sequence[dict[str, Any]]], Conversation]
SUBMITTED = "Answer submitted."


class NoMcpEndpoint(ValueError):
    """The first message names no MCP endpoint (the assessment is not tool_transport "mcp")."""


class McpConversation:
    def __init__(self, new_policy: PolicyFactory) -> None:
        self._new_policy = new_policy
        self._policy: Conversation | None = None
        self._endpoint: McpEndpoint | None = None

    async def reply(self, message: str) -> str:
        self._endpoint = self._endpoint or find_mcp_endpoint(message)
        if self._endpoint is None:
            raise NoMcpEndpoint("the task message names no MCP endpoint: this agent calls its "
                                "tools over MCP (assess it with tool_transport 'mcp')")
        async with connect(self._endpoint) as client:
            if self._policy is None:
                self._policy = self._new_policy(tool_specs(await client.list_tools()))
            while True:
                call = await self._policy.reply(message)
                if not (isinstance(call, dict) and isinstance(call.get("name"), str)):
                    return call if isinstance(call, str) else json.dumps(call)
                arguments = call.get("arguments")
                if not isinstance(arguments, dict):  # what env.parsing makes of it, too
                    arguments = {} if arguments is None else {"__unparsed__": arguments}
                try:
                    result = await client.call_tool(call["name"], arguments)
                except MCPError as exc:  # the episode is over (max_steps, timeout)
                    return exc.error.message
                if call["name"] == SUBMIT_ANSWER and not result.is_error:
                    return SUBMITTED
                message = result_text(result)
