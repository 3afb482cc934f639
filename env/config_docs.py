"""The config keys as text, generated from AssessmentConfig: the README's table, the green
agent card's config text and scenario.toml's commented [config] table.

None of these is written by hand, so they cannot drift from the model (they once did: the card
said `org_type (b2b|b2c|all)` while the code accepted `both`). `scripts/generate_docs.py`
rewrites the generated blocks of README.md and scenario.toml; tests/env/test_config_docs.py
fails when a block differs from what the model generates.
"""

from __future__ import annotations

import datetime as dt
import json
import types
import typing
from collections.abc import Mapping
from typing import Any

import annotated_types
from pydantic.fields import FieldInfo

from env.config import AssessmentConfig

#: The markers around a generated block: `<begin> ... <end>` (HTML comments in markdown,
#: `#` comments in TOML).
BLOCK = "config-keys"


def value_type(annotation: Any) -> tuple[Any, bool]:
    """(the scalar type inside Optional/list, whether it is a list)."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and len(args) == 1:
        annotation = args[0]
    if typing.get_origin(annotation) is list:
        return typing.get_args(annotation)[0], True
    return annotation, False


def extra(field: FieldInfo, key: str) -> Any:
    return field.json_schema_extra.get(key) if isinstance(field.json_schema_extra, dict) else None


def choices_of(field: FieldInfo) -> tuple[Any, ...] | None:
    listed = extra(field, "choices")
    if listed:
        return tuple(listed)
    scalar, _ = value_type(field.annotation)
    return typing.get_args(scalar) if typing.get_origin(scalar) is typing.Literal else None


def default_text(field: FieldInfo, default: Any = None, *, use_field: bool = True) -> str:
    """How a default reads: 300.0 -> 300, None -> the field's `default_text` ("all")."""
    if use_field:
        default = field.default
    if default is None:
        return str(extra(field, "default_text") or "none")
    if isinstance(default, float) and default.is_integer():
        return str(int(default))
    return str(default)


_BOUNDS = ((annotated_types.Ge, "≥"), (annotated_types.Gt, ">"), (annotated_types.Le, "≤"),
           (annotated_types.Lt, "<"))


def values_text(field: FieldInfo) -> str:
    """What a key accepts: "none, low, medium, high", "integer ≥ 1", "list of text", ..."""
    if extra(field, "values"):
        return str(extra(field, "values"))
    scalar, many = value_type(field.annotation)
    choices = choices_of(field)
    if choices and len(choices) <= 6:
        kind = ", ".join(map(str, choices))
    elif choices:
        kind = "category name"
    else:
        kind = {int: "integer", float: "number", str: "text", bool: "true or false",
                dt.date: "date YYYY-MM-DD"}.get(scalar, getattr(scalar, "__name__", str(scalar)))
    bounds = [f"{sign} {getattr(m, type(m).__name__.lower())}" for m in field.metadata
              for cls, sign in _BOUNDS if isinstance(m, cls)]
    text = kind + (" " + ", ".join(bounds) if bounds else "")
    return f"list of {text}" if many else text


def config_table_markdown() -> str:
    """The README's table: key, accepted values, default, meaning."""
    rows = ["| config key | values | default | meaning |", "|---|---|---|---|"]
    for name, field in AssessmentConfig.model_fields.items():
        rows.append(f"| `{name}` | {values_text(field)} | {default_text(field)} | "
                    f"{field.description or ''} |")
    return "\n".join(rows)


def config_card_text() -> str:
    """The config keys in one paragraph, for the green agent card's skill description."""
    return "; ".join(f"{name} ({values_text(field)}, default {default_text(field)})"
                     for name, field in AssessmentConfig.model_fields.items())


def scenario_config_block(values: Mapping[str, Any]) -> str:
    """scenario.toml's [config] table: every key with its description, values and default; the
    keys in `values` set, the others commented out at their default."""
    lines = ["[config]"]
    for name, field in AssessmentConfig.model_fields.items():
        lines.append(f"# {field.description} ({values_text(field)}; default "
                     f"{default_text(field)})")
        if name in values:
            lines.append(f"{name} = {_toml(values[name])}")
        else:
            lines.append(f"# {name} = {_toml(field.default) if field.default is not None else '…'}")
    return "\n".join(lines)


def _toml(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return json.dumps(value)


def replace_block(text: str, body: str, comment: str = "html") -> str:
    """`text` with the generated block between its markers replaced by `body` (ValueError when
    the markers are missing)."""
    begin, end = markers(comment)
    head, found, rest = text.partition(begin)
    _, found_end, tail = rest.partition(end)
    if not (found and found_end):
        raise ValueError(f"no {begin!r} ... {end!r} block")
    return f"{head}{begin}\n{body}\n{end}{tail}"


def markers(comment: str = "html") -> tuple[str, str]:
    note = "generated from env/config.py by scripts/generate_docs.py"
    if comment == "html":
        return f"<!-- {BLOCK}:begin ({note}) -->", f"<!-- {BLOCK}:end -->"
    return f"# {BLOCK}:begin ({note})", f"# {BLOCK}:end"
