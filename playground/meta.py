"""Dot commands of the playground (`.describe Account`, `.drift`, `.task ID`, ...).

Each command is a small function of (session, console, argument) registered in COMMANDS with
its usage line and, for completion, the values its argument can take. A bad argument is reported
and leaves the session unchanged (PlaygroundSession.update builds before it swaps).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from entropy import LEVELS
from playground.render import print_json, render_error
from playground.session import PlaygroundSession, StatementOutcome, task_ids
from sandbox_db.errors import ErrorCode, SalesforceError
from sandbox_db.schema import ORG_TYPES, FieldType

#: Examples of distractor rows shown per object by `.rot`.
ROT_EXAMPLES = 3


class MetaError(ValueError):
    """A bad dot command or argument: printed, never a traceback."""


@dataclass(frozen=True)
class MetaOutcome:
    quit: bool = False
    ok: bool = True


Handler = Callable[[PlaygroundSession, Console, str], "MetaOutcome | None"]


@dataclass(frozen=True)
class MetaCommand:
    name: str
    usage: str
    help: str
    handler: Handler
    #: The values the argument can take (for completion), given the session.
    values: Callable[[PlaygroundSession], Iterable[str]] | None = None


COMMANDS: dict[str, MetaCommand] = {}


def command(name: str, usage: str, help: str,
            values: Callable[[PlaygroundSession], Iterable[str]] | None = None,
            aliases: tuple[str, ...] = ()) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        for n in (name, *aliases):
            COMMANDS[n] = MetaCommand(n, usage, help, fn, values)
        return fn
    return register


def run_meta(session: PlaygroundSession, console: Console, line: str) -> MetaOutcome:
    """Run one dot command line; errors are printed and reported as ok=False."""
    name, _, arg = line.strip().rstrip(";").strip().partition(" ")
    cmd = COMMANDS.get(name.lower())
    if cmd is None:
        console.print(Text(f"unknown command {name}; .help lists the commands", style="red"))
        return MetaOutcome(ok=False)
    try:
        return cmd.handler(session, console, arg.strip()) or MetaOutcome()
    except (MetaError, ValueError) as exc:
        console.print(Text(f"error: {exc}", style="red"))
        return MetaOutcome(ok=False)


def _update(session: PlaygroundSession, console: Console, **changes: Any) -> None:
    """Rebuild the episode org with the changes (a spinner while rot is verified)."""
    if console.is_terminal:
        with console.status("building the episode org…"):
            session.update(**changes)
    else:
        session.update(**changes)
    console.print(Text(session.describe_state(), style="dim"))


def _add_row(table: Table, *cells: str) -> None:
    """Cells as plain text: org data ("[URGENT] ...") and usages ("[b2b|b2c]") are not markup."""
    table.add_row(*(Text(c) for c in cells))


def _level(arg: str) -> str:
    if arg.lower() not in LEVELS:
        raise MetaError(f"unknown level {arg!r}; expected one of {', '.join(LEVELS)}")
    return arg.lower()


# ---------------------------------------------------------------------------------- commands
@command(".help", ".help", "this list", aliases=(".h", ".?"))
def _help(session: PlaygroundSession, console: Console, arg: str) -> None:
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold", overflow="fold")
    table.add_column(overflow="fold")
    seen: set[str] = set()
    for cmd in COMMANDS.values():
        if cmd.usage not in seen:
            seen.add(cmd.usage)
            _add_row(table, cmd.usage, cmd.help)
    console.print("SOQL or SOSL (FIND ...) statements end with ';' or a blank line. "
                  "TAB completes names from this episode's (drifted) schema.")
    console.print(table)


@command(".quit", ".quit", "leave (also Ctrl-D)", aliases=(".exit", ".q"))
def _quit(session: PlaygroundSession, console: Console, arg: str) -> MetaOutcome:
    return MetaOutcome(quit=True)


@command(".json", ".json", "show results as the JSON the agent receives")
def _json(session: PlaygroundSession, console: Console, arg: str) -> None:
    session.output = "json"
    console.print(Text("output: json", style="dim"))


@command(".table", ".table", "show results as tables")
def _table(session: PlaygroundSession, console: Console, arg: str) -> None:
    session.output = "table"
    console.print(Text("output: table", style="dim"))


@command(".status", ".status", "the org, drift, rot, seed, today, task and user of this session")
def _status(session: PlaygroundSession, console: Console, arg: str) -> None:
    if session.output == "json":
        print_json(console, {**session.settings.model_dump(mode="json"),
                             "today": session.today.isoformat()})
        return
    console.print(f"{session.describe_state()} (today from {session.today_source}) "
                  f"output={session.output}")


@command(".objects", ".objects", "the objects this episode shows, with row counts")
def _objects(session: PlaygroundSession, console: Console, arg: str) -> None:
    if session.output == "json":
        print_json(console, session.schema.describe_global())
        return
    table = Table(header_style="bold")
    for col in ("object", "label", "prefix", "rows", "base name"):
        table.add_column(col, overflow="fold")
    for obj in session.schema.objects:
        counted = session.run(f"SELECT COUNT() FROM {obj.name}")
        rows = str((counted.result or {}).get("totalSize", "?"))
        base = session.view.base_names[obj.name][0]
        _add_row(table, obj.name, obj.label, obj.key_prefix, rows, base if base != obj.name else "")
    console.print(table)


def _object_names(session: PlaygroundSession) -> list[str]:
    return session.schema.object_names


@command(".describe", ".describe [Object]", "an object's fields and relationships (drifted names)",
         values=_object_names, aliases=(".d",))
def _describe(session: PlaygroundSession, console: Console, arg: str) -> MetaOutcome | None:
    if not arg:
        return _objects(session, console, arg)
    obj = session.schema.get(arg)
    if obj is None:  # the agent's describe tool reports an unknown object like this
        error = SalesforceError(ErrorCode.NOT_FOUND, "The requested resource does not exist: "
                                f"sObject type '{arg}' is not supported.")
        render_error(console, StatementOutcome(arg, None, error, 0.0), session.output)
        return MetaOutcome(ok=False)
    if session.output == "json":
        print_json(console, obj.describe())
        return None
    base_name, field_map = session.view.base_names[obj.name]
    title = obj.name + (f" (base {base_name})" if base_name != obj.name else "")
    table = Table(title=f"{title}: {obj.label}, key prefix {obj.key_prefix}", title_justify="left",
                  header_style="bold")
    for col in ("field", "type", "label", "references / values", "base name"):
        table.add_column(col, overflow="fold")
    for f in obj.fields:
        if f.type == FieldType.REFERENCE:
            extra = f"{f.relationship_name} -> {', '.join(f.reference_to)}"
        elif f.picklist_values:
            extra = ", ".join(f.picklist_values[:6]) + (" …" if len(f.picklist_values) > 6 else "")
        else:
            extra = ""
        base = field_map.get(f.name, f.name)
        _add_row(table, f.name, f.type.value, f.label, extra, base if base != f.name else "")
    console.print(table)
    if obj.child_relationships:
        console.print("child relationships: " + ", ".join(
            f"{c.relationship_name} ({c.child_object}.{c.field})" for c in obj.child_relationships))
    return None


def rename_map(session: PlaygroundSession) -> dict[str, Any]:
    """This episode's renames as JSON-able data (base name -> visible name)."""
    plan = session.plan
    fields: list[dict[str, Any]] = []
    for obj in session.base_schema.objects:
        visible_obj = session.schema.get(plan.visible_object(obj.name))
        for base, new in plan.field_renames.get(obj.name, {}).items():
            f = obj.field(base)
            vf = visible_obj.field(new) if visible_obj is not None else None
            fields.append({"object": obj.name, "visible_object": plan.visible_object(obj.name),
                           "field": base, "visible_field": new, "label": f.label if f else "",
                           "relationship": f.relationship_name if f else None,
                           "visible_relationship": vf.relationship_name if vf else None})
    return {"drift": plan.level, "seed": plan.seed, "object_renames": dict(plan.object_renames),
            "field_renames": fields}


@command(".drift", ".drift [LEVEL]", "this episode's rename map (with LEVEL: change the level)",
         values=lambda s: LEVELS)
def _drift(session: PlaygroundSession, console: Console, arg: str) -> None:
    if arg:
        _update(session, console, drift=_level(arg))
    renames = rename_map(session)
    if session.output == "json":
        print_json(console, renames)
        return
    if not renames["object_renames"] and not renames["field_renames"]:
        console.print(f"drift {renames['drift']}: no renames; every name is the base name")
        return
    if renames["object_renames"]:
        table = Table(title="object renames", title_justify="left", header_style="bold")
        table.add_column("base object", overflow="fold")
        table.add_column("visible object", style="yellow", overflow="fold")
        for base, new in renames["object_renames"].items():
            _add_row(table, base, new)
        console.print(table)
    total = sum(1 for o in session.base_schema.objects for f in o.fields if f.type != FieldType.ID)
    table = Table(title=f"field renames, drift {renames['drift']} seed {renames['seed']} "
                        f"({len(renames['field_renames'])} of {total} non-Id fields; labels "
                        "unchanged)", title_justify="left", header_style="bold")
    for col in ("object", "base field", "visible field", "label", "relationship"):
        table.add_column(col, style="yellow" if col == "visible field" else None,
                         overflow="fold")
    for f in renames["field_renames"]:
        obj = f["object"] if f["object"] == f["visible_object"] else \
            f"{f['object']} ({f['visible_object']})"
        rel = "" if not f["relationship"] else f"{f['relationship']} -> {f['visible_relationship']}"
        _add_row(table, obj, f["field"], f["visible_field"], f["label"], rel)
    console.print(table)


def _row_label(session: PlaygroundSession, base_object: str, row: dict[str, Any]) -> str:
    obj = session.base_schema.get(base_object)
    name_field = obj.name_field if obj is not None else None
    for key in ([name_field.name] if name_field else []) + ["Subject", "Title", "Name"]:
        if row.get(key):
            return " ".join(str(row[key]).split())[:50]
    return ""


def rot_summary(session: PlaygroundSession) -> dict[str, Any]:
    """Distractor rows this episode adds, per visible object: count, group kinds, examples."""
    assert session.episode is not None
    plan = session.plan
    objects: dict[str, dict[str, Any]] = {}
    for group in session.episode.rot_groups:
        for base_obj, rows in group.rows.items():
            entry = objects.setdefault(plan.visible_object(base_obj),
                                       {"count": 0, "kinds": [], "examples": []})
            entry["count"] += len(rows)
            if group.kind not in entry["kinds"]:
                entry["kinds"].append(group.kind)
            for row in rows:
                if len(entry["examples"]) < ROT_EXAMPLES:
                    entry["examples"].append({"Id": row["Id"],
                                              "label": _row_label(session, base_obj, row)})
    return {"rot": session.settings.rot, "seed": session.settings.seed,
            "task": session.task.id if session.task else None,
            "groups": len(session.episode.rot_groups),
            "dropped_groups": len(session.episode.dropped_groups),
            "rows": sum(e["count"] for e in objects.values()), "objects": objects}


@command(".rot", ".rot [LEVEL]", "distractor rows context rot added (with LEVEL: change the level)",
         values=lambda s: LEVELS)
def _rot(session: PlaygroundSession, console: Console, arg: str) -> None:
    if arg:
        _update(session, console, rot=_level(arg))
    summary = rot_summary(session)
    if session.output == "json":
        print_json(console, summary)
        return
    if not summary["rows"]:
        console.print(f"rot {summary['rot']}: no distractor rows")
        return
    scope = f"task {summary['task']}" if summary["task"] else "org-wide targets (no task loaded)"
    table = Table(title=f"rot {summary['rot']} seed {summary['seed']}, {scope}: {summary['rows']} "
                        f"rows in {summary['groups']} groups ({summary['dropped_groups']} dropped "
                        "to keep the gold answer)", title_justify="left", header_style="bold")
    for col in ("object", "rows", "kinds", "examples"):
        table.add_column(col, overflow="fold")
    for name, entry in summary["objects"].items():
        examples = "\n".join(f"{e['Id']} {e['label']}".strip() for e in entry["examples"])
        _add_row(table, name, str(entry["count"]), ", ".join(entry["kinds"]), examples)
    console.print(table)


@command(".seed", ".seed N", "the entropy seed (drift plan and distractor rows)")
def _seed(session: PlaygroundSession, console: Console, arg: str) -> None:
    if not arg:
        console.print(f"seed {session.settings.seed}")
        return
    try:
        seed = int(arg)
    except ValueError:
        raise MetaError(f"seed must be an integer, not {arg!r}") from None
    _update(session, console, seed=seed)


@command(".user", ".user [USER_ID|default]", "the User statements run as (USING SCOPE mine ...)")
def _user(session: PlaygroundSession, console: Console, arg: str) -> None:
    if not arg:
        user = session.view.running_user() or {}
        console.print(f"user {user.get('Id')} ({user.get('Name')})")
        return
    _update(session, console, user=None if arg.lower() == "default" else arg)


@command(".today", ".today [YYYY-MM-DD|task]", "the date date literals resolve against")
def _today(session: PlaygroundSession, console: Console, arg: str) -> None:
    if not arg:
        console.print(f"today {session.today.isoformat()} (from {session.today_source})")
        return
    if arg.lower() in ("task", "none", "default"):
        _update(session, console, today=None)
        return
    try:
        day = dt.date.fromisoformat(arg)
    except ValueError:
        raise MetaError(f"expected a date like 2024-06-01, not {arg!r}") from None
    _update(session, console, today=day)


@command(".org", ".org [b2b|b2c]", "switch to the other org (drops a task of the other org)",
         values=lambda s: ORG_TYPES)
def _org(session: PlaygroundSession, console: Console, arg: str) -> None:
    if not arg:
        console.print(f"org {session.settings.org}")
        return
    if arg.lower() not in ORG_TYPES:
        raise MetaError(f"unknown org {arg!r}; expected one of {', '.join(ORG_TYPES)}")
    _update(session, console, org=arg.lower())


def _task_values(session: PlaygroundSession) -> list[str]:
    return [*task_ids(session.settings.org), "none"]


@command(".task", ".task [ID|none]", "load a task: its date, the Ids in play, its query; the "
         "episode's drift and rot are planned for it", values=_task_values)
def _task(session: PlaygroundSession, console: Console, arg: str) -> None:
    if arg.lower() == "none":
        _update(session, console, task_id=None)
        return
    if arg:
        _update(session, console, task_id=arg)
    task = session.task
    if task is None:
        console.print("no task loaded; .task ID loads one (TAB lists them)")
        return
    ids = session.ids_in_play()
    if session.output == "json":
        print_json(console, {"id": task.id, "category": task.category, "today":
                             session.today.isoformat(), "query": task.query,
                             "ids_in_play": [asdict(i) for i in ids]})
        return
    console.print(Text(f"{task.id} · {task.category} · today {session.today.isoformat()} · "
                       f"{task.reward_metric}", style="bold"))
    console.print(Text(task.query))
    if ids:
        table = Table(title="Ids in play", title_justify="left", header_style="bold")
        for col in ("Id", "object", "name"):
            table.add_column(col, overflow="fold")
        for i in ids:
            _add_row(table, i.id, i.object or "?", i.label or "")
        console.print(table)


def completion_sources(session: PlaygroundSession) -> dict[str, Callable[[], Iterable[str]] | None]:
    """Dot commands -> their argument values, for SoqlCompleter."""
    def bound(values: Callable[[PlaygroundSession], Iterable[str]]) -> Callable[[], Iterable[str]]:
        return lambda: values(session)

    return {name: bound(cmd.values) if cmd.values is not None else None
            for name, cmd in COMMANDS.items()}
