"""Work: meetings held, attendance, hours of lived-experience work, papers on time."""

import datetime

from django.db.models import Count, F, IntegerField, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Greatest, TruncDate

from coprod.dbfunctions import DaysBetween
from coprod.reports import periods, suppression
from coprod.reports.figures.grids import Grids, within
from coprod.reports.figures.tables import Table, month_label
from coprod.reports.periods import Period
from coprod.reports.suppression import Figure
from projects.models import Attendance, Invitee, Meeting, Project


def meetings_held(project: Project, period: Period, now: datetime.datetime):
    return Meeting.objects.filter(
        within(period, "starts_at"),
        project=project,
        status=Meeting.Status.SCHEDULED,
        ends_at__lte=now,
    )


def papers_days_needed():
    """Per meeting: the largest "papers N days before" of invitees who have not said no."""
    return Subquery(
        Invitee.objects.filter(meeting=OuterRef("pk"), participant__papers_days_ahead__isnull=False)
        .exclude(answer=Invitee.Answer.NO)
        .order_by()
        .values("meeting")
        .annotate(days=Max("participant__papers_days_ahead"))
        .values("days")[:1],
        output_field=IntegerField(),
    )


def work_section(
    project: Project, period: Period, now: datetime.datetime, grids: Grids
) -> tuple[list[Table], dict]:
    held = meetings_held(project, period, now)
    zone = period.zone
    meetings = Meeting.objects.filter(within(period, "starts_at"), project=project).aggregate(
        held=Count("pk", filter=Q(status="scheduled", ends_at__lte=now)),
        in_person=Count("pk", filter=Q(status="scheduled", ends_at__lte=now, format="in_person")),
        online=Count("pk", filter=Q(status="scheduled", ends_at__lte=now, format="online")),
        hybrid=Count("pk", filter=Q(status="scheduled", ends_at__lte=now, format="hybrid")),
        cancelled=Count("pk", filter=Q(status="cancelled")),
    )
    papers = held.annotate(
        needed=Greatest(
            Coalesce(papers_days_needed(), Value(0), output_field=IntegerField()),
            F("project__organisation__papers_days_default"),
            output_field=IntegerField(),
        ),
        gap=DaysBetween(
            TruncDate("starts_at", tzinfo=zone), TruncDate("papers_ready_at", tzinfo=zone)
        ),
    ).aggregate(on_time=Count("pk", filter=Q(gap__gte=F("needed"))))["on_time"]
    attended = Attendance.objects.filter(meeting__in=held).aggregate(places=Count("pk"))
    invited = Invitee.objects.filter(meeting__in=held).aggregate(
        places=Count("pk"), people=Count("participant", distinct=True)
    )

    months = grids.months_of(period)
    hours = grids.hours
    hours_table = Table(
        "hours",
        "Hours of lived-experience work by month",
        ["Month", "Hours"],
        [[month_label(m), hours.figure(periods.month_key(m))] for m in months]
        + [["All hours", hours.figure(period.key)]],
        chart="bar",
        total=True,
        note="Time at meetings and time preparing for them, from attendance records. "
        "A month with fewer than 5 people is not shown, nor is a month that would let "
        "one be worked out from this period's total or another period's.",
    )

    meeting_hours = hours.figure(period.key, "meeting")
    preparing_hours = hours.figure(period.key, "preparing")
    rate = suppression.about(
        attended["places"] / invited["places"] if invited["places"] else None,
        people=invited["people"],
        kind="share",
    )
    on_time = Figure(
        papers / meetings["held"] if meetings["held"] else None, people=0, kind="share"
    )
    meetings_table = Table(
        "meetings",
        "Meetings held, by format",
        ["Format", "Meetings"],
        [
            ["In person", Figure(meetings["in_person"], 0, kind="count")],
            ["Online", Figure(meetings["online"], 0, kind="count")],
            ["Hybrid (in person and online)", Figure(meetings["hybrid"], 0, kind="count")],
            ["All meetings held", Figure(meetings["held"], 0, kind="count")],
        ],
        chart="bar",
        total=True,
    )
    work_table = Table(
        "work",
        "Attendance and preparation",
        ["Measure", "Figure"],
        [
            ["Meetings cancelled", Figure(meetings["cancelled"], 0, kind="count")],
            ["Attendance rate (places taken of places offered)", rate],
            ["Hours at meetings", meeting_hours],
            ["Hours preparing", preparing_hours],
            ["Meetings whose papers went out on time", on_time],
        ],
        note="Papers are on time when they went out by the papers-out-by date: the most "
        "notice any invitee asked for, or the organisation's default.",
    )
    facts = {
        "held": Figure(meetings["held"], 0, kind="count"),
        "hours": hours.figure(period.key),
        "attendance": rate,
        "papers_on_time": on_time,
    }
    return [meetings_table, work_table, hours_table], facts
