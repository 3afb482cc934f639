"""Human-readable views of results.json: a plain-text summary (for the A2A artifact) and a rich
table (for the terminal). Both read only the documented results.json keys."""

from __future__ import annotations

from typing import Any

from rich.table import Table

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
    dims = results.get("dimension_averages", {})
    if dims:
        lines.append("Dimensions: " + ", ".join(f"{k} {_num(v)}" for k, v in dims.items()))
    if timing:
        lines.append(f"Time: {_num(timing.get('total_seconds', '?'))}s total,"
                     f" purple agent {_num(timing.get('purple_agent_percent', '?'))}%")
    return "\n".join(lines)


def results_table(results: dict[str, Any], title: str = "Assessment results") -> Table:
    """Per-task rows (task, category, drift/rot, passed, score) plus the dimension averages."""
    table = Table(title=title)
    for column in ("task", "category", "drift/rot", "passed", "reward"):
        table.add_column(column, justify="right" if column == "reward" else "left")
    for row in results.get("tasks", []):
        passed = row.get("passed")
        table.add_row(str(row.get("task_id", "")), str(row.get("category", "")),
                      f"{row.get('drift', '')}/{row.get('rot', '')}",
                      "[green]yes[/green]" if passed else "[red]no[/red]",
                      _num(row.get("reward", "")))
    dims = results.get("dimension_averages", {})
    if dims:
        table.caption = " · ".join(f"{k} {_num(v)}" for k, v in dims.items())
    return table
