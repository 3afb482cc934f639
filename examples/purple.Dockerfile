# A purple agent's image for AgentBeats: this repository (for purple.conversation_server) plus
# your agent, here examples/minimal_purple.py. Replace the ENTRYPOINT's script with yours.
# Build from the repository root:
#   docker build --platform linux/amd64 -f examples/purple.Dockerfile -t ghcr.io/<you>/my-purple .
#   docker run -p 9010:9010 ghcr.io/<you>/my-purple
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    UV_LINK_MODE=copy \
    UV_COMPILE_BYTECODE=1 \
    UV_PYTHON_DOWNLOADS=never

RUN pip install --no-cache-dir uv \
    && useradd --create-home --uid 1000 agent

WORKDIR /app
RUN chown agent:agent /app
USER agent

# Dependencies first (cached layer), then the project and the agent.
COPY --chown=agent:agent pyproject.toml uv.lock README.md ./
RUN uv sync --locked --no-dev --no-install-project
COPY --chown=agent:agent . .
RUN uv sync --locked --no-dev

EXPOSE 9010
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:9010/.well-known/agent-card.json', timeout=4)"

# AgentBeats appends --card-url <the URL the card must advertise>.
ENTRYPOINT ["uv", "run", "--no-sync", "python", "examples/minimal_purple.py"]
CMD ["--host", "0.0.0.0", "--port", "9010"]
