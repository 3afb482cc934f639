"""Running a reference solution: its tool calls on an org view, then its derivation.

Why here and not in the oracle: the gold answer of every generated task *is* this function's result
on the base org, so building a task set, re-deriving gold in tests, and checking that context rot
never changes an answer all call the same code.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from core.tool_call import ToolCall
from data.tasks.model import NONE_ANSWER, ReferenceSolution, Task
from data.tasks.registry import DERIVATIONS
from sandbox_db import soql
from sandbox_db.database import OrgView
from sandbox_db.schema import OrgSchema, SObject

#: The reference tools and the argument each one takes.
REFERENCE_TOOLS = {"soql_query": "query", "sosl_search": "search", "describe": "object"}


class ReferenceSolutionError(ValueError):
    """A reference solution that cannot run (unknown tool or derivation, missing argument)."""


def _reference_of(task_or_reference: Task | ReferenceSolution) -> ReferenceSolution:
    if isinstance(task_or_reference, ReferenceSolution):
        return task_or_reference
    if task_or_reference.reference is None:
        raise ReferenceSolutionError(f"task {task_or_reference.id} has no reference solution")
    return task_or_reference.reference


def execute_step(view: OrgView, step: ToolCall, today: dt.date | None) -> Any:
    """One tool call's Salesforce-shaped result (SalesforceError propagates: a reference
    solution must run cleanly on the org it was written for)."""
    arg = REFERENCE_TOOLS.get(step.name)
    if arg is None:
        raise ReferenceSolutionError(f"unknown reference tool {step.name!r}")
    if step.name == "describe":
        name = step.arguments.get("object")
        if not name:
            return view.schema.describe_global()
        obj = view.schema.get(name)
        if obj is None:
            raise ReferenceSolutionError(f"describe: unknown object {name!r}")
        return obj.describe()
    text = step.arguments.get(arg)
    if not isinstance(text, str) or not text.strip():
        raise ReferenceSolutionError(f"{step.name} needs a non-empty {arg!r} argument")
    # a task without a date runs against today (UTC), as its episode does (env.episode)
    today = today or dt.datetime.now(dt.UTC).date()
    if step.name == "soql_query":
        return soql.run_soql(view, text, today=today)
    return soql.run_sosl(view, text, today=today)


def execute_reference_steps(view: OrgView, reference: Task | ReferenceSolution,
                            today: dt.date | None = None) -> list[Any]:
    """The results of the reference solution's tool calls, in step order."""
    ref = _reference_of(reference)
    return [execute_step(view, step, today) for step in ref.steps]


def derive(reference: ReferenceSolution, results: list[Any]) -> list[str]:
    """Apply the reference's registered derivation to tool results; normalises the answer to a
    non-empty list of strings (["None"] when nothing qualifies)."""
    fn = DERIVATIONS.get(reference.derivation)
    if fn is None:
        raise ReferenceSolutionError(f"unknown derivation {reference.derivation!r}")
    answer = [str(a) for a in fn(results, dict(reference.params)) if a is not None]
    return answer or [NONE_ANSWER]


def run_reference(view: OrgView, task_or_reference: Task | ReferenceSolution,
                  today: dt.date | None = None) -> list[str]:
    """The answer the reference solution produces on `view` (the gold answer on the base org).
    `today` defaults to the task's own date when a Task is given."""
    ref = _reference_of(task_or_reference)
    if today is None and isinstance(task_or_reference, Task):
        today = task_or_reference.today
    return derive(ref, execute_reference_steps(view, ref, today))


# --- which (object, field) pairs a reference solution reads -------------------------------

_STRING = re.compile(r"'(?:[^'\\]|\\.)*'")
_PATH = re.compile(r"(?<![\w:.])[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")
_TOKEN = re.compile(r"\d[\w:.+-]*|[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*|[()]|[^\s()]")
_IN_CLAUSE = re.compile(r"\bIN\s+(?:NAME|EMAIL|PHONE|ALL)\s+FIELDS\b", re.IGNORECASE)
_RETURNING = re.compile(r"\bRETURNING\b(.*)$", re.IGNORECASE | re.DOTALL)
_RETURNING_OBJ = re.compile(r"([A-Za-z_]\w*)\s*(?:\(([^)]*)\))?")


def _resolve_path(schema: OrgSchema, obj: SObject, path: str) -> list[tuple[str, str]]:
    """(object, field) pairs a dotted path reads from `obj`, or [] if it is not a field path."""
    parts = path.split(".")
    if len(parts) > 1 and parts[0].lower() == obj.name.lower():
        parts = parts[1:]
    pairs: list[tuple[str, str]] = []
    current = obj
    for rel in parts[:-1]:
        ref = current.field_by_relationship(rel)
        if ref is None or not ref.reference_to:
            return []
        pairs.append((current.name, ref.name))
        target = schema.get(ref.reference_to[0])
        if target is None:
            return []
        current = target
    field = current.field(parts[-1])
    if field is None:
        return []
    pairs.append((current.name, field.name))
    return pairs


class _Scope:
    """One SELECT (the query or a parenthesised subquery): its FROM name and its tokens."""

    def __init__(self, parent: _Scope | None) -> None:
        self.parent = parent
        self.from_name: str | None = None
        self.obj: SObject | None = None

    def resolve(self, schema: OrgSchema) -> SObject | None:
        if self.obj is None and self.from_name:
            self.obj = schema.get(self.from_name)
            parent = self.parent.resolve(schema) if self.parent else None
            if self.obj is None and parent is not None:  # child relationship subquery
                child = parent.child_relationship(self.from_name)
                self.obj = schema.get(child.child_object) if child else None
        return self.obj


def soql_referenced_fields(schema: OrgSchema, query: str) -> list[tuple[str, str]]:
    """Best-effort (object, field) base names a SOQL query reads (selects, filters, groups,
    orders, parent paths, child subqueries, semi-joins), each resolved against its own SELECT's
    FROM object. Unresolvable tokens (aliases, keywords, functions, literals) are skipped."""
    tokens = _TOKEN.findall(_STRING.sub("''", query))
    scope = _Scope(None)
    parens: list[bool] = []
    named: list[tuple[str, _Scope]] = []
    for i, tok in enumerate(tokens):
        if tok == "(":
            opens_select = i + 1 < len(tokens) and tokens[i + 1].upper() == "SELECT"
            parens.append(opens_select)
            if opens_select:
                scope = _Scope(scope)
        elif tok == ")":
            if parens and parens.pop() and scope.parent is not None:
                scope = scope.parent
        elif tok.upper() == "FROM" and i + 1 < len(tokens):
            scope.from_name = tokens[i + 1]
        elif (tok[0].isalpha() or tok[0] == "_") and not (i and tokens[i - 1].upper() == "FROM"):
            named.append((tok, scope))
    found: list[tuple[str, str]] = []
    for tok, owner in named:
        obj = owner.resolve(schema)
        if obj is not None:
            found.extend(p for p in _resolve_path(schema, obj, tok) if p not in found)
    return found


def sosl_referenced_fields(schema: OrgSchema, search: str) -> list[tuple[str, str]]:
    """(object, field) pairs named in a SOSL RETURNING clause."""
    match = _RETURNING.search(_STRING.sub("''", _IN_CLAUSE.sub("", search)))
    found: list[tuple[str, str]] = []
    if not match:
        return found
    for obj_name, fields in _RETURNING_OBJ.findall(match.group(1)):
        obj = schema.get(obj_name)
        if obj is None:
            continue
        for token in _PATH.findall(fields or ""):
            for pair in _resolve_path(schema, obj, token):
                if pair not in found:
                    found.append(pair)
    return found


def referenced_fields(schema: OrgSchema, steps: Iterable[ToolCall]) -> tuple[tuple[str, str], ...]:
    """The (object, field) pairs a reference solution's queries read, in first-seen order,
    excluding Id fields (drift never renames Ids)."""
    found: list[tuple[str, str]] = []
    for step in steps:
        if step.name == "soql_query":
            pairs = soql_referenced_fields(schema, str(step.arguments.get("query", "")))
        elif step.name == "sosl_search":
            pairs = sosl_referenced_fields(schema, str(step.arguments.get("search", "")))
        else:
            continue
        found.extend(p for p in pairs if p not in found and p[1] != "Id")
    return tuple(found)
