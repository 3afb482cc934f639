"""The green agent (assessor) over A2A.

- `server` / `a2a_app`: the Starlette app and agent card (`crmarena serve`);
- `executor`: one A2A task per assessment (validate, run env.runner, stream, artifact);
- `request`: the assessment request model and its error messages;
- `client`: `A2AAgent`, the purple agent as an env.protocol.Agent over A2A;
- `assessment_client`: ask a green agent for an assessment (demo, tests);
- `demo`, `summary`, `local_server`: `crmarena demo` and its helpers.
"""
