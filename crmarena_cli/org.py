"""`crmarena org build|info`, `crmarena describe`, `crmarena export-db`.

export-db writes exactly what an agent would see (an OrgView: its visible names and rows) to a
plain DuckDB file. Drift and rot plug in through `episode_view_factory`, which
crmarena_cli.entropy installs; without it only `none` is accepted for --drift/--rot.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from core.levels import DEFAULT_ENTROPY_SEED, LEVELS
from core.org_type import ORG_TYPES, OrgType
from crmarena_cli.command import UsageError, add_command, show_help
from data.org import DEFAULT_SEED
from sandbox_db.errors import invalid_type

if TYPE_CHECKING:
    from sandbox_db.database import OrgDatabase, OrgView
    from sandbox_db.schema import OrgSchema

#: (db, drift level, rot level, seed) -> OrgView. The entropy package replaces this to support
#: levels other than "none"; the default refuses them with a clear message.
ViewFactory = Callable[["OrgDatabase", str, str, int], "OrgView"]


def _plain_view(db: OrgDatabase, drift: str, rot: str, seed: int) -> OrgView:
    from sandbox_db.database import open_view  # here, not at the top: `crmarena --help` stays fast

    if drift != "none" or rot != "none":
        raise UsageError("--drift and --rot accept only 'none' until crmarena_cli.entropy installs "
                       "the entropic view factory; export the undrifted org with --drift none "
                       "--rot none")
    return open_view(db)


episode_view_factory: ViewFactory = _plain_view


def export_view(view: OrgView, path: Path) -> dict[str, int]:
    """Copy every table the view shows (visible names, visible rows) into a DuckDB file.

    The view's connection is locked down (no file writes), so rows are read through it and
    written with a plain connection. Returns rows per visible object.
    """
    # here, not at the top: `crmarena --help` stays fast (DuckDB)
    from sandbox_db.database import quote_ident, write_org_file

    data: dict[str, list[dict[str, object]]] = {}
    for obj in view.schema.objects:
        cols = ", ".join(quote_ident(f.name) for f in obj.fields)
        _, rows = view.execute(f"SELECT {cols} FROM {view.table(obj.name)}", timeout_s=300)
        names = obj.field_names
        data[obj.name] = [dict(zip(names, row, strict=True)) for row in rows]
    write_org_file(Path(path), view.schema, data)
    return {name: len(rows) for name, rows in data.items()}


def register(subparsers: argparse._SubParsersAction) -> None:
    org = add_command(subparsers, "org", help="build or inspect the generated orgs",
                      example="crmarena org build --org all")
    sub = org.add_subparsers(dest="org_command", metavar="ACTION")
    org.set_defaults(run=show_help(org))

    build = add_command(sub, "build", help="generate (or import) an org and cache it on disk",
                        example="crmarena org build --org all")
    build.add_argument("--org", choices=[*ORG_TYPES, "all"], default="all", help="which org")
    build.add_argument("--seed", type=int, default=DEFAULT_SEED, help="the generator's seed")
    build.add_argument("--source", type=Path, default=None, metavar="DIR",
                       help="import this directory of per-object CSV/Parquet files instead "
                            "(default: generate)")
    build.add_argument("--force", action="store_true", help="rebuild even if cached")
    build.set_defaults(run=run_build)

    info = add_command(sub, "info", help="version, cache file and record counts of an org",
                       example="crmarena org info --org b2b --json")
    info.add_argument("--org", choices=[*ORG_TYPES, "all"], default="all", help="which org")
    info.add_argument("--seed", type=int, default=DEFAULT_SEED, help="the generator's seed")
    info.add_argument("--json", action="store_true", help="print JSON")
    info.set_defaults(run=run_info)

    describe = add_command(
        subparsers, "describe", help="Salesforce-style describe JSON (describeGlobal, or one "
                                     "object)",
        example="crmarena describe --org b2b --drift medium Case")
    describe.add_argument("--org", choices=ORG_TYPES, default="b2b", help="which org")
    describe.add_argument("object", nargs="?", default=None,
                          help="object API name (default: describeGlobal, every object)")
    describe.set_defaults(run=run_describe)

    export = add_command(
        subparsers, "export-db", help="write the org an agent would see to a plain DuckDB file",
        example="crmarena export-db --org b2b --drift high --rot high org.duckdb")
    export.add_argument("--org", choices=ORG_TYPES, required=True, help="which org (required)")
    export.add_argument("--drift", choices=LEVELS, default="none", help="schema drift level")
    export.add_argument("--rot", choices=LEVELS, default="none", help="context rot level")
    export.add_argument("--seed", type=int, default=DEFAULT_ENTROPY_SEED,
                        help="entropy seed (as in an assessment)")
    export.add_argument("--org-seed", type=int, default=DEFAULT_SEED, help="base org seed")
    export.add_argument("--force", action="store_true", help="overwrite PATH if it exists")
    export.add_argument("path", type=Path, metavar="PATH.duckdb", help="the DuckDB file to write")
    export.set_defaults(run=run_export)


def orgs_of_choice(choice: str) -> list[OrgType]:
    """The orgs an --org choice names (argparse has checked it is one of ORG_TYPES or all)."""
    return list(ORG_TYPES) if choice == "all" else [org for org in ORG_TYPES if org == choice]


def _counts_table(title: str, counts: dict[str, int]) -> Table:
    table = Table(title=title)
    table.add_column("object")
    table.add_column("records", justify="right")
    for name, n in counts.items():
        table.add_row(name, f"{n:,}")
    table.add_row("[bold]total[/]", f"[bold]{sum(counts.values()):,}[/]")
    return table


def run_build(args: argparse.Namespace) -> int:
    from data.org.store import build_org, cached_info  # here: `crmarena --help` stays fast

    console = Console()
    if args.source is not None and args.org == "all":
        raise UsageError("--source imports one org: give --org b2b or --org b2c")
    if args.source is not None and not args.source.is_dir():
        raise UsageError(f"--source {args.source} is not a directory")
    for org in orgs_of_choice(args.org):
        started = time.perf_counter()
        try:
            was_cached = not args.force and cached_info(org, args.seed, source=args.source)
            info = build_org(org, args.seed, source=args.source, force=args.force)
        except (ValueError, FileNotFoundError, RuntimeError) as exc:
            raise UsageError(str(exc)) from None
        elapsed = time.perf_counter() - started
        console.print(_counts_table(f"{info.version}", info.counts))
        how = (f"already cached (built in {info.build_seconds:.2f} s)" if was_cached
               else "built")
        console.print(f"[green]{org}[/]: {how}; {elapsed:.2f} s; {info.path}")
    return 0


def run_info(args: argparse.Namespace) -> int:
    # here, not at the top: `crmarena --help` stays fast (DuckDB, the schema)
    from data.org.store import build_org
    from sandbox_db.schema import load_schema

    out = []
    for org in orgs_of_choice(args.org):
        info = build_org(org, args.seed)
        out.append(info.to_json())
        if not args.json:
            console = Console()
            console.print(f"[bold]{info.version}[/]  fingerprint {info.fingerprint[:16]}…  "
                          f"schema {load_schema(org).version}")
            console.print(f"cache: {info.path}  (built in {info.build_seconds:.2f} s)")
            console.print(_counts_table(f"{org} records", info.counts))
    if args.json:
        print(json.dumps(out if len(out) > 1 else out[0], indent=2))
    return 0


def run_describe(args: argparse.Namespace) -> int:
    from sandbox_db.schema import load_schema  # here: `crmarena --help` stays fast

    return print_describe(load_schema(args.org), args.object)


def print_describe(schema: OrgSchema, object_name: str | None) -> int:
    """describeGlobal (no object) or one object's describe as JSON; an unknown object prints
    Salesforce's INVALID_TYPE error to stderr and exits 1. Shared with the drifted describe."""
    if object_name is None:
        print(json.dumps(schema.describe_global(), indent=2))
        return 0
    obj = schema.get(object_name)
    if obj is None:
        print(json.dumps(invalid_type(object_name).to_json(), indent=2), file=sys.stderr)
        return 1
    print(json.dumps(obj.describe(), indent=2))
    return 0


def run_export(args: argparse.Namespace) -> int:
    from data.org.store import load_org  # here: `crmarena --help` stays fast

    path: Path = args.path
    if path.exists() and not args.force:
        raise UsageError(f"{path} exists; pass --force to overwrite it")
    if path.is_dir():
        raise UsageError(f"{path} is a directory")
    started = time.perf_counter()
    db = load_org(args.org, args.org_seed)
    try:
        view = episode_view_factory(db, args.drift, args.rot, args.seed)
        try:
            counts = export_view(view, path)
        finally:
            view.close()
    finally:
        db.close()
    seconds = time.perf_counter() - started
    Console().print(f"wrote {sum(counts.values()):,} records in {len(counts)} tables to {path} "
                    f"(drift {args.drift}, rot {args.rot}) in {seconds:.2f} s")
    return 0
