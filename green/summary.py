"""Human-readable views of results.json: a plain-text summary (for the A2A artifact) and a rich
table (for the terminal). Both read only the documented results.json keys."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from data.tasks.identity import TaskSetIdentity

DIMENSIONS = ("FUNCTIONAL", "DRIFT_ADAPTATION", "TOKEN_EFFICIENCY", "QUERY_EFFICIENCY",
              "ERROR_RECOVERY", "TRAJECTORY_EFFICIENCY", "HALLUCINATION_RATE")


def _num(value: Any, digits: int = 1) -> str:
    return f"{value:.{digits}f}" if isinstance(value, (int, float)) else str(value)


def summary_text(results: dict[str, Any]) -> str:
    summary = results.get("summary", {})
    timing = results.get("timing", {})
    lines = [
        f"Entropic CRMArena: {summary.get('total_passed', '?')}/{summary.get('total_tasks', '?')}"
        f" tasks passed (pass rate {_num(summary.get('pass_rate', '?'), 3)},"
        f" avg score {_num(summary.get('avg_score', '?'))})",
    ]
    if results.get("task_set"):
        lines.append(f"Task set: {TaskSetIdentity.model_validate(results['task_set']).describe()}")
    dims = results.get("dimension_averages", {})
    if dims:
        lines.append("Dimensions: " + ", ".join(f"{k} {_num(v)}" for k, v in dims.items()))
    if timing:
        lines.append(f"Time: {_num(timing.get('total_seconds', '?'))}s total,"
                     f" purple agent {_num(timing.get('purple_agent_percent', '?'))}%")
    if summary.get("agent_errors"):
        lines.append(f"Agent errors: {summary['agent_errors']} episode(s) ended on an agent "
                     f"error; the first: {summary.get('first_agent_error')}")
    lines.extend(f"Warning: {w}" for w in results.get("warnings", []))
    return "\n".join(lines)


def results_table(results: dict[str, Any], title: str = "Assessment results") -> Table:
    """One row per episode (task, drift/rot, passed, score, steps) plus the dimension averages."""
    table = Table(title=title)
    table.add_column("task", overflow="fold")
    table.add_column("drift/rot", no_wrap=True)
    table.add_column("passed", no_wrap=True, min_width=6)
    table.add_column("score", justify="right", no_wrap=True, min_width=5)
    table.add_column("steps", justify="right", no_wrap=True, min_width=5)
    for row in results.get("tasks", []):
        metrics = row.get("metrics") or {}
        table.add_row(str(row.get("task_id", "")), f"{row.get('drift', '')}/{row.get('rot', '')}",
                      "[green]yes[/green]" if row.get("passed") else "[red]no[/red]",
                      _num(row.get("score", "")), str(metrics.get("steps", "")))
    dims = results.get("dimension_averages", {})
    if dims:
        table.caption = " · ".join(f"{k} {_num(v)}" for k, v in dims.items())
    return table
