"""The `assess` / `demo` flags, generated from env.config.AssessmentConfig.

Every config key becomes a flag (its name with dashes, or the `flag` its field names): the
type, choices, default and help come from the field, so a new key appears on the command line
with no code here, and no default is ever written twice. A flag the user leaves out is absent
from the namespace (argparse.SUPPRESS), so the model's default applies; `overrides` changes the
default a command shows and uses (demo runs drift and rot `medium`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import types
import typing
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError
from pydantic.fields import FieldInfo

from env.config import AssessmentConfig


class ConfigError(ValueError):
    """Flags that make no valid config; the message names each flag and what is wrong."""


def flag_of(name: str, field: FieldInfo) -> str:
    extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
    return str(extra.get("flag") or "--" + name.replace("_", "-"))


def _extra(field: FieldInfo, key: str) -> Any:
    return field.json_schema_extra.get(key) if isinstance(field.json_schema_extra, dict) else None


def _value_type(annotation: Any) -> tuple[Any, bool]:
    """(the scalar type inside Optional/list, whether it is a list)."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and len(args) == 1:
        annotation = args[0]
    if typing.get_origin(annotation) is list:
        return typing.get_args(annotation)[0], True
    return annotation, False


def _parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def default_text(field: FieldInfo, default: Any) -> str:
    """How a default reads in help and docs: 300.0 -> 300, None -> the field's `default_text`."""
    if default is None:
        return str(_extra(field, "default_text") or "none")
    if isinstance(default, float) and default.is_integer():
        return str(int(default))
    return str(default)


def choices_of(field: FieldInfo) -> tuple[Any, ...] | None:
    listed = _extra(field, "choices")
    if listed:
        return tuple(listed)
    scalar, _ = _value_type(field.annotation)
    return typing.get_args(scalar) if typing.get_origin(scalar) is typing.Literal else None


def add_config_flags(parser: argparse.ArgumentParser,
                     overrides: Mapping[str, Any] | None = None) -> None:
    """One flag per AssessmentConfig field (help: description, choices, default)."""
    overrides = overrides or {}
    group = parser.add_argument_group("assessment config (the keys of a green agent request)")
    for name, field in AssessmentConfig.model_fields.items():
        scalar, many = _value_type(field.annotation)
        choices = choices_of(field)
        default = overrides.get(name, field.default)
        kwargs: dict[str, Any] = {
            "dest": name, "default": argparse.SUPPRESS,
            "help": f"{field.description or name} (config key {name}; default: "
                    f"{default_text(field, default)}{'; repeatable' if many else ''})"}
        if choices:
            kwargs["choices"] = choices
            kwargs["metavar"] = "{" + ",".join(map(str, choices)) + "}"
        elif scalar is dt.date:
            kwargs["type"], kwargs["metavar"] = _parse_date, "YYYY-MM-DD"
        elif scalar in (int, float, str):
            kwargs["type"] = scalar
            kwargs["metavar"] = {int: "N", float: "X", str: "TEXT"}[scalar]
        if scalar is bool and not many:
            kwargs["action"] = argparse.BooleanOptionalAction
            kwargs.pop("metavar", None)
        elif many:
            kwargs["action"] = "append"
        group.add_argument(flag_of(name, field), **kwargs)
    parser.set_defaults(config_overrides=dict(overrides))


def config_from_args(args: argparse.Namespace) -> AssessmentConfig:
    """The AssessmentConfig the flags give (the command's overrides, then the flags given);
    ConfigError names each offending flag in one line."""
    values = dict(getattr(args, "config_overrides", {}))
    values.update({name: getattr(args, name) for name in AssessmentConfig.model_fields
                   if hasattr(args, name)})
    try:
        return AssessmentConfig.model_validate(values)
    except ValidationError as exc:
        raise ConfigError(describe_errors(exc)) from None


def describe_errors(exc: ValidationError) -> str:
    """"--task-limit 0: Input should be greater than or equal to 1; ..." (no pydantic URL)."""
    fields = AssessmentConfig.model_fields
    problems = []
    for error in exc.errors(include_url=False):
        name = str(error["loc"][0]) if error["loc"] else ""
        where = flag_of(name, fields[name]) if name in fields else "options"
        given = error.get("input")
        shown = f" {given}" if name in fields and not isinstance(given, (dict, list)) else ""
        problems.append(f"{where}{shown}: {error['msg']}")
    return "; ".join(problems)
