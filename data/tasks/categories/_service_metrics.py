"""Shared pieces of T1's categories: CRMArena-Pro policy texts, reference steps, and the
per-agent case arithmetic (managed cases, transfers, handle times) read from CaseHistory__c.

Underscore module: not a category itself; imported by handle_time, transfer_count and friends.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator, Sequence
from typing import Any

from core.tool_call import ToolCall
from data.tasks.model import ReferenceSolution, RotTarget
from data.tasks.periods import DOMAIN_DETAILS, Period, random_period, random_today
from data.tasks.registry import GenContext, TaskDraft
from data.tasks.results import as_datetime, records, value

#: Employee personas as CRMArena-Pro words them.
PERSONAS = (
    "You are deadline-driven, working efficiently under pressure to meet time constraints.",
    "You are risk-aware, carefully evaluating potential challenges before implementing changes.",
    "You are quality-focused, maintaining high standards and attention to detail in all work.",
    "You are strategic and long-term focused, considering the broader implications of decisions.",
    "You are collaborative and team-oriented, valuing input from all stakeholders before making "
    "decisions.",
    "You are growth-minded, constantly seeking opportunities for personal and professional "
    "development.",
    "You are process-oriented, emphasizing standardization and continuous improvement.",
    "You are analytical and data-focused, basing decisions on metrics and quantifiable outcomes.",
    "You are results-driven and efficient, focused on meeting targets and improving productivity.",
    "You are resource-conscious, optimizing budget allocation and minimizing waste.",
    "You are detail-oriented and methodical, preferring structured processes and thorough "
    "documentation.",
    "You are accountability-driven, taking ownership of tasks and following through on "
    "commitments.",
)

MANAGED_RULE = (
    "- In the queries that specify 'agents managed/queries x cases' -- this filter applies to "
    "both the first agent that the case was first assigned to and the agent that the case was "
    "transferred to. This means that if an agent has 2 cases that was initially assigned to "
    "itself by admin and 1 case transferred from another agent, a filter like 'handled/managed "
    "at least 3 cases' would not filter this agent out.\n")
OWNER_ASSIGNMENT_RULE = (
    "- For cases that have NOT been transferred to an other agent, there will be only ONE "
    "'Owner Assignment', and for those that have been transferred, there will be MORE THAN ONE "
    "'Owner Assignment'. \n")
CASES_IN_PERIOD = "- The cases of a period are the cases opened (created) within that period.\n"

HANDLE_TIME_POLICY = (
    "## Handle Time Policy\n- Definition: The duration taken to close a case. Specifically, it "
    "is the time from when a case is opened to when it is closed.\n" + MANAGED_RULE +
    "- When computing handle time, we do not compute handle time for cases that have been "
    "transferred to other agents.\n" + OWNER_ASSIGNMENT_RULE + CASES_IN_PERIOD)
TRANSFER_COUNT_POLICY = (
    "## Transfer Count Policy\n- Definition: The number of instances a case was reassigned or "
    "transferred from one agent to another. Each transfer from agent A to agent B adds to the "
    "transfer count for agent A.\n" + MANAGED_RULE + OWNER_ASSIGNMENT_RULE + CASES_IN_PERIOD)


def soql(query: str) -> ToolCall:
    return ToolCall(name="soql_query", arguments={"query": " ".join(query.split())})


def quoted(value_: str) -> str:
    return "'" + value_.replace("\\", "\\\\").replace("'", "\\'") + "'"


def id_list(ids: Sequence[str]) -> str:
    return "(" + ", ".join(quoted(i) for i in ids) + ")"


def context(policy: str, today: dt.date | None, *, domain: bool = True) -> str:
    parts = [policy.rstrip("\n") + "\n"] if policy else []
    if today is not None:
        parts.append(f"## Today's date: {today.isoformat()}\n")
    if domain:
        parts.append(DOMAIN_DETAILS)
    return "\n".join(parts)


def persona(rng: random.Random) -> str:
    return rng.choice(PERSONAS)


# --- cases of a period ----------------------------------------------------------------------

def cases_in(data: Any, period: Period) -> list[dict[str, Any]]:
    return [c for c in data["Case"] if period.contains(c["CreatedDate"])]


def first_case_day(data: Any) -> dt.date:
    """Questions are asked once the org has a case history worth asking about: 90 days after the
    first tenth of its cases."""
    days = sorted(c["CreatedDate"] for c in data["Case"])
    return (days[len(days) // 10] + dt.timedelta(days=90)).date() if days else dt.date(2021, 1, 1)


def case_rot_targets(rng: random.Random, cases: list[dict[str, Any]], period: Period,
                     k: int = 4) -> tuple[RotTarget, ...]:
    chosen = rng.sample(cases, min(k, len(cases)))
    return tuple(RotTarget(object="Case", record_id=c["Id"], date_field="CreatedDate",
                           window_start=period.start, window_end=period.end) for c in chosen)


def assignment_step(period: Period) -> ToolCall:
    """The Owner Assignment history of the cases opened in the period (lean: fits one
    observation for the periods the generators pick)."""
    return soql(f"SELECT CaseId__c, OldValue__c, NewValue__c FROM CaseHistory__c "
                f"WHERE Field__c = 'Owner Assignment' AND "
                f"{period.soql_range('CaseId__r.CreatedDate')}")


def closed_cases_step(period: Period) -> ToolCall:
    """The closed cases opened in the period, with their open and close times."""
    return soql(f"SELECT Id, CreatedDate, ClosedDate FROM Case WHERE Status = 'Closed' "
                f"AND {period.soql_range('CreatedDate')}")


class CaseOwnership:
    """Per-agent facts of a period's cases, from the period's Owner Assignment rows and
    (for handle times) its closed cases."""

    def __init__(self, assignments: Any, closed_cases: Any = None) -> None:
        self.assignments: dict[str, list[dict[str, Any]]] = {}
        for h in records(assignments):
            cid = value(h, "CaseId__c")
            if cid:
                self.assignments.setdefault(cid, []).append(h)
        self.closed = {r["Id"]: r for r in records(closed_cases)} if closed_cases else {}

    def managed(self) -> dict[str, int]:
        """Agent -> number of the period's cases it was ever assigned."""
        out: dict[str, int] = {}
        for rows in self.assignments.values():
            for agent in {value(h, "NewValue__c") for h in rows} - {None}:
                out[agent] = out.get(agent, 0) + 1
        return out

    def transfers(self) -> dict[str, int]:
        """Agent -> transfers away from it (Owner Assignments whose old value is the agent)."""
        out: dict[str, int] = {}
        for rows in self.assignments.values():
            for h in rows:
                old = value(h, "OldValue__c")
                if old:
                    out[old] = out.get(old, 0) + 1
        return out

    def handle_times(self) -> dict[str, list[float]]:
        """Agent -> handle times (seconds) of its closed, never-transferred cases."""
        out: dict[str, list[float]] = {}
        for cid, case in self.closed.items():
            rows = self.assignments.get(cid, [])
            if len(rows) != 1:
                continue
            opened = as_datetime(value(case, "CreatedDate"))
            closed = as_datetime(value(case, "ClosedDate"))
            agent = value(rows[0], "NewValue__c")
            if closed is None or opened is None or not agent:
                continue
            out.setdefault(agent, []).append((closed - opened).total_seconds())
        return out


def managed_phrase(rng: random.Random, k: int) -> str:
    """'managing more than k cases' in one of CRMArena-Pro's wordings."""
    count = {0: "zero", 1: "one", 2: "two", 3: "three"}.get(k, str(k)) if rng.random() < 0.5 \
        else str(k)
    noun = "case" if k == 1 else "cases"
    return rng.choice((f"managing more than {count} {noun}",
                       f"who handled more than {count} {noun}",
                       f"who have dealt with more than {count} {noun}"))


# --- the per-agent metric questions (handle_time, transfer_count) ---------------------------

def agent_metric_periods(ctx: GenContext
                         ) -> Iterator[tuple[dt.date, Period, list[dict[str, Any]]]]:
    """(today, period, its cases) for a per-agent metric question: a multi-month period with at
    least four cases, up to 30 draws per wanted task."""
    rng = ctx.rng
    for _ in range(ctx.count * 30):
        today = random_today(rng, first=first_case_day(ctx.data))
        period = random_period(rng, today, kinds=("months", "quarters", "quarter", "season"),
                               months=(4, 12), quarters=(2, 6))
        in_period = cases_in(ctx.data, period)
        if len(in_period) >= 4:
            yield today, period, in_period


def agent_metric_draft(rng: random.Random, queries: Sequence[str], *, today: dt.date,
                       period: Period, in_period: list[dict[str, Any]], lowest: bool, k: int,
                       steps: tuple[ToolCall, ...], derivation: str, policy: str) -> TaskDraft:
    """The task asking for the agent with the lowest/highest metric among agents that managed
    more than k of the period's cases."""
    return TaskDraft(
        query=rng.choice(queries).format(
            period=period.phrase, extreme="lowest" if lowest else "highest",
            managed=managed_phrase(rng, k)),
        reference=ReferenceSolution(steps=steps, derivation=derivation,
                                    params={"lowest": lowest, "min_managed_exclusive": k}),
        persona=persona(rng), required_context=context(policy, today),
        today=today, rot_targets=case_rot_targets(rng, in_period, period))
