"""`crmarena purple baseline|oracle|null|careless|...`: purple agents served over A2A."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from a2a_app.address import advertised_url
from env.agents import AGENT_NAMES

if TYPE_CHECKING:
    from starlette.applications import Starlette

DEFAULT_PORT = 9010


def build_app(args: argparse.Namespace, url: str) -> Starlette:
    """The Starlette app for the chosen purple agent, advertising `url`."""
    # here, not at the top: `crmarena --help` stays fast (a2a, the task framework)
    from purple.baseline import BaselineAgent
    from purple.conversation_server import build_purple_app
    from purple.llm import ChatClient
    from purple.reference import reference_conversation_factory

    if args.agent == "baseline":
        agent = BaselineAgent(ChatClient(args.base_url, args.model),
                              native_tools=not args.no_tools)
        return build_purple_app(url, name=f"CRMArena baseline ({args.model})",
                                description="An LLM agent on an OpenAI-compatible endpoint.",
                                new_conversation=agent.new_conversation)
    return build_purple_app(url, name=f"CRMArena {args.agent} reference agent",
                            description=f"The environment's {args.agent} reference agent.",
                            new_conversation=reference_conversation_factory(args.agent))


def _run(args: argparse.Namespace) -> int:
    import uvicorn  # here, not at the top: `crmarena --help` stays fast

    url = advertised_url(args.host, args.port, args.card_url)
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
        parser.set_defaults(run=_run)
