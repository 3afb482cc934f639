"""Showing results and errors: rich tables (child subquery records indented under their parent),
a footer with row count and timing, or the raw JSON the agent receives.

Why errors are shown verbatim: the point of the playground is to see what the agent sees, so an
error is its `errorCode` and `message` unchanged (and, in JSON mode, the exact error list).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from playground.session import OutputMode, StatementOutcome

#: Longest cell text in table mode (JSON mode always shows everything).
MAX_CELL = 60
CHILD_MARK = "  ↳ "


def _cell(value: Any) -> Text:
    if value is None:
        return Text("null", style="dim")
    if isinstance(value, bool):
        return Text("true" if value else "false", style="magenta")
    if isinstance(value, (int, float)):
        return Text(repr(value), style="cyan")
    text = " ".join(str(value).split())
    if len(text) > MAX_CELL:
        text = text[:MAX_CELL - 1] + "…"
    return Text(text)


def flatten(record: dict[str, Any], prefix: str = "") -> tuple[dict[str, Any],
                                                                dict[str, list[dict[str, Any]]]]:
    """(scalar columns with parent paths joined by dots, child relationship -> records)."""
    scalars: dict[str, Any] = {}
    children: dict[str, list[dict[str, Any]]] = {}
    for key, value in record.items():
        if key == "attributes":
            continue
        if isinstance(value, dict) and "records" in value:
            children[prefix + key] = list(value["records"])
        elif isinstance(value, dict):
            sub, grand = flatten(value, f"{prefix}{key}.")
            scalars.update(sub)
            children.update(grand)
        else:
            scalars[prefix + key] = value
    return scalars, children


def _union(keys: Iterable[Iterable[str]]) -> list[str]:
    return list(dict.fromkeys(k for ks in keys for k in ks))


def _drop_null_parents(columns: list[str]) -> list[str]:
    """`Account` (a null parent in some rows) is dropped when `Account.Name` columns exist."""
    return [c for c in columns if not any(o.startswith(c + ".") for o in columns)]


def records_table(records: list[dict[str, Any]], title: str | None = None) -> Table:
    """One table: parent rows, each followed by its child subquery rows (indented)."""
    flat = [flatten(r) for r in records]
    child_columns: dict[str, list[str]] = {}
    for _, children in flat:
        for rel, rows in children.items():
            keys = child_columns.setdefault(rel, [])
            for row in rows:
                keys.extend(k for k in flatten(row)[0] if k not in keys)
    # A child relationship without records is a null scalar: never a column of its own.
    columns = [c for c in _drop_null_parents(_union(s.keys() for s, _ in flat))
               if c not in child_columns]
    table = Table(title=title, title_justify="left", header_style="bold")
    for c in columns:
        table.add_column(c, overflow="fold")
    for rel, keys in child_columns.items():
        for k in _drop_null_parents(keys):
            table.add_column(f"{rel}.{k}", style="green", overflow="fold")
    width = len(table.columns)
    for scalars, children in flat:
        table.add_row(*[_cell(scalars.get(c)) for c in columns],
                      *[Text("")] * (width - len(columns)))
        offset = len(columns)
        for rel, keys in child_columns.items():
            keys = _drop_null_parents(keys)
            for child in children.get(rel, []):
                values = flatten(child)[0]
                cells = [Text("")] * width
                cells[0] = Text(f"{CHILD_MARK}{rel}", style="green")
                for i, k in enumerate(keys):
                    cells[offset + i] = _cell(values.get(k))
                table.add_row(*cells)
            offset += len(keys)
    return table


def _footer(outcome: StatementOutcome) -> str:
    ms = outcome.elapsed_s * 1000
    result = outcome.result or {}
    if "searchRecords" in result:
        return f"{len(result['searchRecords'])} records · {ms:.1f} ms"
    shown = len(result.get("records", []))
    total = result.get("totalSize", shown)
    if not shown and total:
        return f"totalSize {total} · {ms:.1f} ms"
    if shown == total:
        return f"{shown} row{'s' if shown != 1 else ''} · {ms:.1f} ms"
    return f"{shown} rows shown · totalSize {total} · {ms:.1f} ms"


def render_error(console: Console, outcome: StatementOutcome, mode: OutputMode) -> None:
    assert outcome.error is not None
    if mode == "json":
        print_json(console, outcome.error.to_json())
        return
    for item in outcome.error.to_json():
        console.print(Text(item["errorCode"], style="bold red"), Text(item["message"]))


def render_outcome(console: Console, outcome: StatementOutcome, mode: OutputMode,
                   footer_console: Console | None = None) -> None:
    """A statement's result or error; the footer (count, time) on `footer_console` if given."""
    footer_to = footer_console or console
    if not outcome.ok:
        render_error(console, outcome, mode)
        footer_to.print(Text(f"error · {outcome.elapsed_s * 1000:.1f} ms", style="dim"))
        return
    result = outcome.result or {}
    if mode == "json":
        print_json(console, result)
    elif "searchRecords" in result:
        by_type: dict[str, list[dict[str, Any]]] = {}
        for r in result["searchRecords"]:
            by_type.setdefault(r.get("attributes", {}).get("type", "?"), []).append(r)
        for sobject, rows in by_type.items():
            console.print(records_table(rows, title=f"{sobject} ({len(rows)})"))
    elif result.get("records"):
        console.print(records_table(result["records"]))
    footer_to.print(Text(_footer(outcome), style="dim"))


def print_json(console: Console, payload: Any) -> None:
    """Highlighted and indented on a terminal; one compact line otherwise (scripts, jq)."""
    if console.is_terminal:
        console.print_json(json.dumps(payload, default=str))
    else:
        console.file.write(json.dumps(payload, default=str) + "\n")
        console.file.flush()
