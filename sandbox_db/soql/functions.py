"""SOQL's value functions and literals, as an en_US user of a single-currency (USD) org sees them.

- `convertCurrency(field)`: the amount in the user's currency. The org's one currency, USD, is the
  corporate currency and every user's, so the value is unchanged; only currency fields convert.
- currency literals (`USD5000`, `usd1.5`): an ISO code the org has (USD) and an amount; they
  compare with currency fields only, and not in HAVING (Salesforce rejects that).
- `toLabel(field)`: the picklist value's label in the user's language; this org's labels are its
  values, so the value is unchanged; only picklist fields translate (in SELECT and WHERE).
- `FORMAT(value)`: the value as the user's locale shows it: `$44,000.00`, `1,200`, `50%`,
  `12/28/2015`, `12/28/2015, 3:31 PM` (datetimes in UTC, the engine's one time zone).
- `DISTANCE(location, GEOLOCATION(lat, lon), 'mi'|'km')`: great-circle (haversine) distance
  over a compound field's latitude/longitude parts, on a sphere of the Earth's mean radius.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sandbox_db.schema import FieldType
from sandbox_db.soql.results import json_value

ORG_CURRENCY = "USD"
CURRENCY_SYMBOLS = {"USD": "$"}
#: The Earth's mean radius per DISTANCE unit.
EARTH_RADIUS = {"mi": 3958.8, "km": 6371.0088}
DISPLAY_FUNCTIONS = frozenset({"TOLABEL", "FORMAT", "CONVERTCURRENCY"})


def _money(value: float) -> str:
    symbol = CURRENCY_SYMBOLS[ORG_CURRENCY]
    text = f"{abs(value):,.2f}"
    return f"-{symbol}{text}" if value < 0 else f"{symbol}{text}"


def _percent(value: float) -> str:
    return f"{value:,.0f}%" if float(value).is_integer() else f"{value:,.2f}%"


def _date(value: dt.date) -> str:
    return f"{value.month}/{value.day}/{value.year}"


def _datetime(value: dt.datetime) -> str:
    hour = value.hour % 12 or 12
    return f"{_date(value)}, {hour}:{value.minute:02d} {'AM' if value.hour < 12 else 'PM'}"


_FORMATTERS: dict[FieldType, Callable[[Any], str]] = {
    FieldType.CURRENCY: _money,
    FieldType.INT: lambda v: f"{int(v):,}",
    FieldType.DOUBLE: lambda v: f"{v:,.2f}",
    FieldType.PERCENT: _percent,
    FieldType.DATE: _date,
    FieldType.DATETIME: _datetime,
}


def formatter(ftype: FieldType) -> Callable[[Any], Any]:
    """FORMAT() for a value of `ftype` (text, picklists and checkboxes show as they are)."""
    fmt = _FORMATTERS.get(ftype)
    if fmt is None:
        return json_value

    def render(value: Any) -> Any:
        return None if value is None else fmt(value)

    return render


def distance_sql(lat: str, lon: str, lat0: str, lon0: str, unit: str) -> str:
    """Haversine distance between (lat, lon) columns and a (lat0, lon0) point, in `unit`."""
    return (f"(2 * {EARTH_RADIUS[unit]} * asin(sqrt(pow(sin(radians({lat} - {lat0}) / 2), 2) + "
            f"cos(radians({lat0})) * cos(radians({lat})) * "
            f"pow(sin(radians({lon} - {lon0}) / 2), 2))))")
