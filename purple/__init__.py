"""Purple agents (the assessed side) served over A2A.

- `conversation_server`: any per-context conversation as an A2A agent (message mode);
- `baseline` + `llm`: an LLM on an OpenAI-compatible endpoint, native tools or ReAct text;
- `reference`: env.agents' reference agents (oracle, null, ...) behind A2A;
- `hostile`: broken agents (garbage, hang, HTTP 500, dropped connection) for robustness tests.
"""

import os

# a2a-sdk wraps every client and server call in OpenTelemetry spans; with only the API installed
# (no SDK, no exporter) they record nothing yet cost ~5 ms of CPU per assessed task. Off unless
# the operator sets the variable. Must run before a2a is imported, hence here.
os.environ.setdefault("OTEL_INSTRUMENTATION_A2A_SDK_ENABLED", "false")

