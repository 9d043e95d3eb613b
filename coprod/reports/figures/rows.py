"""The rows every figure counts: members involved, work done, money that stands.

People, work and money are each read in more than one place (a report's
sections, its grids, the portfolio); they all count the same rows, so a figure
reads the same on every page it appears on.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q

from payments.models import Claim, LedgerEntry
from projects.models import Meeting

INVOLVED = ("active", "on_break", "left")


def members_involved(memberships):
    """Memberships of people who have been part of the project (never just invited)."""
    return memberships.filter(status__in=INVOLVED)


def attendance_worked(attendance, now: datetime.datetime):
    """Attendance at meetings held by now that counted some time (at the meeting or preparing)."""
    return attendance.filter(
        meeting__status=Meeting.Status.SCHEDULED, meeting__ends_at__lte=now
    ).filter(Q(minutes__gt=0) | Q(preparation_minutes__gt=0))


def payments_standing(ledger):
    """Payments that stand (paid, never reversed), each in exactly one of the money parts."""
    any_part = Q(pk__in=[])
    for where in MONEY_PARTS.values():
        any_part |= where
    return ledger.filter(STANDING).filter(any_part).exclude(amount_pence=0)


def as_hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# --- Money ---------------------------------------------------------------------

# A payment that stands: paid, and not put right by a reversal since.
STANDING = Q(kind=LedgerEntry.Kind.PAID, reversed_by__isnull=True)
MONEY_PARTS = {
    "cash": Q(claim__kind=Claim.Kind.TIME, method="cash"),
    "vouchers": Q(claim__kind=Claim.Kind.TIME, method="vouchers"),
    "expenses": Q(claim__kind=Claim.Kind.EXPENSE),
}
