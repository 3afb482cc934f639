"""Purple agents (the assessed side) served over A2A.

- `conversation_server`: any per-context conversation as an A2A agent (message mode);
- `baseline` + `llm`: an LLM on an OpenAI-compatible endpoint, native tools or ReAct text;
- `reference`: env.agents' reference agents (oracle, null, ...) behind A2A;
- `hostile`: broken agents (garbage, hang, HTTP 500, dropped connection) for robustness tests.
"""

# First, before anything imports a2a: a2a_app turns a2a-sdk's OpenTelemetry spans off.
import a2a_app  # noqa: F401 - imported for that side effect

