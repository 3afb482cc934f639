"""A deliberately careless agent: the oracle's plan, done the way a hurried user would.

It looks records up by NAME instead of Id (an Id filter becomes `Name LIKE '%first word%'`,
after one query to read the record's name) and ignores date windows (every condition on a date
literal is dropped). On a clean org this often still works; context rot plants near-namesakes
and records just outside the windows, which is exactly what leads it astray.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from data.tasks.query_edits import drop_date_windows
from env.agents.base import ScriptedAgent
from env.agents.oracle import Call, Replayer, Step, replay_script
from env.names import base_resolver
from sandbox_db.ids import is_valid_id, to_18

if TYPE_CHECKING:
    from data.tasks.model import Task

_ID_FILTER = re.compile(r"(?<![\w.])([A-Za-z_][\w.]*)\s*=\s*'([A-Za-z0-9]{18}|[A-Za-z0-9]{15})'")


def careless_prepare(task: Task, replayer: Replayer, calls: list[Call]) -> Step:
    """Rewrite Id filters into name matches (looking names up first) and drop date windows."""
    base = replayer.base
    names: dict[str, str | None] = {}
    out: list[Call] = []
    for tool, args in calls:
        if tool != "soql_query":
            out.append((tool, args))
            continue
        query = drop_date_windows(args["query"])
        for m in reversed(list(_ID_FILTER.finditer(query))):
            path, record_id = m.group(1), m.group(2)
            if not is_valid_id(to_18(record_id)):
                continue
            target = base.by_key_prefix(record_id[:3])
            name_field = target.name_field if target else None
            if target is None or name_field is None or name_field.name == "Id":
                continue
            if record_id not in names:
                result: Any = yield from replayer.run("soql_query", {
                    "query": f"SELECT {name_field.name} FROM {target.name} "
                             f"WHERE Id = '{record_id}'"})
                records = (result or {}).get("records") or [{}]
                names[record_id] = records[0].get(name_field.name)
            name = names[record_id]
            if not name:
                continue
            word = str(name).split()[0].replace("\\", "").replace("'", "\\'")
            head, _, last = path.rpartition(".")
            if last.lower() == "id":
                new_path = f"{head}.{name_field.name}" if head else name_field.name
            else:
                rel = _relationship(base, query, m.start(), last)
                if rel is None:
                    continue
                new_path = f"{head}.{rel}.{name_field.name}" if head else f"{rel}.{name_field.name}"
            query = query[:m.start()] + f"{new_path} LIKE '%{word}%'" + query[m.end():]
        out.append((tool, {**args, "query": query}))
    return out


def _relationship(base: Any, query: str, position: int, field_name: str) -> str | None:
    """The relationship name of reference field `field_name` on the object the query reads."""
    for hit in base_resolver(base).locate("soql_query", {"query": query}):
        if hit.start == position and hit.ref.kind == "field" and hit.ref.base_object:
            obj = base.get(hit.ref.base_object)
            f = obj.field(field_name) if obj else None
            return f.relationship_name if f is not None else None
    return None


def careless_agent(drift: str | None = None) -> ScriptedAgent:
    return ScriptedAgent("careless",
                         lambda task, trial: replay_script(task, drift, careless_prepare))
