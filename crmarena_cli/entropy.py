"""`crmarena org diff` (the rename map and the rows rot adds, for humans) and the entropy flags of
`crmarena describe` / `crmarena export-db` (`crmarena soql` lives in crmarena_cli.soql).

Registered after crmarena_cli.org: it adds `diff` under the existing `org` command, adds
--drift/--rot/--seed/--task to `describe` when that command lacks them, and installs the entropic
view factory that `export-db` calls (crmarena_cli.org.episode_view_factory).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

import crmarena_cli.org as org_cli
from core.levels import DEFAULT_ENTROPY_SEED, LEVELS
from core.org_type import ORG_TYPES
from crmarena_cli.command import UsageError, add_command, iso_date, show_help
from data.org import DEFAULT_SEED

if TYPE_CHECKING:
    from entropy import EpisodeOrgConfig


def _subparsers_of(parser: argparse.ArgumentParser) -> argparse._SubParsersAction | None:
    return next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)


def _has_option(parser: argparse.ArgumentParser, option: str) -> bool:
    return option in parser._option_string_actions


def _add_entropy_flags(p: argparse.ArgumentParser, seed: bool = True) -> None:
    p.add_argument("--drift", choices=LEVELS, default="none", help="schema drift level")
    p.add_argument("--rot", choices=LEVELS, default="none", help="context rot level")
    if seed:
        p.add_argument("--seed", type=int, default=DEFAULT_ENTROPY_SEED, help="entropy seed")
    p.add_argument("--task", default=None, metavar="ID",
                   help="plan drift/rot for this task: its referenced fields and rot targets "
                        "(default: no task)")


def register(subparsers: argparse._SubParsersAction) -> None:
    org = subparsers.choices.get("org")
    if org is None:
        org = subparsers.add_parser("org", help="build or inspect the generated orgs")
        org.set_defaults(run=show_help(org))
    org_sub = _subparsers_of(org) or org.add_subparsers(dest="org_command", metavar="ACTION")
    if "diff" not in org_sub.choices:
        diff = add_command(org_sub, "diff", help="what drift renames and which rows rot adds",
                           example="crmarena org diff --drift medium --rot medium --task "
                                   "b2b-handle_time-001")
        diff.add_argument("--org", choices=ORG_TYPES, default="b2b", help="which org")
        _add_entropy_flags(diff)
        diff.add_argument("--org-seed", type=int, default=DEFAULT_SEED,
                          help="seed of the base org")
        diff.add_argument("--today", type=iso_date, default=None, metavar="YYYY-MM-DD",
                          help="the date rot's time windows are relative to (default: the "
                               "task's, else today)")
        diff.add_argument("--json", action="store_true", help="print JSON")
        diff.set_defaults(run=run_diff)
    if "prewarm-rot" not in org_sub.choices:
        prewarm = add_command(
            org_sub, "prewarm-rot", help="plan and verify every default task's context rot ahead "
                                         "of time (on-disk cache next to the org), so "
                                         "assessments start warm",
            example="crmarena org prewarm-rot --org all --rot all")
        prewarm.add_argument("--org", choices=[*ORG_TYPES, "all"], default="all",
                             help="which org")
        prewarm.add_argument("--rot", choices=[*LEVELS[1:], "all"], default="all",
                             help="which rot level")
        prewarm.add_argument("--seed", type=int, default=DEFAULT_ENTROPY_SEED, help="entropy seed")
        prewarm.add_argument("--org-seed", type=int, default=DEFAULT_SEED,
                             help="seed of the base org")
        prewarm.add_argument("--workers", type=int, default=None,
                             help="worker processes (default: one per usable CPU)")
        prewarm.add_argument("--copy-to", type=Path, metavar="DIR",
                             help="then copy the orgs and their current rot plans to the org "
                                  "cache folder DIR (an image's, from a build cache; default: "
                                  "no copy)")
        prewarm.set_defaults(run=run_prewarm)

    describe = subparsers.choices.get("describe")
    if describe is not None and not _has_option(describe, "--drift"):
        _add_entropy_flags(describe, seed=not _has_option(describe, "--seed"))
        plain = describe.get_default("run")
        describe.set_defaults(run=lambda args: run_describe(args, plain))

    org_cli.episode_view_factory = _view_factory


def run_prewarm(args: argparse.Namespace) -> int:
    """Fill the on-disk rot cache for the default task sets (entropy.prewarm)."""
    # here, not at the top: `crmarena --help` stays fast (DuckDB, the task framework)
    from entropy.prewarm import copy_prewarmed, prewarm_rot

    orgs = org_cli.orgs_of_choice(args.org)
    levels = list(LEVELS[1:]) if args.rot == "all" else [args.rot]
    if args.workers is not None and args.workers < 1:
        raise UsageError("--workers must be at least 1")
    try:
        stats = prewarm_rot(orgs, levels, seed=args.seed, org_seed=args.org_seed,
                            workers=args.workers)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    Console().print(f"rot plans ready: {stats.plans} (orgs {', '.join(orgs)}; levels "
                    f"{', '.join(levels)}; seed {args.seed}): {stats.planned} planned, "
                    f"{stats.cached} already cached, {stats.unstored} not storable, "
                    f"in {stats.seconds:.1f}s", soft_wrap=True)
    if args.copy_to is not None:
        copied = copy_prewarmed(orgs, args.copy_to, org_seed=args.org_seed)
        Console().print(f"copied {len(orgs)} org(s) and {copied} rot plans to {args.copy_to}",
                        soft_wrap=True)
    return 0


def _view_factory(db: Any, drift: str, rot: str, seed: int) -> Any:
    from entropy import build_view  # here, not at the top: `crmarena --help` stays fast

    return build_view(db, drift, rot, seed)  # type: ignore[arg-type]


def _find_task(org: str, task_id: str | None) -> Any:
    if task_id is None:
        return None
    from data.tasks import load_task_set  # here, not at the top: `crmarena --help` stays fast

    for task in load_task_set(org):
        if task.id == task_id:
            return task
    raise UsageError(f"--task {task_id}: no such task in the {org} task set (see crmarena tasks "
                     f"list --org {org})")


def run_describe(args: argparse.Namespace, plain: Any) -> int:
    """describe under drift: the drifted schema (drift depends only on schema, seed, task)."""
    task = _find_task(args.org, args.task)
    if args.drift == "none":
        return plain(args)
    # here, not at the top: `crmarena --help` stays fast (the schema, the drift planner)
    from entropy import plan_drift
    from sandbox_db.schema import load_schema

    schema = load_schema(args.org)
    plan = plan_drift(schema, args.drift, args.seed, task.referenced_fields if task else ())
    visible, _ = plan.apply(schema)
    return org_cli.print_describe(visible, args.object)


def _row_label(row: dict[str, Any]) -> str:
    for key in ("Name", "Title", "CaseNumber", "OrderNumber", "Subject", "ContractNumber"):
        if row.get(key):
            return str(row[key])
    return ""


def _row_date(row: dict[str, Any]) -> str:
    for key in ("CreatedDate", "CloseDate", "EffectiveDate", "LastPublishedDate", "StartTime",
                "MessageDate", "ActivityDate", "StartDateTime"):
        if row.get(key) is not None:
            return str(row[key])
    return ""


def diff_report(db: Any, config: EpisodeOrgConfig, task: Any = None) -> dict[str, Any]:
    """The rename map and the rows rot adds, as JSON-able data."""
    from entropy import build_episode_org  # here, not at the top: `crmarena --help` stays fast

    with build_episode_org(db, config, task) as episode:
        plan = episode.plan
        schema = db.schema
        fields = []
        for obj in schema.objects:
            for base, new in plan.field_renames.get(obj.name, {}).items():
                f = obj.field(base)
                fields.append({"object": obj.name, "visible_object": plan.visible_object(obj.name),
                               "field": base, "visible_field": new, "label": f.label if f else "",
                               "relationship": f.relationship_name if f else None,
                               "visible_relationship": (new.removesuffix("__c") + "__r")
                               if f is not None and f.relationship_name else None})
        groups = [{"target": g.target, "kind": g.kind,
                   "rows": [{"object": o, "Id": r["Id"], "label": _row_label(r),
                             "date": _row_date(r)}
                            for o, rows in g.rows.items() for r in rows]}
                  for g in episode.rot_groups]
        return {"org": config.org, "schema_version": plan.schema_version, "drift": config.drift,
                "rot": config.rot, "seed": config.seed, "task": task.id if task else None,
                "object_renames": plan.object_renames, "field_renames": fields,
                "renamed_fields": plan.renamed_field_count(),
                "total_fields": sum(1 for o in schema.objects for f in o.fields if f.type != "id"),
                "rot_groups": groups, "dropped_groups": len(episode.dropped_groups),
                "rows_added": sum(len(v) for v in episode.rot_rows.values())}


def run_diff(args: argparse.Namespace) -> int:
    # here, not at the top: `crmarena --help` stays fast (DuckDB, the task framework)
    from data.org.store import load_org
    from entropy import EpisodeOrgConfig

    task = _find_task(args.org, args.task)
    db = load_org(args.org, args.org_seed)
    try:
        config = EpisodeOrgConfig(org=args.org, drift=args.drift, rot=args.rot, seed=args.seed,
                                  today=args.today)
        report = diff_report(db, config, task)
    finally:
        db.close()
    if args.json:
        print(json.dumps(report, indent=2, default=str))
        return 0
    console = Console()
    console.print(f"[bold]{report['org']}[/] schema {report['schema_version']}  drift "
                  f"[cyan]{report['drift']}[/]  rot [cyan]{report['rot']}[/]  seed {report['seed']}"
                  + (f"  task {report['task']}" if report["task"] else ""))
    if report["object_renames"]:
        table = Table(title="object renames")
        table.add_column("base object")
        table.add_column("visible object")
        for base, new in report["object_renames"].items():
            table.add_row(base, new)
        console.print(table)
    table = Table(title=f"field renames ({report['renamed_fields']} of {report['total_fields']} "
                        "non-Id fields; labels unchanged)")
    for col in ("object", "base field", "visible field", "label", "relationship"):
        table.add_column(col)
    for f in report["field_renames"]:
        rel = f"{f['relationship']} -> {f['visible_relationship']}" if f["relationship"] else ""
        obj = f["object"] if f["object"] == f["visible_object"] else \
            f"{f['object']} ({f['visible_object']})"
        table.add_row(obj, f["field"], f["visible_field"], f["label"], rel)
    console.print(table)
    table = Table(title=f"rows added by rot ({report['rows_added']} rows in "
                        f"{len(report['rot_groups'])} groups; {report['dropped_groups']} groups "
                        "dropped to keep the gold answer)")
    for col in ("target", "kind", "object", "Id", "name", "date"):
        table.add_column(col)
    for g in report["rot_groups"]:
        for r in g["rows"]:
            table.add_row(str(g["target"]), g["kind"], r["object"], r["Id"], r["label"], r["date"])
    console.print(table)
    return 0
