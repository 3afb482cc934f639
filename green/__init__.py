"""The green agent (assessor) over A2A.

- `server`: the green agent's card and app (`crmarena serve`; serving is a2a_app's);
- `executor`: one A2A task per assessment (validate, run env.runner, stream, artifact);
- `request`: the assessment request model and its error messages;
- `client`: `A2AAgent`, the purple agent as an env.protocol.Agent over A2A;
- `assessment_client`: ask a green agent for an assessment (demo, tests);
- `summary`: the results table and summary text (the executor's artifact, `crmarena demo`).
"""

# First, before anything imports a2a: a2a_app turns a2a-sdk's OpenTelemetry spans off.
import a2a_app  # noqa: F401 - imported for that side effect

