"""The episode's tools over MCP (the official `mcp` SDK, streamable HTTP).

- `server`: one MCP server listing env.tools.TOOL_SPECS, authenticating every request and handing
  its calls to a target (a green episode, a sandbox session);
- `episodes`: a green agent's per-episode endpoints and tokens, and the session that feeds the
  episode loop MCP calls as replies;
- `client`: the purple side: find the endpoint in the task message, connect, list, call.
"""
