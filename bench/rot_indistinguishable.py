"""Can distractor rows be told apart from the records they imitate without the task's meaning?

    uv run python bench/rot_indistinguishable.py                    # AUC table, all tasks
    uv run python bench/rot_indistinguishable.py --per-category 5   # a sample per category
    uv run python bench/rot_indistinguishable.py --agents           # + careless vs Id filter
    uv run python bench/rot_indistinguishable.py --per-category 10 --seeds 3  # a steadier figure

For every rot level it plans the verified rot of the tasks of both orgs (cached on disk after the
first run) and prints the cross-validated ROC AUC of a gradient-boosted classifier that separates
distractor rows from their source records by non-semantic signals only (Id position, Id vs date,
dates, name affixes, email/code shapes, owner; tests/helpers/rot_audit.py), overall, per signal
family and per object. Goal (issue 14): overall AUC <= 0.55 at every level. With --agents it also
runs the careless agent and the careless agent behind an Id-position rot filter over all tasks at
drift none: the filter must gain nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections import defaultdict
from pathlib import Path

from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.org_type import ORG_TYPES  # noqa: E402
from data.org.store import load_org, load_org_data  # noqa: E402
from data.tasks import load_task_set  # noqa: E402
from env.agents import make_agent  # noqa: E402
from tests.helpers.rot_audit import (  # noqa: E402
    FAMILIES,
    BaseIndex,
    IdPositionFilter,
    audit,
    id_filter_agent,
    pass_rates,
    rot_samples,
)

LEVELS = ("low", "medium", "high")
GOAL = 0.55


def sample_tasks(tasks: list, per_category: int | None) -> list:
    if not per_category:
        return tasks
    seen: dict[str, int] = defaultdict(int)
    out = []
    for t in tasks:
        if t.rot_targets and seen[t.category] < per_category:
            seen[t.category] += 1
            out.append(t)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-category", type=int, default=0,
                        help="tasks per category and org (0: all)")
    parser.add_argument("--levels", nargs="+", default=list(LEVELS), choices=LEVELS)
    parser.add_argument("--agents", action="store_true",
                        help="also run careless vs Id-filter pass rates (all tasks)")
    parser.add_argument("--objects", action="store_true", help="print the per-object AUCs")
    parser.add_argument("--seeds", type=int, default=1,
                        help="episode seeds pooled per task (one draw of rot varies by about "
                             "0.015 in AUC; pooling several steadies the figure)")
    args = parser.parse_args()
    console = Console()
    orgs = {org: (load_org(org), load_org_data(org)) for org in ORG_TYPES}
    indexes = {org: BaseIndex(db.schema, data) for org, (db, data) in orgs.items()}
    tasks = {org: sample_tasks(load_task_set(org), args.per_category) for org in ORG_TYPES}
    reports = {}
    for level in args.levels:
        started = time.perf_counter()
        samples = []
        for org, (db, _) in orgs.items():
            for seed in range(1, args.seeds + 1):
                for sample in rot_samples(db, indexes[org], tasks[org], level, seed):
                    sample.task = f"{sample.task}#{seed}"  # weights per (task, seed, object)
                    samples.append(sample)
        reports[level] = audit(samples, per_object=args.objects)
        console.print(f"[dim]{level}: {len(samples)} rows, "
                      f"{time.perf_counter() - started:.0f} s[/dim]")
    table = Table(title="distractor vs source: cross-validated ROC AUC (goal <= 0.55)")
    table.add_column("signal")
    for level in reports:
        table.add_column(level, justify="right")
    table.add_row("[b]overall[/b]", *(f"[b]{r.overall:.3f}[/b]" for r in reports.values()))
    for family in FAMILIES:
        table.add_row(family, *(f"{r.families[family]:.3f}" for r in reports.values()))
    table.add_row("worst family", *(f"{r.worst_family[0]} {r.worst_family[1]:.3f}"
                                    for r in reports.values()))
    if args.objects:
        for obj in sorted({o for r in reports.values() for o in r.objects}):
            table.add_row(f"[dim]object {obj}[/dim]", *(
                f"{r.objects[obj][0]:.3f} ({r.objects[obj][1]})" if obj in r.objects else "-"
                for r in reports.values()))
    console.print(table)
    failed = any(r.overall > GOAL for r in reports.values())
    if args.agents:
        filters = {org: IdPositionFilter(db.schema, data) for org, (db, data) in orgs.items()}
        agents_table = Table(title="careless vs Id-position filter, all tasks, drift none")
        for col in ("rot", "careless", "id filter", "gain"):
            agents_table.add_column(col, justify="right")
        for level in ("none", *args.levels):
            careless = asyncio.run(pass_rates(make_agent("careless", drift="none"), level))
            filtered = asyncio.run(pass_rates(id_filter_agent(filters, drift="none"), level))
            gain = filtered["overall"] - careless["overall"]
            agents_table.add_row(level, f"{careless['overall']:.1%}",
                                 f"{filtered['overall']:.1%}", f"{gain:+.1%}")
        console.print(agents_table)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
