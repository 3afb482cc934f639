"""SOQL date literals: absolute values and the relative ranges (`TODAY`, `LAST_N_DAYS:30`).

Every relative literal is a half-open range of days [start, end) computed from the episode's
fixed `today`, with Salesforce's boundary definitions (en_US locale: weeks start on Sunday; the
fiscal year is the calendar year; times in UTC). Comparisons against a range follow Salesforce:
`= R` is inside the range, `< R` before its start, `> R` after its end, `<= R` before its end,
`>= R` from its start on.
"""

from __future__ import annotations

import datetime as dt
import re

from sandbox_db.errors import ErrorCode, SalesforceError

DateRange = tuple[dt.date, dt.date]

_DATETIME_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|([+-])(\d{2}):?(\d{2}))$")


def parse_date_value(text: str) -> dt.date | dt.datetime | None:
    """`2024-01-31` -> date; `2024-01-31T10:00:00+02:00` -> naive UTC datetime; else None."""
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        m = _DATETIME_RE.match(text)
        if not m:
            return None
        y, mo, d, h, mi, s, frac, zone, sign, zh, zm = m.groups()
        value = dt.datetime(int(y), int(mo), int(d), int(h), int(mi), int(s),
                            int((frac or "0")[:6].ljust(6, "0")))
        if zone != "Z":
            offset = dt.timedelta(hours=int(zh), minutes=int(zm))
            value = value - offset if sign == "+" else value + offset
        return value
    except ValueError:
        return None


def add_months(d: dt.date, months: int) -> dt.date:
    """First-of-month arithmetic (callers only pass first days of months)."""
    index = d.year * 12 + (d.month - 1) + months
    return dt.date(index // 12, index % 12 + 1, 1)


def week_start(d: dt.date) -> dt.date:
    """The Sunday on or before `d`."""
    return d - dt.timedelta(days=(d.weekday() + 1) % 7)


def _unit_start(unit: str, today: dt.date) -> tuple[dt.date, int]:
    """(start of the current unit, its length in months) for MONTH/QUARTER/YEAR."""
    if unit == "MONTH":
        return today.replace(day=1), 1
    if unit == "QUARTER":
        return dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), 3
    return dt.date(today.year, 1, 1), 12


def relative_range(literal: str, today: dt.date) -> DateRange:
    """The [start, end) days of a relative literal such as `THIS_QUARTER` or `LAST_N_DAYS:7`."""
    name, _, num = literal.upper().partition(":")
    n = int(num) if num else 1
    name = name.replace("_FISCAL", "")
    day = dt.timedelta(days=1)
    if name == "TODAY":
        return today, today + day
    if name == "YESTERDAY":
        return today - day, today
    if name == "TOMORROW":
        return today + day, today + 2 * day
    if name == "LAST_90_DAYS":
        return today - 90 * day, today + day
    if name == "NEXT_90_DAYS":
        return today + day, today + 91 * day
    if name == "LAST_N_DAYS":
        return today - n * day, today + day
    if name == "NEXT_N_DAYS":
        return today + day, today + (n + 1) * day
    if name == "N_DAYS_AGO":
        return today - n * day, today - (n - 1) * day
    week = dt.timedelta(days=7)
    ws = week_start(today)
    if name in ("LAST_WEEK", "THIS_WEEK", "NEXT_WEEK"):
        shift = {"LAST_WEEK": -1, "THIS_WEEK": 0, "NEXT_WEEK": 1}[name]
        return ws + shift * week, ws + (shift + 1) * week
    if name == "LAST_N_WEEKS":
        return ws - n * week, ws
    if name == "NEXT_N_WEEKS":
        return ws + week, ws + (n + 1) * week
    if name == "N_WEEKS_AGO":
        return ws - n * week, ws - (n - 1) * week
    for unit in ("MONTH", "QUARTER", "YEAR"):
        start, length = _unit_start(unit, today)
        if name == f"THIS_{unit}":
            return start, add_months(start, length)
        if name == f"LAST_{unit}":
            return add_months(start, -length), start
        if name == f"NEXT_{unit}":
            return add_months(start, length), add_months(start, 2 * length)
        if name == f"LAST_N_{unit}S":
            return add_months(start, -n * length), start
        if name == f"NEXT_N_{unit}S":
            return add_months(start, length), add_months(start, (n + 1) * length)
        if name == f"N_{unit}S_AGO":
            return add_months(start, -n * length), add_months(start, -(n - 1) * length)
    raise SalesforceError(ErrorCode.MALFORMED_QUERY, f"unexpected token: '{literal}'")
