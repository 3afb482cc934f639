"""A minimal purple agent whose tools arrive over MCP, with the official `mcp` SDK's client.

    uv run python examples/minimal_mcp_purple.py --port 9011
    uv run crmarena assess --agent http://127.0.0.1:9011/ --tool-transport mcp --task-limit 4
"""

import argparse
import re

import httpx2
import uvicorn
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from purple.conversation_server import build_purple_app


class Conversation:
    """One A2A context: its first message holds the task, the MCP endpoint and the token."""

    async def reply(self, message: str) -> str:
        url = re.search(r"^MCP endpoint: (\S+)$", message, re.MULTILINE).group(1)
        token = re.search(r"^Authorization: Bearer (\S+)$", message, re.MULTILINE).group(1)
        async with httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}) as http, \
                Client(streamable_http_client(url, http_client=http)) as mcp:
            tools = [tool.name for tool in (await mcp.list_tools()).tools]
            org = await mcp.call_tool("describe", {})  # an LLM would read this and query on
            await mcp.call_tool("submit_answer", {"answer": None})
        return f"submitted, having seen {len(tools)} tools and {len(org.content[0].text)} chars"


def app(url: str):
    return build_purple_app(url, name="minimal MCP purple", description="describe, then submit",
                            new_conversation=Conversation)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="A minimal purple agent, tools over MCP.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9011)
    args = parser.parse_args()
    uvicorn.run(app(f"http://{args.host}:{args.port}/"), host=args.host, port=args.port)
