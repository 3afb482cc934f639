# The green agent (assessor) image for AgentBeats: `crmarena serve` on port 9009.
# Build: docker build --platform linux/amd64 -t ghcr.io/<you>/entropic-crmarena:latest .
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

# Dependencies first (cached layer), then the project itself.
COPY --chown=agent:agent pyproject.toml uv.lock README.md ./
RUN uv sync --locked --no-dev --no-install-project
COPY --chown=agent:agent . .
RUN uv sync --locked --no-dev

# Build the orgs into the image, check the committed task sets reproduce from them, and verify
# the rot plans of every task at every level: containers start warm, without any build step.
RUN uv run --no-sync crmarena org build --org all \
    && uv run --no-sync crmarena tasks build --check \
    && uv run --no-sync crmarena org prewarm-rot --org all --rot all

EXPOSE 9009
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:9009/.well-known/agent-card.json', timeout=4)"

ENTRYPOINT ["uv", "run", "--no-sync", "crmarena", "serve"]
CMD ["--host", "0.0.0.0", "--port", "9009"]
