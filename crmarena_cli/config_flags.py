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
import re
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError
from pydantic.fields import FieldInfo

from crmarena_cli.command import UsageError, iso_date
from env.config import AssessmentConfig
from env.config_docs import choices_of, default_text, extra, value_type

#: Choices beyond this many are listed in the flag's help rather than in the usage line.
LISTED_IN_USAGE = 6


def flag_of(name: str, field: FieldInfo) -> str:
    return str(extra(field, "flag") or "--" + name.replace("_", "-"))


def add_config_flags(parser: argparse.ArgumentParser,
                     overrides: Mapping[str, Any] | None = None) -> None:
    """One flag per AssessmentConfig field (help: description, choices, default)."""
    overrides = overrides or {}
    group = parser.add_argument_group("assessment config (the keys of a green agent request)")
    for name, field in AssessmentConfig.model_fields.items():
        scalar, many = value_type(field.annotation)
        choices = choices_of(field)
        default = overrides.get(name, field.default)
        notes = [f"config key {name}", f"default: {default_text(field, default, use_field=False)}"]
        if many:
            notes.append("repeatable")
        kwargs: dict[str, Any] = {"dest": name, "default": argparse.SUPPRESS}
        if choices:
            kwargs["choices"] = choices
            if len(choices) > LISTED_IN_USAGE:  # too many for the usage line: list them below
                kwargs["metavar"] = flag_of(name, field).lstrip("-").upper()
                notes.append("one of: " + ", ".join(map(str, choices)))
            else:
                kwargs["metavar"] = "{" + ",".join(map(str, choices)) + "}"
        elif scalar is dt.date:
            kwargs["type"], kwargs["metavar"] = iso_date, "YYYY-MM-DD"
        elif scalar in (int, float, str):
            kwargs["type"] = scalar
            kwargs["metavar"] = {int: "N", float: "X", str: "TEXT"}[scalar]
        kwargs["help"] = f"{field.description or name} ({'; '.join(notes)})"
        if scalar is bool and not many:
            kwargs["action"] = argparse.BooleanOptionalAction
            kwargs.pop("metavar", None)
        elif many:
            kwargs["action"] = "append"
        group.add_argument(flag_of(name, field), **kwargs)
    parser.set_defaults(config_overrides=dict(overrides))


def config_from_args(args: argparse.Namespace) -> AssessmentConfig:
    """The AssessmentConfig the flags give (the command's overrides, then the flags given);
    a UsageError names each offending flag, in one line."""
    values = dict(getattr(args, "config_overrides", {}))
    values.update({name: getattr(args, name) for name in AssessmentConfig.model_fields
                   if hasattr(args, name)})
    try:
        return AssessmentConfig.model_validate(values)
    except ValidationError as exc:
        raise UsageError(describe_errors(exc)) from None


def describe_errors(exc: ValidationError) -> str:
    """"--task-limit 0: Input should be greater than or equal to 1; ..." (no pydantic URL)."""
    fields = AssessmentConfig.model_fields
    problems = []
    for error in exc.errors(include_url=False):
        name = str(error["loc"][0]) if error["loc"] else ""
        message = str(error["msg"]).removeprefix("Value error, ")
        if name not in fields:  # a check across keys: name them by their flags
            problems.append(re.sub(r"\b[a-z]+(?:_[a-z]+)+\b", lambda m: flag_of(
                m.group(), fields[m.group()]) if m.group() in fields else m.group(), message))
            continue
        given = error.get("input")
        shown = "" if isinstance(given, (dict, list)) else f" {given}"
        problems.append(f"{flag_of(name, fields[name])}{shown}: {message}")
    return "; ".join(problems)


def selection_error(exc: Exception) -> UsageError:
    """An env.runner.AssessmentError as a usage error naming the flag at fault: `--task-id:
    unknown task ids: ...`, `--out DIR holds an assessment of ...`."""
    from env.runner import FolderInUse  # here, not at the top: `crmarena --help` stays fast

    if isinstance(exc, FolderInUse):
        return UsageError(f"--out {exc}")
    key = getattr(exc, "key", None)
    field = AssessmentConfig.model_fields.get(key) if key else None
    return UsageError(f"{flag_of(key, field)}: {exc}" if key and field else str(exc))
