"""`crmarena purple baseline|oracle|null|careless|...`: purple agents served over A2A, calling
their tools as A2A replies (`--transport message`) or over the episode's MCP endpoint (`mcp`)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from env.agents import AGENT_NAMES
from env.config import TOOL_TRANSPORTS

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from purple.mcp_conversation import PolicyFactory

DEFAULT_PORT = 9010


def build_app(args: argparse.Namespace, url: str) -> Starlette:
    """The Starlette app for the chosen purple agent, advertising `url`."""
    # here, not at the top: `crmarena --help` stays fast (a2a, the task framework)
    from env.tools import TOOL_SPECS
    from purple.conversation_server import build_purple_app

    name, description, new_policy = _policy(args)
    if args.transport == "mcp":
        from purple.mcp_conversation import McpConversation  # the MCP SDK only when it is used

        return build_purple_app(url, name=name, description=description + " Tools over MCP.",
                                new_conversation=lambda: McpConversation(new_policy))
    return build_purple_app(url, name=name, description=description,
                            new_conversation=lambda: new_policy(TOOL_SPECS))


def _policy(args: argparse.Namespace) -> tuple[str, str, PolicyFactory]:
    """(name, description, conversation factory given the tool specs) of the chosen agent."""
    from purple.baseline import BaselineAgent
    from purple.llm import ChatClient
    from purple.reference import reference_conversation_factory

    if args.agent == "baseline":
        agent = BaselineAgent(ChatClient(args.base_url, args.model),
                              native_tools=not args.no_tools)
        return (f"CRMArena baseline ({args.model})",
                "An LLM agent on an OpenAI-compatible endpoint.", agent.new_conversation)
    reference = reference_conversation_factory(args.agent)  # reference agents know their tools
    return (f"CRMArena {args.agent} reference agent",
            f"The environment's {args.agent} reference agent.", lambda tools: reference())


def _run(args: argparse.Namespace) -> int:
    import uvicorn  # here, not at the top: `crmarena --help` stays fast

    url = args.card_url or f"http://{args.host}:{args.port}/"
    uvicorn.run(build_app(args, url), host=args.host, port=args.port, log_level=args.log_level)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    purple = subparsers.add_parser("purple", help="serve a purple agent over A2A",
                                   description="Serve a purple (assessed) agent over A2A.")
    kinds = purple.add_subparsers(dest="agent", metavar="AGENT", required=True)
    parsers = []
    baseline = kinds.add_parser("baseline", help="LLM agent on an OpenAI-compatible endpoint "
                                                 "(key from OPENAI_API_KEY or NEBIUS_API_KEY)")
    baseline.add_argument("--model", required=True)
    baseline.add_argument("--base-url", default="https://api.openai.com/v1",
                          help="chat-completions base URL (…/v1)")
    baseline.add_argument("--no-tools", action="store_true",
                          help="use the ReAct text protocol instead of native tool calling")
    parsers.append(baseline)
    for name in AGENT_NAMES:
        parsers.append(kinds.add_parser(name, help=f"the {name} reference agent over A2A"))
    for parser in parsers:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=DEFAULT_PORT)
        parser.add_argument("--card-url")
        parser.add_argument("--log-level", default="warning")
        parser.add_argument("--transport", choices=TOOL_TRANSPORTS, default="message",
                            help="call the tools as A2A replies (message) or over the episode's "
                                 "MCP endpoint (mcp); the assessment's tool_transport must match")
        parser.set_defaults(run=_run)
