"""Loading CRMArena-Pro task files (the JSON array format of Salesforce/CRMArenaPro) as Tasks.

Why: a user who imports the matching real org data can assess agents on the original tasks with
the same environment and graders. These tasks carry no reference solution (their answers come from
a private org), so the oracle cannot replay them and entropy cannot re-derive them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from data.tasks.model import NONE_ANSWER, Task
from sandbox_db.schema import ORG_TYPES, OrgType

_TODAY = re.compile(r"Today's date:\s*(\d{4}-\d{2}-\d{2})")


class CRMArenaProFormatError(ValueError):
    """The file is not a CRMArena-Pro task array (message names the record and the problem)."""


def parse_today(text: str) -> dt.date | None:
    match = _TODAY.search(text or "")
    return dt.date.fromisoformat(match.group(1)) if match else None


def _answer(raw: Any) -> tuple[str, ...]:
    items = raw if isinstance(raw, list) else [raw]
    answer = tuple(NONE_ANSWER if a is None else str(a) for a in items)
    return answer or (NONE_ANSWER,)


def record_to_task(record: dict[str, Any], org: OrgType) -> Task:
    """One CRMArena-Pro record -> Task (no reference solution; source "crmarena-pro:<idx>")."""
    try:
        idx = record["idx"]
        metadata = record.get("metadata") or {}
        required = (metadata.get("required") or "").strip("\n")
        return Task(
            id=f"crmarena-pro-{org}-{idx}", org=org, category=record["task"],
            query=record["query"], persona=record.get("persona") or "",
            required_context=required, today=parse_today(required),
            reward_metric=record["reward_metric"], answer=_answer(record["answer"]),
            source=f"crmarena-pro:{idx}")
    except KeyError as exc:
        raise CRMArenaProFormatError(
            f"record {record.get('idx', '?')}: missing key {exc.args[0]!r}") from exc
    except ValidationError as exc:
        raise CRMArenaProFormatError(f"record {record.get('idx', '?')}: {exc}") from exc


def load_crmarena_pro(path: str | Path, org: OrgType = "b2b") -> list[Task]:
    """All tasks of a CRMArena-Pro JSON task file, in file order."""
    if org not in ORG_TYPES:
        raise ValueError(f"unknown org {org!r}; expected one of {', '.join(ORG_TYPES)}")
    try:
        records = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise CRMArenaProFormatError(f"{path}: not JSON ({exc})") from exc
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise CRMArenaProFormatError(f"{path}: expected a JSON array of task objects")
    return [record_to_task(r, org) for r in records]
