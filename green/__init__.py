"""The green agent (assessor) over A2A.

- `server` / `a2a_app`: the Starlette app and agent card (`crmarena serve`);
- `executor`: one A2A task per assessment (validate, run env.runner, stream, artifact);
- `request`: the assessment request model and its error messages;
- `client`: `A2AAgent`, the purple agent as an env.protocol.Agent over A2A;
- `assessment_client`: ask a green agent for an assessment (demo, tests);
- `demo`, `summary`, `local_server`: `crmarena demo` and its helpers.
"""

import os

# a2a-sdk wraps every client and server call in OpenTelemetry spans; with only the API installed
# (no SDK, no exporter) they record nothing yet cost ~5 ms of CPU per assessed task. Off unless
# the operator sets the variable. Must run before a2a is imported, hence here.
os.environ.setdefault("OTEL_INSTRUMENTATION_A2A_SDK_ENABLED", "false")

