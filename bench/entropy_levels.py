"""Benchmark of entropy: how long one episode's entropic org takes to build, and what rot does
to a careless agent.

    uv run python bench/entropy_levels.py          # real b2b org (built/cached on first use)
    uv run python bench/entropy_levels.py --org b2c --careless
    uv run python bench/entropy_levels.py --sample # the small synthetic org (no build needed)

The issue's budget: building one episode's entropic view takes <= 10 ms after the base org is
loaded. Views are created lazily (first query per object), so the table also reports the cost
of the first touch of an object and of materialising every view at once.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

LEVELS = ("none", "low", "medium", "high")


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """(median ms, p95 ms, last result)."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))], result


def open_org(args: argparse.Namespace):
    if args.sample:
        from entropy.sample_org import sample_org
        from sandbox_db.database import OrgDatabase, write_org_file
        from sandbox_db.schema import load_schema

        schema = load_schema(args.org)
        path = Path(tempfile.mkdtemp()) / "sample.duckdb"
        write_org_file(path, schema, sample_org(schema))
        return OrgDatabase(schema, path), []
    from data.org.store import load_org

    db = load_org(args.org)
    try:
        import data.tasks.categories  # noqa: F401 - registers derivations
        from data.tasks import build_task_set
        tasks = build_task_set(args.org, per_category=args.per_category)
    except ImportError:
        tasks = []
    return db, tasks


def bench_build(db, tasks, repeat: int, console: Console) -> None:
    from entropy import EpisodeOrgConfig, build_episode_org, plan_drift
    from entropy import drift as drift_mod

    table = Table(title=f"one episode's entropic org ({db.schema.org}; ms, median / p95)")
    for col in ("level", "plan_drift cold", "apply cold", "build (warm)", "first query Case",
                "all views", "rows added", "renamed fields"):
        table.add_column(col, justify="right")
    task = next((t for t in tasks if t.reference is not None and t.rot_targets), None)
    for level in LEVELS:
        drift_mod._PLAN_CACHE.clear()
        drift_mod._APPLY_CACHE.clear()
        started = time.perf_counter()
        plan = plan_drift(db.schema, level, 1, task.referenced_fields if task else ())
        plan_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        plan.apply(db.schema)
        apply_ms = (time.perf_counter() - started) * 1000
        config = EpisodeOrgConfig(org=db.schema.org, drift=level, rot=level, seed=1,
                                  today=task.today if task else None)
        build_episode_org(db, config, task).close()  # plan, rot and its verification: cached
        med, p95, _ = timed(lambda config=config: build_episode_org(db, config, task).close(),
                            repeat)

        def first_query(config: EpisodeOrgConfig = config) -> None:
            with build_episode_org(db, config, task) as org:
                org.view.execute("SELECT COUNT(*) FROM "
                                 f"{org.view.table(org.plan.visible_object('Case'))}")

        fq, _, _ = timed(first_query, max(5, repeat // 5))

        def all_views(config: EpisodeOrgConfig = config) -> Any:
            with build_episode_org(db, config, task) as org:
                org.view.materialize()
                return org

        av, _, org = timed(all_views, max(5, repeat // 5))
        table.add_row(level, f"{plan_ms:.1f}", f"{apply_ms:.1f}", f"{med:.2f} / {p95:.2f}",
                      f"{fq:.1f}", f"{av:.1f}", str(sum(len(v) for v in org.rot_rows.values())),
                      str(org.plan.renamed_field_count()))
    console.print(table)


def bench_rot_planning(db, tasks, console: Console) -> None:
    from entropy import EpisodeOrgConfig, episode_rot
    from entropy import episode_org as eo

    table = Table(title="rot planning + verification per task (cold, ms)")
    for col in ("level", "median", "p95", "max", "groups kept", "groups dropped", "tasks"):
        table.add_column(col, justify="right")
    for level in LEVELS[1:]:
        eo._ROT_CACHE.clear()
        times, kept, dropped = [], 0, 0
        for t in tasks:
            config = EpisodeOrgConfig(org=db.schema.org, rot=level, seed=1, today=t.today)
            started = time.perf_counter()
            result = episode_rot(db, config, t)
            times.append((time.perf_counter() - started) * 1000)
            kept += len(result.kept)
            dropped += len(result.dropped)
        times.sort()
        table.add_row(level, f"{statistics.median(times):.1f}",
                      f"{times[int(len(times) * 0.95)]:.1f}", f"{times[-1]:.1f}", str(kept),
                      str(dropped), str(len(times)))
    console.print(table)


def bench_careless(db, tasks, console: Console) -> None:
    """Pass rate of the careless and oracle reference agents as rot rises (drift none)."""
    from env.agents.careless import careless_agent
    from env.agents.oracle import oracle_agent
    from env.config import AssessmentConfig
    from env.runner import run_assessment

    table = Table(title=f"pass rate vs rot ({db.schema.org}, drift none, {len(tasks)} tasks)")
    table.add_column("agent")
    for level in LEVELS:
        table.add_column(f"rot {level}", justify="right")
    for name, make in (("careless", careless_agent), ("oracle", oracle_agent)):
        row = [name]
        for level in LEVELS:
            config = AssessmentConfig(org_type=db.schema.org, rot_level=level, drift_level="none",
                                      seed=1, concurrency=4)
            results = asyncio.run(run_assessment(config, make("none"), tasks=tasks,
                                                 databases={db.schema.org: db}))
            row.append(f"{results.summary.pass_rate:.2f}")
        table.add_row(*row)
    console.print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--org", choices=("b2b", "b2c"), default="b2b")
    parser.add_argument("--sample", action="store_true", help="use the small synthetic org")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--per-category", type=int, default=2)
    parser.add_argument("--careless", action="store_true",
                        help="also run the careless/oracle agents at every rot level")
    args = parser.parse_args()
    console = Console()
    started = time.perf_counter()
    db, tasks = open_org(args)
    console.print(f"base org loaded in {time.perf_counter() - started:.1f} s; "
                  f"{len(tasks)} tasks")
    bench_build(db, tasks, args.repeat, console)
    if tasks:
        bench_rot_planning(db, tasks, console)
    if args.careless and tasks:
        bench_careless(db, tasks, console)
    db.close()


if __name__ == "__main__":
    main()
