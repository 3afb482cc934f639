"""Shared by the SOQL conformance tests over the real generated orgs: their "today" and the
hand-written SQL they compare against."""

from __future__ import annotations

import datetime as dt
import re

from sandbox_db.soql.results import json_value

TODAY = dt.date(2024, 9, 15)


def raw(db, sql: str, params=()) -> list[tuple]:
    """Hand-written SQL over the base tables ({Obj} -> the org's base table)."""
    sql = re.sub(r"\{(\w+)\}", lambda m: db.base_table(m.group(1)), sql)
    cur = db.cursor()
    try:
        rows = cur.execute(sql, list(params)).fetchall()
        return [tuple(json_value(v) for v in row) for row in rows]
    finally:
        cur.close()
