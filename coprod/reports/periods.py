"""The fixed periods a report covers, and how they nest.

A funder never chooses their own dates: two ranges that overlap would give
away, by subtraction, whatever happened in the days only one of them covers.
They choose one of these periods instead, and every period is a cell of one
tree:

    the whole life of the project
      > financial years (1 April to 31 March, as most charity accounts run)
        > quarters (April to June, July to September, October to December,
          January to March)
          > months

so every figure of a period is the sum of its children's figures, and
`suppression.Grid` protects the whole tree at once.

Keys, as they appear in a report's address (`?period=`):
"life", "fy2025-26" (April 2025 to March 2026), "fy2025-26-q1" (its first
quarter) and "2025-04" (April 2025).
"""

import datetime
import re
import zoneinfo
from dataclasses import dataclass

from django.core.exceptions import ValidationError

LIFE = "life"
YEAR_STARTS = 4  # April
QUARTER_NAMES = {
    1: "April to June",
    2: "July to September",
    3: "October to December",
    4: "January to March",
}
# Anchored, fixed-width patterns: a key of any other shape (20 digits, a year
# of 1 or 9999 written oddly) is refused before any date is built.
YEAR_KEY = re.compile(r"fy(\d{4})-(\d{2})", re.ASCII)
QUARTER_KEY = re.compile(r"fy(\d{4})-(\d{2})-q([1-4])", re.ASCII)
MONTH_KEY = re.compile(r"(\d{4})-(\d{2})", re.ASCII)
MAX_KEY = 20


def next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def year_of(month: datetime.date) -> int:
    """The year the financial year holding this month starts in."""
    return month.year if month.month >= YEAR_STARTS else month.year - 1


def quarter_start(month: datetime.date) -> datetime.date:
    return add_months(month.replace(day=1), -((month.month - YEAR_STARTS) % 3))


def year_key(year: int) -> str:
    return f"fy{year}-{(year + 1) % 100:02d}"


def quarter_key(month: datetime.date) -> str:
    year = year_of(month)
    quarter = (month.month - YEAR_STARTS) % 12 // 3 + 1
    return f"{year_key(year)}-q{quarter}"


def month_key(month: datetime.date) -> str:
    return f"{month:%Y-%m}"


@dataclass(frozen=True)
class Period:
    """One reporting period: whole days in the organisation's time zone."""

    key: str
    level: str  # "life", "year", "quarter", "month"
    start: datetime.date
    end: datetime.date
    zone: zoneinfo.ZoneInfo

    @property
    def starts_at(self) -> datetime.datetime:
        return datetime.datetime.combine(self.start, datetime.time.min, tzinfo=self.zone)

    @property
    def ends_before(self) -> datetime.datetime:
        """The first moment after the period (the end day is included)."""
        day = self.end + datetime.timedelta(days=1)
        return datetime.datetime.combine(day, datetime.time.min, tzinfo=self.zone)

    def months(self) -> list[datetime.date]:
        """The first day of each month the period covers."""
        months, day = [], self.start.replace(day=1)
        while day <= self.end:
            months.append(day)
            day = next_month(day)
        return months

    @property
    def label(self) -> str:
        if self.level == LIFE:
            return "The whole life of the project"
        if self.level == "year":
            return f"Financial year {self.start.year} to {self.end.year} (April to March)"
        if self.level == "quarter":
            quarter = int(self.key[-1])
            year = self.end.year
            return f"{QUARTER_NAMES[quarter]} {year}"
        return f"{self.start:%B %Y}"

    def overlaps(self, other: "Period") -> bool:
        return self.start <= other.end and other.start <= self.end


def life(start: datetime.date, end: datetime.date, zone: zoneinfo.ZoneInfo) -> Period:
    return Period(LIFE, LIFE, start, end, zone)


def year(first: int, zone: zoneinfo.ZoneInfo) -> Period:
    start = datetime.date(first, YEAR_STARTS, 1)
    return Period(
        year_key(first), "year", start, add_months(start, 12) - datetime.timedelta(days=1), zone
    )


def quarter(first_month: datetime.date, zone: zoneinfo.ZoneInfo) -> Period:
    end = add_months(first_month, 3) - datetime.timedelta(days=1)
    return Period(quarter_key(first_month), "quarter", first_month, end, zone)


def month(first_day: datetime.date, zone: zoneinfo.ZoneInfo) -> Period:
    end = next_month(first_day) - datetime.timedelta(days=1)
    return Period(month_key(first_day), "month", first_day, end, zone)


def parse(key: str, whole: Period) -> Period:
    """The period a key names, if it is one of the project's; else a ValidationError saying why."""
    key = (key or "").strip().lower()
    if key == LIFE or not key:
        return whole
    unreadable = ValidationError(
        "We could not read that period. Choose one from the list: the whole life, "
        "a financial year, a quarter or a month.",
        code="unreadable",
    )
    if len(key) > MAX_KEY:
        raise unreadable
    outside = ValidationError(
        f"That period is outside this project's life, which runs from "
        f"{whole.start:%-d %B %Y} to {whole.end:%-d %B %Y}. Choose a period from the list.",
        code="outside",
    )
    # Years far from the project's are refused before any date is built
    # (year 1 or 9999 would otherwise overflow the calendar).
    possible = range(whole.start.year - 1, whole.end.year + 1)
    period = None
    if match := QUARTER_KEY.fullmatch(key):
        first, second, number = (int(g) for g in match.groups())
        if second != (first + 1) % 100:
            raise unreadable
        if first not in possible:
            raise outside
        start = add_months(datetime.date(first, YEAR_STARTS, 1), 3 * (number - 1))
        period = quarter(start, whole.zone)
    elif match := YEAR_KEY.fullmatch(key):
        first, second = (int(g) for g in match.groups())
        if second != (first + 1) % 100:
            raise unreadable
        if first not in possible:
            raise outside
        period = year(first, whole.zone)
    elif match := MONTH_KEY.fullmatch(key):
        first, number = (int(g) for g in match.groups())
        if not 1 <= number <= 12:
            raise unreadable
        if first not in possible:
            raise outside
        period = month(datetime.date(first, number, 1), whole.zone)
    if period is None:
        raise unreadable
    if not period.overlaps(whole):
        raise outside
    return period


def choices(whole: Period) -> list[Period]:
    """Every period a report may cover: the whole life, then its years, quarters and months."""
    zone = whole.zone
    months = whole.months()
    years = sorted({year_of(m) for m in months})
    quarters = sorted({quarter_start(m) for m in months})
    result = [whole]
    result += [year(y, zone) for y in years]
    result += [quarter(q, zone) for q in quarters]
    result += [month(m, zone) for m in months]
    return result


def tree(months: list[datetime.date]) -> dict[str, list[str]]:
    """Each period's children, for whole financial years around these months.

    Every year is whole (all four quarters, all twelve months) so that a
    year's figure is always the sum of its quarters' and its months' figures.
    """
    children: dict[str, list[str]] = {LIFE: []}
    for first in sorted({year_of(m) for m in months}):
        key = year_key(first)
        children[LIFE].append(key)
        children[key] = []
        start = datetime.date(first, YEAR_STARTS, 1)
        for q in range(4):
            q_start = add_months(start, 3 * q)
            q_key = quarter_key(q_start)
            children[key].append(q_key)
            children[q_key] = [month_key(add_months(q_start, n)) for n in range(3)]
            for m_key in children[q_key]:
                children[m_key] = []
    return children
