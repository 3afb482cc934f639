"""Serving agents over A2A the way AgentBeats expects, shared by the green and purple agents.

- `app`: the agent card (A2A 1.0 and 0.3 interfaces) and the Starlette app around an executor;
- `local_server`: an ASGI app on a background thread on a free local port (demo, tests, bench).

Importing this package turns a2a-sdk's OpenTelemetry spans off (see below); `green` and `purple`
import it first for that reason.
"""

import os

# a2a-sdk wraps every client and server call in OpenTelemetry spans; with only the API installed
# (no SDK, no exporter) they record nothing yet cost ~5 ms of CPU per assessed task. Off unless
# the operator sets the variable. Must run before a2a is imported, hence here.
os.environ.setdefault("OTEL_INSTRUMENTATION_A2A_SDK_ENABLED", "false")
