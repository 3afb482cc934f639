"""The config keys as text, generated from AssessmentConfig: the README's table, the green
agent card's config text and scenario.toml's commented [config] table.

None of these is written by hand, so they cannot drift from the model (they once did: the card
said `org_type (b2b|b2c|all)` while the code accepted `both`). `scripts/generate_docs.py`
rewrites the generated blocks of README.md and scenario.toml; tests/test_generated_docs.py fails
when a block differs from what the model generates.
"""

from __future__ import annotations

import datetime as dt
import json
import types
import typing
from collections.abc import Mapping
from typing import Any

from pydantic.fields import FieldInfo

from env.config import AssessmentConfig


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


#: The bounds pydantic keeps in a field's metadata (annotated_types' Ge, Gt, Le, Lt), by the
#: attribute that holds each one's value.
_BOUNDS = (("ge", "≥"), ("gt", ">"), ("le", "≤"), ("lt", "<"))


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
    bounds = [f"{sign} {getattr(m, attr)}" for m in field.metadata
              for attr, sign in _BOUNDS if getattr(m, attr, None) is not None]
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
