"""The sandbox's defaults that the CLI shows in its help, in a module that imports nothing:
building `crmarena`'s parser must not load the server (its import pulls in the MCP SDK and
Starlette, about 1.5 s of every command's start)."""

from __future__ import annotations

#: The port `crmarena sandbox` serves HTTPS on.
DEFAULT_PORT = 8443
#: Every sandbox user's login password.
DEFAULT_PASSWORD = "crmarena"
