"""The four tools an agent may call, declared once as JSON schema, and their dispatch.

Every call is validated against its schema before it runs (jsonschema), so a bad argument is an
`INVALID_ARGUMENTS` observation for the agent, never an exception in the environment. Results and
errors are Salesforce-shaped JSON; large results are trimmed to `OBSERVATION_LIMIT` characters
with an explicit note, so one careless query cannot flood the agent's context.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jsonschema import Draft202012Validator

# How observations are rendered lives in core.observation; re-exported under the old path.
from core.observation import OBSERVATION_LIMIT as OBSERVATION_LIMIT
from core.observation import render_payload as render_payload
from core.tool_call import ToolCall
from sandbox_db.errors import ErrorCode, SalesforceError
from sandbox_db.soql import run_soql, run_sosl

if TYPE_CHECKING:
    from sandbox_db.database import OrgView

SOQL_QUERY = "soql_query"
SOSL_SEARCH = "sosl_search"
DESCRIBE = "describe"
SUBMIT_ANSWER = "submit_answer"

#: Error codes the environment itself emits (Salesforce's own codes come from sandbox_db.errors).
FORMAT_ERROR = "FORMAT_ERROR"
UNKNOWN_TOOL = "UNKNOWN_TOOL"
INVALID_ARGUMENTS = "INVALID_ARGUMENTS"

TOOL_SPECS: tuple[dict[str, Any], ...] = (
    {
        "name": SOQL_QUERY,
        "description": "Run one SOQL query against the org and return the matching records "
                       "(Salesforce REST shape: totalSize, done, records).",
        "parameters": {
            "type": "object",
            "properties": {"query": {"type": "string", "minLength": 1,
                                     "description": "A SOQL SELECT statement."}},
            "required": ["query"],
            "additionalProperties": False,
        },
    },
    {
        "name": SOSL_SEARCH,
        "description": "Run one SOSL search (FIND {term} IN ... RETURNING ...) and return "
                       "the matching records (searchRecords).",
        "parameters": {
            "type": "object",
            "properties": {"search": {"type": "string", "minLength": 1,
                                      "description": "A SOSL FIND statement."}},
            "required": ["search"],
            "additionalProperties": False,
        },
    },
    {
        "name": DESCRIBE,
        "description": "Without `object`: list the org's objects (describeGlobal) and the "
                       "user your queries run as (runningUser). With `object`: that object's "
                       "fields, types, relationships and supported USING SCOPE values.",
        "parameters": {
            "type": "object",
            "properties": {"object": {"type": "string", "minLength": 1,
                                      "description": "An sObject API name, e.g. Case."}},
            "additionalProperties": False,
        },
    },
    {
        "name": SUBMIT_ANSWER,
        "description": "Finish the task. `answer` is the list of answer values (e.g. Ids, "
                       "names, months), or null; set `refuse` to true to decline a request "
                       "that must not be fulfilled.",
        "parameters": {
            "type": "object",
            "properties": {
                "answer": {"type": ["array", "null"], "items": {"type": "string"}},
                "refuse": {"type": "boolean", "default": False},
            },
            "required": ["answer"],
            "additionalProperties": False,
        },
    },
)

TOOL_NAMES: tuple[str, ...] = tuple(spec["name"] for spec in TOOL_SPECS)
QUERY_TOOLS = frozenset({SOQL_QUERY, SOSL_SEARCH})
_VALIDATORS = {spec["name"]: Draft202012Validator(spec["parameters"]) for spec in TOOL_SPECS}


def error_json(code: str, message: str) -> list[dict[str, str]]:
    return [{"errorCode": code, "message": message}]


def validate_call(call: ToolCall) -> list[dict[str, str]] | None:
    """The error to return for an unknown tool or invalid arguments; None when the call is valid."""
    validator = _VALIDATORS.get(call.name)
    if validator is None:
        return error_json(UNKNOWN_TOOL, f"Unknown tool '{call.name}'. Available tools: "
                                        f"{', '.join(TOOL_NAMES)}.")
    problems = sorted(validator.iter_errors(call.arguments), key=lambda e: list(e.path))
    if problems:
        detail = "; ".join(_describe_problem(p) for p in problems[:3])
        return error_json(INVALID_ARGUMENTS, f"Invalid arguments for {call.name}: {detail}")
    return None


def _describe_problem(problem: Any) -> str:
    where = ".".join(str(p) for p in problem.absolute_path) or "arguments"
    return f"{where}: {problem.message}"


@dataclass(frozen=True)
class ToolOutcome:
    """What one executed tool call produced: the JSON payload and, on failure, its error code."""

    payload: Any
    error_code: str | None = None

    @property
    def ok(self) -> bool:
        return self.error_code is None


def execute(view: OrgView, call: ToolCall, today: dt.date) -> ToolOutcome:
    """Run a validated, non-submit tool call on the episode's view (blocking: DuckDB)."""
    try:
        if call.name == SOQL_QUERY:
            return ToolOutcome(run_soql(view, call.arguments["query"], today=today))
        if call.name == SOSL_SEARCH:
            return ToolOutcome(run_sosl(view, call.arguments["search"], today=today))
        if call.name == DESCRIBE:
            return ToolOutcome(describe(view, call.arguments.get("object")))
    except SalesforceError as exc:
        return ToolOutcome(exc.to_json(), exc.error_code.value)
    raise ValueError(f"execute() cannot run {call.name}")


def describe(view: OrgView, object_name: str | None) -> dict[str, Any]:
    """describeGlobal (with the running user), or one visible object's describe; unknown objects
    are NOT_FOUND."""
    if object_name is None:  # plus who the session runs as (USING SCOPE mine, team, ...)
        return {**view.schema.describe_global(), "runningUser": view.running_user()}
    obj = view.schema.get(object_name)
    if obj is None:
        raise SalesforceError(ErrorCode.NOT_FOUND,
                              f"The requested resource does not exist: sObject type "
                              f"'{object_name}' is not supported.")
    return obj.describe()
