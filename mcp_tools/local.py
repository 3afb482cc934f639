"""Episode endpoints served from the current event loop, for an assessment run outside a green
server (`crmarena assess --agent URL --tool-transport mcp`): a uvicorn server on a free port of
127.0.0.1 whose only routes are the episodes' MCP endpoints."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from starlette.applications import Starlette

from a2a_app.local_server import bind_socket
from mcp_tools.episodes import EpisodeTools


@asynccontextmanager
async def serve_episode_tools(enabled: bool = True,
                              host: str = "127.0.0.1") -> AsyncIterator[EpisodeTools | None]:
    """The served EpisodeTools until exit (None, and nothing served, when not `enabled`).
    Same loop as the episodes: an MCP call and its episode share one event loop."""
    if not enabled:
        yield None
        return
    sock = bind_socket(host)
    tools = EpisodeTools(f"http://{host}:{sock.getsockname()[1]}/")
    app = Starlette(routes=tools.routes(), lifespan=tools.lifespan)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if serving.done():
                raise RuntimeError(f"the MCP endpoints on {tools.base_url} did not start") \
                    from serving.exception()
            await asyncio.sleep(0.01)
        yield tools
    finally:
        server.should_exit = True
        await serving
        sock.close()
