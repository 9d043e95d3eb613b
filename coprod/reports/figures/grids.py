"""A report's periods, and the figures that add up across them, protected together.

Joiners, hours and money are read for the project's whole life at once, one
row per person and month, and protected for every period of the tree in one
go (suppression.Grid), so no two periods can be subtracted to find one person.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from coprod.reports import periods
from coprod.reports.figures.rows import (
    MONEY_PARTS,
    as_hours,
    attendance_worked,
    members_involved,
    payments_standing,
)
from coprod.reports.periods import Period
from coprod.reports.suppression import Grid
from participants.models import ProjectMembership
from payments.models import LedgerEntry
from projects.models import Attendance, Project


def project_life(project: Project, *, today: datetime.date | None = None) -> Period:
    """The project's life so far: from its start date (or creation) to today."""
    zone = project.organisation.zone
    today = today or timezone.localdate(timezone=zone)
    created = timezone.localdate(project.created_at, timezone=zone)
    start = project.start_date if project.start_date and project.start_date <= today else created
    return periods.life(min(start, today), today, zone)


def within(period: Period, field: str, *, moment: bool = True) -> Q:
    """Rows in the period; the whole life is everything, whatever its date."""
    if period.level == periods.LIFE:
        return Q()
    if moment:
        return Q(**{f"{field}__gte": period.starts_at, f"{field}__lt": period.ends_before})
    return Q(**{f"{field}__gte": period.start, f"{field}__lte": period.end})


@dataclass
class Grids:
    """The figures that add up across periods, for every period of one project, protected."""

    months: list[datetime.date]  # every month of the tree that may hold data, in order
    joined: Grid
    hours: Grid
    money: Grid

    def months_of(self, period: Period) -> list[datetime.date]:
        if period.level == periods.LIFE:
            return self.months
        return [m for m in period.months() if self.months[0] <= m <= self.months[-1]]


def grids_for(project: Project, whole: Period, now: datetime.datetime) -> Grids:
    """Read each family's rows in one query (person by month), then protect every period at once."""
    zone = whole.zone
    joined_rows = [
        (month_key(row["month"]), row["participant_id"], {"total": 1})
        for row in members_involved(ProjectMembership.objects.filter(project=project))
        .annotate(month=TruncMonth("created_at", tzinfo=zone))
        .values("participant_id", "month")
    ]
    hours_rows = [
        (
            month_key(row["month"]),
            row["participant_id"],
            {"meeting": row["minutes"], "preparing": row["preparing"]},
        )
        for row in attendance_worked(Attendance.objects.filter(meeting__project=project), now)
        .annotate(month=TruncMonth("meeting__starts_at", tzinfo=zone))
        .values("participant_id", "month")
        .annotate(minutes=Sum("minutes"), preparing=Sum("preparation_minutes"))
        .order_by()
    ]
    money_rows = [
        (month_key(row["month"]), row["participant_id"], {k: row[k] for k in MONEY_PARTS})
        for row in payments_standing(LedgerEntry.objects.filter(project=project))
        .annotate(month=TruncMonth("work_date"))
        .values("participant_id", "month")
        .annotate(
            **{
                key: Coalesce(Sum("amount_pence", filter=where), 0)
                for key, where in MONEY_PARTS.items()
            }
        )
        .order_by()
    ]
    months = set(whole.months())
    for rows in (joined_rows, hours_rows, money_rows):
        months.update(month for month, _, _ in rows)
    ordered = sorted(months)
    every = ordered[0]
    span = []
    while every <= ordered[-1]:
        span.append(every)
        every = periods.next_month(every)
    tree = periods.tree(span)

    def keyed(rows):
        return [(periods.month_key(month), person, values) for month, person, values in rows]

    return Grids(
        months=span,
        joined=Grid(kind="people", tree=tree, rows=keyed(joined_rows)),
        hours=Grid(
            kind="hours",
            tree=tree,
            rows=keyed(hours_rows),
            parts=["meeting", "preparing"],
            display=as_hours,
        ),
        money=Grid(kind="money", tree=tree, rows=keyed(money_rows), parts=list(MONEY_PARTS)),
    )


def month_key(moment) -> datetime.date | None:
    if moment is None:
        return None
    if isinstance(moment, datetime.datetime):
        return moment.date().replace(day=1)
    return moment.replace(day=1)
