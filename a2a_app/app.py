"""Serve an AgentExecutor the way AgentBeats expects (shared by the green and purple agents).

a2a-sdk 1.3 speaks A2A 1.0, while the AgentBeats gateway still uses a 0.3 client: JSON-RPC is
mounted at "/" with the 0.3 compatibility layer on, the card lists both a 1.0 and a 0.3 JSON-RPC
interface, and it is served at the current and the legacy well-known paths.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager

from a2a.server.agent_execution import AgentExecutor
from a2a.server.request_handlers import DefaultRequestHandler
from a2a.server.routes import create_agent_card_routes, create_jsonrpc_routes
from a2a.server.tasks import InMemoryTaskStore
from a2a.types import AgentCapabilities, AgentCard, AgentInterface, AgentSkill
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute

from a2a_app.connection import BodyLimit, ConnectionContextBuilder

LEGACY_CARD_PATH = "/.well-known/agent.json"


def make_card(*, name: str, description: str, url: str, skills: Sequence[AgentSkill],
              version: str = "0.1.0", streaming: bool = True) -> AgentCard:
    """An agent card advertising JSON-RPC at `url` in both A2A 1.0 and 0.3."""
    return AgentCard(
        name=name, description=description, version=version,
        supported_interfaces=[
            AgentInterface(protocol_binding="JSONRPC", protocol_version="1.0", url=url),
            AgentInterface(protocol_binding="JSONRPC", protocol_version="0.3", url=url)],
        default_input_modes=["text", "application/json"],
        default_output_modes=["text", "application/json"],
        capabilities=AgentCapabilities(streaming=streaming),
        skills=list(skills))


def build_a2a_app(card: AgentCard, executor: AgentExecutor, *,
                  max_body_bytes: int | None = None,
                  routes: Sequence[BaseRoute] = (),
                  lifespan: Callable[[Starlette], AbstractAsyncContextManager[None]] | None = None,
                  ) -> Starlette:
    """The app serving `executor`, plus the agent's own `routes` (and the `lifespan` they
    need); `max_body_bytes` caps request bodies (a2a_app.connection). Executors can see whether
    a blocking call's client went away (`client_disconnected`)."""
    handler = DefaultRequestHandler(agent_executor=executor, task_store=InMemoryTaskStore(),
                                    agent_card=card)
    all_routes = [*create_agent_card_routes(card),
                  *create_agent_card_routes(card, card_url=LEGACY_CARD_PATH),
                  *create_jsonrpc_routes(handler, rpc_url="/", enable_v0_3_compat=True,
                                         context_builder=ConnectionContextBuilder()),
                  *routes]
    middleware = [Middleware(BodyLimit, max_bytes=max_body_bytes)] if max_body_bytes else []
    return Starlette(routes=all_routes, middleware=middleware, lifespan=lifespan)
