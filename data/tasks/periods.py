"""Time periods as CRMArena-Pro phrases them ("the past 4 months", "Q3 2020", "Fall 2022") with
their exact windows, plus SOQL datetime literals.

Why one module: every time-windowed category must phrase a period, state the domain definitions
the agent needs, and filter its reference query by exactly that window; getting the three out of
step would make gold answers disagree with the question.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
from dataclasses import dataclass

#: CRMArena-Pro's "Domain Details" (metadata.optional), trimmed to what our categories use.
DOMAIN_DETAILS = """# Domain Details
## Quarters of the Year
- Q1: January 1 to March 31 (both inclusive).
- Q2: April 1 to June 30 (both inclusive).
- Q3: July 1 to September 30 (both inclusive).
- Q4: October 1 to December 31 (both inclusive).
## Seasons
- Winter (2024): December 1, 2024 to February 28/29, 2025 (both inclusive), specifying the year to avoid ambiguity.
- Spring: March 1 to May 31 (both inclusive).
- Summer: June 1 to August 31 (both inclusive).
- Autumn/Fall: September 1 to November 30 (both inclusive).
## Time Periods
- Past N months/quarters/weeks: the period that begins N months (3N months, 7N days) before today's date and ends on today's date (both inclusive). For example, the past 2 quarters is the six months up to and including today.
"""  # noqa: E501 - the policy text the agent reads, one line per rule

NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven",
                8: "eight", 9: "nine", 10: "ten", 11: "eleven", 12: "twelve"}
ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth"}
SEASONS = {"Spring": 3, "Summer": 6, "Fall": 9, "Autumn": 9, "Winter": 12}

ORG_FIRST_DAY = dt.date(2020, 1, 1)
ORG_LAST_DAY = dt.date(2024, 12, 31)


@dataclass(frozen=True)
class Period:
    """A window [start, end) in naive UTC datetimes, and how a question names it."""

    phrase: str
    start: dt.datetime
    end: dt.datetime

    @property
    def first_day(self) -> dt.date:
        return self.start.date()

    @property
    def last_day(self) -> dt.date:
        return (self.end - dt.timedelta(days=1)).date()

    def contains(self, t: dt.datetime | dt.date) -> bool:
        if not isinstance(t, dt.datetime):
            t = dt.datetime.combine(t, dt.time())
        return self.start <= t.replace(tzinfo=None) < self.end

    def soql_range(self, field: str) -> str:
        """`field >= start AND field < end` with explicit SOQL datetime literals."""
        return f"{field} >= {soql_datetime(self.start)} AND {field} < {soql_datetime(self.end)}"

    def soql_date_range(self, field: str) -> str:
        """The same window for a date (not datetime) field."""
        return f"{field} >= {self.first_day.isoformat()} AND {field} <= {self.last_day.isoformat()}"


def soql_datetime(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _days(first: dt.date, last: dt.date, phrase: str) -> Period:
    """A period from `first` to `last`, both inclusive."""
    return Period(phrase, dt.datetime.combine(first, dt.time()),
                  dt.datetime.combine(last + dt.timedelta(days=1), dt.time()))


def _count(rng: random.Random, n: int) -> str:
    return NUMBER_WORDS[n] if n in NUMBER_WORDS and rng.random() < 0.5 else str(n)


def past(today: dt.date, unit: str, n: int, rng: random.Random | None = None) -> Period:
    """"the past N months|quarters|weeks" up to and including `today`."""
    rng = rng or random.Random(0)
    if unit == "week":
        first = today - dt.timedelta(days=7 * n)
    else:
        first = add_months(today, -(3 * n if unit == "quarter" else n))
    lead = rng.choice(("the past", "the last", "the previous"))
    noun = unit if n == 1 else unit + "s"
    phrase = f"{lead} {noun}" if n == 1 else f"{lead} {_count(rng, n)} {noun}"
    return _days(first, today, phrase)


def quarter(year: int, q: int, rng: random.Random | None = None) -> Period:
    rng = rng or random.Random(0)
    first = dt.date(year, 3 * q - 2, 1)
    last = add_months(first, 3) - dt.timedelta(days=1)
    phrase = rng.choice((f"Q{q} {year}", f"the {ORDINALS[q]} quarter of {year}",
                         f"Q{q} of {year}"))
    return _days(first, last, phrase)


def season(year: int, name: str) -> Period:
    """Spring/Summer/Fall/Autumn of `year`; Winter `year` runs Dec `year` to Feb `year+1`."""
    first = dt.date(year, SEASONS[name], 1)
    last = add_months(first, 3) - dt.timedelta(days=1)
    return _days(first, last, f"{name} {year}" if name != "Fall" else f"the fall of {year}")


def month(year: int, m: int) -> Period:
    first = dt.date(year, m, 1)
    return _days(first, add_months(first, 1) - dt.timedelta(days=1),
                 f"{calendar.month_name[m]} {year}")


def random_period(rng: random.Random, today: dt.date, *,
                  kinds: tuple[str, ...] = ("months", "quarters", "weeks", "quarter", "season",
                                            "month"),
                  months: tuple[int, int] = (2, 12), quarters: tuple[int, int] = (1, 6),
                  weeks: tuple[int, int] = (3, 8)) -> Period:
    """A random period phrased relative to `today` or named, ending on or before `today` and
    starting inside the org's history."""
    for _ in range(50):
        kind = rng.choice(kinds)
        if kind == "months":
            p = past(today, "month", rng.randint(*months), rng)
        elif kind == "quarters":
            p = past(today, "quarter", rng.randint(*quarters), rng)
        elif kind == "weeks":
            p = past(today, "week", rng.randint(*weeks), rng)
        else:
            year = rng.randint(ORG_FIRST_DAY.year, today.year)
            if kind == "quarter":
                p = quarter(year, rng.randint(1, 4), rng)
            elif kind == "season":
                p = season(year, rng.choice(("Spring", "Summer", "Fall", "Autumn", "Winter")))
            else:
                p = month(year, rng.randint(1, 12))
        if p.first_day >= ORG_FIRST_DAY and p.last_day <= today:
            return p
    return past(today, "month", months[1], rng)


def random_today(rng: random.Random, first: dt.date = dt.date(2020, 9, 1),
                 last: dt.date = ORG_LAST_DAY) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))
