"""Pence, rounding, and the periods people count their earnings in."""

import calendar
import datetime
from decimal import ROUND_HALF_UP, Decimal


def pence_for_time(minutes: int, hourly_pence: int) -> int:
    """Pay for `minutes` at `hourly_pence` an hour, rounded half-up to the penny, once."""
    exact = Decimal(minutes) * Decimal(hourly_pence) / Decimal(60)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def pence_from_pounds(text) -> int:
    """Turn "4.50" or "£4.5" into 450; anything else raises ValueError."""
    cleaned = str(text).strip().replace("£", "").replace(",", "")
    value = Decimal(cleaned)
    if value != value.quantize(Decimal("0.01")):
        raise ValueError("Use pounds and pence, like 4.50.")
    return int(value * 100)


def pounds(pence: int) -> str:
    """450 -> "£4.50", -450 -> "-£4.50"."""
    sign = "-" if pence < 0 else ""
    return f"{sign}£{abs(pence) // 100:,}.{abs(pence) % 100:02d}"


def _day_in_month(year, month, day):
    return datetime.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def period_bounds(period: str, on: datetime.date, *, uc_start_day: int | None = None):
    """Return (first day, last day) of the week, month or UC assessment period holding `on`.

    A UC assessment period starts on the same day each month; in a shorter
    month a start day of 29, 30 or 31 falls on the month's last day.
    """
    if period == "week":
        start = on - datetime.timedelta(days=on.weekday())
        return start, start + datetime.timedelta(days=6)
    if period == "month":
        return on.replace(day=1), _day_in_month(on.year, on.month, 31)
    if period == "uc":
        day = uc_start_day or 1
        start = _day_in_month(on.year, on.month, day)
        if start > on:
            prev_year, prev_month = (on.year, on.month - 1) if on.month > 1 else (on.year - 1, 12)
            start = _day_in_month(prev_year, prev_month, day)
        next_year, next_month = (
            (start.year, start.month + 1) if start.month < 12 else (start.year + 1, 1)
        )
        return start, _day_in_month(next_year, next_month, day) - datetime.timedelta(days=1)
    raise ValueError(f"Unknown period: {period}")


def tax_year_bounds(on: datetime.date):
    """Return (6 April, 5 April) of the UK tax year holding `on`."""
    start_year = on.year if on >= datetime.date(on.year, 4, 6) else on.year - 1
    return datetime.date(start_year, 4, 6), datetime.date(start_year + 1, 4, 5)
