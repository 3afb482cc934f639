"""`crmarena purple baseline|oracle|null|careless|...`: purple agents served over A2A, calling
their tools as A2A replies (`--transport message`) or over the episode's MCP endpoint (`mcp`)."""

from __future__ import annotations

import argparse
import ipaddress
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from crmarena_cli.command import UsageError, add_command
from crmarena_cli.serving import add_server_flags, serve
from env.agents import AGENT_NAMES
from env.config import TOOL_TRANSPORTS

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from purple.mcp_conversation import PolicyFactory

DEFAULT_PORT = 9010
#: Where the baseline reads its API key (purple.llm.API_KEY_VARIABLES; not imported: --help).
KEY_VARIABLES = ("OPENAI_API_KEY", "NEBIUS_API_KEY")


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


def is_local(url: str) -> bool:
    """Whether `url` points at this machine (an endpoint that may need no key)."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_key(args: argparse.Namespace) -> None:
    """A remote endpoint without a key would fail every call: refuse to start instead."""
    from purple.llm import api_key_from_env  # here, not at the top: `crmarena --help` stays fast

    if args.no_auth or is_local(args.base_url) or api_key_from_env():
        return
    raise UsageError(f"--base-url {args.base_url} needs an API key: set "
                     f"{' or '.join(KEY_VARIABLES)} (or pass --no-auth for an endpoint without "
                     "authentication)")


def _run(args: argparse.Namespace) -> int:
    if args.agent == "baseline":
        _check_key(args)
    return serve(lambda url: build_app(args, url), args, f"purple agent {args.agent}")


def register(subparsers: argparse._SubParsersAction) -> None:
    purple = add_command(subparsers, "purple", help="serve a purple agent over A2A",
                         description="Serve a purple (assessed) agent over A2A.",
                         example="crmarena purple oracle --port 9010")
    kinds = purple.add_subparsers(dest="agent", metavar="AGENT", required=True)
    parsers = []
    baseline = add_command(
        kinds, "baseline", help="LLM agent on an OpenAI-compatible endpoint (key from "
                                f"{' or '.join(KEY_VARIABLES)})",
        example="OPENAI_API_KEY=... crmarena purple baseline --model gpt-4o-mini --port 9010")
    baseline.add_argument("--model", required=True, help="the model name (required)")
    baseline.add_argument("--base-url", default="https://api.openai.com/v1",
                          help="chat-completions base URL (…/v1)")
    baseline.add_argument("--no-tools", action="store_true",
                          help="use the ReAct text protocol instead of native tool calling "
                               "(default: native tools, ReAct when the endpoint refuses them)")
    baseline.add_argument("--no-auth", action="store_true",
                          help="start without an API key for a non-local --base-url (default: "
                               "refuse to, as every call would fail)")
    parsers.append(baseline)
    for name in AGENT_NAMES:
        parsers.append(add_command(kinds, name, help=f"the {name} reference agent over A2A",
                                   example=f"crmarena purple {name} --port {DEFAULT_PORT}"))
    for parser in parsers:
        add_server_flags(parser, DEFAULT_PORT, log_level="warning")
        parser.add_argument("--transport", choices=TOOL_TRANSPORTS, default="message",
                            help="call the tools as A2A replies (message) or over the episode's "
                                 "MCP endpoint (mcp); the assessment's tool_transport must match "
                                 "(default: message)")
        parser.set_defaults(run=_run)
