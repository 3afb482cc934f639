# The green agent (assessor) image for AgentBeats: `crmarena serve` on port 9009.
#   docker build --platform linux/amd64 -t ghcr.io/<you>/entropic-crmarena .
#   docker run -p 9009:9009 ghcr.io/<you>/entropic-crmarena --card-url http://<name>:9009/
# Starts with a read-only root filesystem (`--read-only --tmpfs /tmp`: assessments keep their
# results in a temporary folder unless --results-dir / CRMARENA_RESULTS_DIR names a volume).
# Environment: CRMARENA_PORT (the port when --port is not given; the HEALTHCHECK follows it),
# CRMARENA_CARD_URL (the card's URL when --card-url is not given), CRMARENA_RESULTS_DIR.
# The context is an allowlist (.dockerignore): the packages, pyproject.toml and uv.lock.

FROM python:3.11-slim AS base
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH=/app/.venv/bin:$PATH \
    CRMARENA_CACHE_DIR=/app/orgs \
    CRMARENA_PORT=9009
RUN useradd --create-home --uid 1000 agent
WORKDIR /app

# --- build: a virtualenv with the project installed (no uv, no cache, no sources kept) --------
FROM base AS build
ENV UV_LINK_MODE=copy \
    UV_COMPILE_BYTECODE=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_NO_CACHE=1
RUN pip install --no-cache-dir uv==0.13.9
# Dependencies: this layer depends on pyproject.toml and uv.lock only.
COPY pyproject.toml uv.lock ./
RUN uv sync --locked --no-dev --no-install-project
# The project as a wheel (compiled, no editable path). README.md is not in the context (its
# edits rebuild nothing); the package metadata gets a one-line stand-in.
COPY . .
RUN echo "Entropic CRMArena: see the project's README." > README.md \
    && uv sync --locked --no-dev --no-editable
# The orgs, the committed task sets checked against them, and every default task's rot plan at
# every level (entropy.prewarm): containers start warm and plan no rot at run time. They are made
# in a build cache that outlives the build, keyed by content (the generator's sources; the org,
# task, level and planner code), so a rebuild only plans what changed; the current orgs and plans
# are then copied into the image.
RUN --mount=type=cache,id=crmarena-orgs,target=/cache/orgs \
    export CRMARENA_CACHE_DIR=/cache/orgs \
    && crmarena org build --org all \
    && crmarena tasks build --check \
    && crmarena org prewarm-rot --org all --rot all --copy-to /app/orgs

# --- the image ----------------------------------------------------------------------------------
FROM base
COPY --from=build /app/.venv /app/.venv
# Writable by the agent user (when the root filesystem is): an org or rot plan made at run time
# (another seed) is kept for the container's next assessments.
COPY --from=build --chown=agent:agent /app/orgs /app/orgs
# Numeric, so that Kubernetes' runAsNonRoot can verify it (deploy/kubernetes).
USER 1000:1000
EXPOSE 9009
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/.well-known/agent-card.json' % os.environ.get('CRMARENA_PORT', '9009'), timeout=4)"]
ENTRYPOINT ["crmarena", "serve"]
CMD ["--host", "0.0.0.0"]
