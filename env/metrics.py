"""Episode metrics, computed from the log alone (never from what the agent says about itself).

Definitions:
- steps: agent turns taken (each reply is one step, well-formed or not);
- queries / failed_queries: soql_query and sosl_search calls executed / those answered with an
  error;
- hallucinated_names: distinct object/field/relationship paths that exist in neither the base nor
  the drifted schema;
- stale_name_errors: failed calls that used a name drift had renamed (it exists only in the base
  schema); recovered when a later successful query touches the same base object;
- errors / errors_recovered: every error turn (format, unknown tool, invalid arguments,
  Salesforce error); a Salesforce error is recovered by a later successful query on the same
  base object (or any later successful query when the object itself was unknown), any other
  error by a later well-formed, valid call;
- optimal_steps: the reference solution's calls + submit_answer, plus under drift one describe per
  object the reference names (FROM objects, objects reached through paths and child subqueries)
  and one describeGlobal: what an agent needs to find the new names.
"""

from __future__ import annotations

import json
from functools import lru_cache

from pydantic import BaseModel, ConfigDict

from env.log import EpisodeLog, Termination, TurnRecord
from env.names import base_resolver, objects_used
from env.tools import DESCRIBE, QUERY_TOOLS, SUBMIT_ANSWER
from sandbox_db.schema import load_schema


class EpisodeMetrics(BaseModel):
    model_config = ConfigDict(frozen=True)

    termination: Termination | None
    submitted: bool
    steps: int
    max_steps: int
    reference_steps: int
    optimal_steps: int
    tool_calls: int
    queries: int
    failed_queries: int
    describe_calls: int
    format_errors: int
    unknown_tool_calls: int
    invalid_argument_errors: int
    errors: int
    errors_recovered: int
    names_referenced: int
    hallucinated_names: list[str]
    stale_name_errors: int
    stale_name_errors_recovered: int
    truncated_observations: int
    tokens_in: int
    tokens_out: int
    agent_seconds: float
    env_seconds: float
    wall_seconds: float

    @property
    def hallucinations(self) -> int:
        return len(self.hallucinated_names) + self.unknown_tool_calls


def compute_metrics(log: EpisodeLog) -> EpisodeMetrics:
    turns = log.turns
    header = log.header
    reference_steps = len(header.task.reference.steps) if header.task.reference else 0
    optimal = reference_steps + 1
    if header.config.drift != "none" and reference_steps:
        optimal += len(reference_objects(log)) + 1
    queries = [t for t in turns if t.tool in QUERY_TOOLS and t.error_kind in (None, "salesforce")]
    errors = [i for i, t in enumerate(turns) if not t.ok]
    recovered = [i for i in errors if _recovered(turns, i)]
    stale = [i for i in errors if turns[i].error_kind == "salesforce"
             and any(n.status == "stale" for n in turns[i].names)]
    referenced = {(n.kind, n.path.lower()) for t in turns for n in t.names}
    hallucinated: list[str] = []
    for t in turns:
        for n in t.names:
            if n.status == "hallucinated" and n.path not in hallucinated:
                hallucinated.append(n.path)
    end = log.end
    return EpisodeMetrics(
        termination=end.termination if end else None,
        submitted=bool(end and end.termination == "submitted"),
        steps=len(turns),
        max_steps=header.config.max_steps,
        reference_steps=reference_steps,
        optimal_steps=optimal,
        tool_calls=sum(1 for t in turns if t.error_kind not in ("format", "unknown_tool")),
        queries=len(queries),
        failed_queries=sum(1 for t in queries if not t.ok),
        describe_calls=sum(1 for t in turns
                           if t.tool == DESCRIBE and t.error_kind != "invalid_arguments"),
        format_errors=sum(1 for t in turns if t.error_kind == "format"),
        unknown_tool_calls=sum(1 for t in turns if t.error_kind == "unknown_tool"),
        invalid_argument_errors=sum(1 for t in turns if t.error_kind == "invalid_arguments"),
        errors=len(errors),
        errors_recovered=len(recovered),
        names_referenced=len(referenced),
        hallucinated_names=hallucinated,
        stale_name_errors=len(stale),
        stale_name_errors_recovered=sum(1 for i in stale if i in recovered),
        truncated_observations=sum(1 for t in turns if t.truncated),
        tokens_in=sum(t.tokens_in for t in turns) + (end.unanswered_tokens_in if end else 0),
        tokens_out=sum(t.tokens_out for t in turns),
        agent_seconds=round(sum(t.agent_seconds for t in turns), 6),
        env_seconds=round(sum(t.env_seconds for t in turns), 6),
        wall_seconds=end.wall_seconds if end else 0.0,
    )


def _objects(turn: TurnRecord) -> set[str]:
    return {n.base_object for n in turn.names
            if n.kind == "object" and n.status != "hallucinated" and n.base_object}


def _recovered(turns: list[TurnRecord], i: int) -> bool:
    failed = turns[i]
    later = turns[i + 1:]
    if failed.error_kind != "salesforce":
        return any(t.ok for t in later)
    objects = _objects(failed)
    successes = [t for t in later if t.ok and t.tool in QUERY_TOOLS]
    if failed.tool == DESCRIBE:
        successes += [t for t in later if t.ok and t.tool == DESCRIBE]
    if not objects:
        return bool(successes)
    return any(_objects(t) & objects for t in successes)


def reference_objects(log: EpisodeLog) -> list[str]:
    """Base objects the task's reference solution names (what drift discovery must cover)."""
    task = log.header.task
    if task.reference is None:
        return []
    calls = [(s.name, dict(s.arguments)) for s in task.reference.steps if s.name != SUBMIT_ANSWER]
    try:
        key = tuple((name, json.dumps(arguments, sort_keys=True)) for name, arguments in calls)
    except (TypeError, ValueError):  # arguments that are not plain JSON: no memo
        return objects_used(base_resolver(load_schema(task.org)), calls)
    return list(_reference_objects(task.org, key))


@lru_cache(maxsize=4096)
def _reference_objects(org: str, calls: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    """Memoised per (org, reference calls): every log of a task asks the same question."""
    return tuple(objects_used(base_resolver(load_schema(org)),
                              [(name, json.loads(arguments)) for name, arguments in calls]))


