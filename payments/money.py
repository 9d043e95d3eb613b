"""Pence, rounding, and the periods people count their earnings in."""

import calendar
import datetime
import re
from decimal import ROUND_HALF_UP, Decimal


def pence_for_time(minutes: int, hourly_pence: int) -> int:
    """Pay for `minutes` at `hourly_pence` an hour, rounded half-up to the penny, once."""
    exact = Decimal(minutes) * Decimal(hourly_pence) / Decimal(60)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


# The largest amount any money field takes, whatever the field: past this a
# typing slip (an extra 0) is more likely than a real figure.
HIGHEST_PENCE = 10_000_000  # £100,000.00

# Digits are 0-9 only: Python's \d and Decimal also take superscript,
# Arabic-Indic or full-width digits.
_PLAIN = re.compile(r"(?P<pounds>[0-9]*)(?:\.(?P<pence>[0-9]*))?", re.ASCII)
_THOUSANDS = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?", re.ASCII)
_DECIMAL_COMMA = re.compile(
    r"(?P<pounds>[0-9]+|[0-9]{1,3}(?:\.[0-9]{3})+),(?P<pence>[0-9]{1,2})", re.ASCII
)


class AmountError(ValueError):
    """An amount typed by a person that is not a plain amount of pounds and pence."""


def pence_from_pounds(text, *, maximum_pence: int = HIGHEST_PENCE) -> int:
    """Turn "4.50", "£4.5" or "1,250.00" into pence; anything else raises AmountError.

    A comma is taken only as a thousands separator in its proper place
    ("12,500"); "4,40" is refused, never read as 440. Signs, exponents,
    NaN, infinity and digits other than 0-9 are refused, as are more than
    two numbers of pence and amounts above `maximum_pence`. Each message
    says what to write instead.
    """
    cleaned = str(text).strip()
    if cleaned.startswith("£"):
        cleaned = cleaned[1:].lstrip()
    if not cleaned:
        raise AmountError("Write an amount in pounds and pence, like 4.50.")
    if cleaned.startswith("-"):
        raise AmountError("Write the amount without a minus sign, like 4.50.")
    comma = _DECIMAL_COMMA.fullmatch(cleaned)
    if comma:
        pence = comma["pence"].ljust(2, "0")
        raise AmountError(
            f"Write pence after a full stop: {comma['pounds'].replace('.', '')}.{pence}"
        )
    if "," in cleaned:
        if not _THOUSANDS.fullmatch(cleaned):
            raise AmountError(
                "Put commas only between thousands, like 1,250.00, or leave them out."
            )
        cleaned = cleaned.replace(",", "")
    plain = _PLAIN.fullmatch(cleaned)
    if not plain or not (plain["pounds"] or plain["pence"]):
        raise AmountError("Write an amount in pounds and pence, using only numbers, like 4.50.")
    pence_part = plain["pence"] or ""
    if len(pence_part) > 2:
        raise AmountError("Use pounds and pence, like 4.50: at most 2 numbers after the full stop.")
    whole = plain["pounds"].lstrip("0")
    # Refuse very long numbers before turning them into an int at all.
    if len(whole) > len(str(maximum_pence // 100)) + 1:
        raise AmountError(f"The most you can enter here is {pounds(maximum_pence)}.")
    amount = int(whole or "0") * 100 + int(pence_part.ljust(2, "0"))
    if amount > maximum_pence:
        raise AmountError(f"The most you can enter here is {pounds(maximum_pence)}.")
    return amount


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
