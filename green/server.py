"""The green agent's A2A server: the agent card and the app `crmarena serve` runs."""

from __future__ import annotations

from pathlib import Path

from a2a.types import AgentCard, AgentSkill
from starlette.applications import Starlette

from a2a_app.app import build_a2a_app, make_card
from green.executor import GreenExecutor, RunAssessment
from green.request import EXAMPLE_REQUEST
from mcp_tools.episodes import EpisodeTools

DEFAULT_PORT = 9009


def green_card(url: str) -> AgentCard:
    return make_card(
        name="Entropic CRMArena",
        description=(
            "Assesses an A2A agent on CRM work in a simulated Salesforce org (DuckDB) under real "
            "schema drift (renamed fields) and context rot (distractor records). The agent talks "
            "SOQL/SOSL through tool calls, one JSON tool call per reply or over an MCP endpoint "
            "per episode; it is scored on 7 dimensions from the tool-call log."),
        url=url,
        skills=[AgentSkill(
            id="crm_assessment", name="CRM agent assessment",
            description=(
                'Send {"participants": {"agent": "<purple A2A URL>"}, "config": {...}} as JSON '
                "text or a data part. Config keys: task_limit, task_percentage, task_ids, "
                "task_categories, drift_level, rot_level (none|low|medium|high), org_type "
                "(b2b|b2c|all), max_steps, timeout, trials, concurrency, seed, shard_index, "
                "num_shards. Streams 'task i/n · pass p' and returns results.json as an artifact."),
            tags=["assessment", "crm", "salesforce", "soql", "benchmark", "agentbeats"],
            examples=[EXAMPLE_REQUEST])])


def build_green_app(url: str, *, run: RunAssessment | None = None,
                    results_root: Path | None = None) -> Starlette:
    """The green agent at `url` (the URL its card advertises), serving each episode's MCP
    endpoint under `url`/mcp/."""
    tools = EpisodeTools(url)
    return build_a2a_app(green_card(url), GreenExecutor(run=run, results_root=results_root,
                                                        episode_tools=tools),
                         routes=tools.routes(), lifespan=tools.lifespan)
