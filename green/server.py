"""The green agent's A2A server: the agent card and the app `crmarena serve` runs."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from a2a.types import AgentCard, AgentSkill
from starlette.applications import Starlette

from a2a_app.app import build_a2a_app, make_card
from core.provenance import package_version
from data.tasks import grading
from env import tokens
from env.config_docs import config_card_text
from green.executor import GreenExecutor, RunAssessment
from green.request import EXAMPLE_REQUEST
from mcp_tools.episodes import EpisodeTools

DEFAULT_PORT = 9009
#: An assessment request is a few hundred bytes (a long task_ids list a few KiB); anything near
#: this cap is a mistake or an attack, refused before it is read (a2a_app.connection).
MAX_REQUEST_BYTES = 1024 * 1024


def green_card(url: str) -> AgentCard:
    return make_card(
        name="Entropic CRMArena",
        description=(
            "Assesses an A2A agent on CRM work in a simulated Salesforce org (DuckDB) under real "
            "schema drift (renamed fields) and context rot (distractor records). The agent talks "
            "SOQL/SOSL through tool calls, one JSON tool call per reply or over an MCP endpoint "
            "per episode; it is scored on 7 dimensions from the tool-call log."),
        url=url, version=package_version(),
        skills=[AgentSkill(
            id="crm_assessment", name="CRM agent assessment",
            description=(
                'Send {"participants": {"agent": "<purple A2A URL>"}, "config": {...}} as JSON '
                f"text or a data part (at most {MAX_REQUEST_BYTES // 1024} KiB). Config keys: "
                f"{config_card_text()}. Unknown keys are accepted and named in a warning. "
                "Streams 'task i/n · pass p' and returns results.json as an artifact."),
            tags=["assessment", "crm", "salesforce", "soql", "benchmark", "agentbeats"],
            examples=[EXAMPLE_REQUEST])])


def _warm() -> None:
    tokens.warm()
    grading.warm()


def build_green_app(url: str, *, run: RunAssessment | None = None,
                    results_root: Path | None = None, workers: int = 1) -> Starlette:
    """The green agent at `url` (the URL its card advertises), serving each episode's MCP
    endpoint under `url`/mcp/; `workers` > 1 runs each assessment's episodes in that many
    processes. `app.state.on_stop` cancels the running assessments, each with a final
    `canceled` state (crmarena_cli.serving calls it on Ctrl-C)."""
    tools = EpisodeTools(url)
    executor = GreenExecutor(run=run, results_root=results_root, workers=workers,
                             episode_tools=tools)

    @asynccontextmanager
    async def lifespan(app: object) -> AsyncIterator[None]:
        # The tokenizer and the grader's tables load beside the starting server, not inside
        # the first episodes.
        threading.Thread(target=_warm, name="warm-up", daemon=True).start()
        async with tools.lifespan(app):
            yield

    app = build_a2a_app(green_card(url), executor, max_body_bytes=MAX_REQUEST_BYTES,
                        routes=tools.routes(), lifespan=lifespan)
    app.state.on_stop = executor.stop_all
    return app
