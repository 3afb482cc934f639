"""The Starlette app: which path and method runs which handler, with or without a session.

Every route is served with and without a trailing slash (clients differ), accepts every method
(so a wrong one gets Salesforce's METHOD_NOT_ALLOWED, or on records the read-only user's error,
instead of a bare 405), and anything else falls through to NOT_FOUND. Nothing here is answered
outside `calls.endpoint`, so every request is logged; `/mcp` serves the same org's episode tools
over MCP (salesforce_api.mcp_endpoint), each call logged too.
"""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.routing import Route

from salesforce_api import login, rest
from salesforce_api.calls import ALL_METHODS, Handler, SandboxApi, endpoint
from salesforce_api.mcp_endpoint import PATHS, build_tool_server

DATA = "/services/data/v{version}"


def _route(path: str, handler: Handler, tool: str, **options: object) -> list[Route]:
    run = endpoint(handler, tool=tool, **options)  # type: ignore[arg-type]
    return [Route(p, run, methods=list(ALL_METHODS)) for p in (path, path + "/")]


def routes() -> list[Route]:
    table: list[tuple[str, Handler, str, dict[str, Any]]] = [
        # logins and identity
        ("/services/Soap/u/{version}", login.soap_login, "login",
         dict(methods=("POST",), auth=False)),
        ("/services/oauth2/token", login.oauth_token, "login",
         dict(methods=("POST",), auth=False, versioned=False)),
        ("/services/oauth2/userinfo", login.userinfo, "userinfo", dict(versioned=False)),
        ("/id/{org_id}/{user_id}", login.identity, "identity", dict(versioned=False)),
        # the REST API
        ("/services/data", rest.versions, "versions", dict(auth=False, versioned=False)),
        (DATA, rest.resources, "resources", {}),
        (f"{DATA}/query", rest.query, "soql_query", {}),
        (f"{DATA}/queryAll", rest.query, "soql_query", {}),
        (f"{DATA}/query/{{locator}}", rest.query_more, "query_more", {}),
        (f"{DATA}/queryAll/{{locator}}", rest.query_more, "query_more", {}),
        (f"{DATA}/search", rest.search, "sosl_search", {}),
        (f"{DATA}/sobjects", rest.describe_global, "describe", {}),
        (f"{DATA}/sobjects/{{sobject}}", rest.sobject_metadata, "sobject",
         dict(writes=True)),
        (f"{DATA}/sobjects/{{sobject}}/describe", rest.describe_sobject, "describe", {}),
        (f"{DATA}/sobjects/{{sobject}}/{{record_id}}", rest.retrieve, "retrieve",
         dict(writes=True)),
        (f"{DATA}/sobjects/{{sobject}}/{{field}}/{{value}}", rest.retrieve_by_field,
         "retrieve_by_field", dict(writes=True)),
        (f"{DATA}/composite/sobjects", rest.not_found, "write", dict(methods=(), writes=True)),
        (f"{DATA}/composite/sobjects/{{sobject}}", rest.composite_retrieve, "retrieve",
         dict(methods=("POST",), writes=True)),
        (f"{DATA}/limits", rest.limits, "limits", {}),
    ]
    out = [r for path, handler, tool, options in table for r in _route(path, handler, tool,
                                                                         **options)]
    catch_all = endpoint(rest.not_found, tool="unknown", methods=ALL_METHODS, auth=False,
                         versioned=False)
    return out + [Route("/{path:path}", catch_all, methods=list(ALL_METHODS))]


def build_app(api: SandboxApi) -> Starlette:
    """The sandbox's app; its lifespan runs the MCP endpoint (serve it with lifespan on)."""
    tools = build_tool_server(api)
    app = Starlette(routes=[*(tools.route(path) for path in PATHS), *routes()],
                    lifespan=tools.running)
    app.state.api = api
    return app
