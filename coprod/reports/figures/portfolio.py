"""The portfolio: one row of headline figures per project, over each project's whole life."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, Subquery, Sum
from django.utils import timezone

from coprod.reports import suppression
from coprod.reports.figures.rows import (
    as_hours,
    attendance_worked,
    members_involved,
    payments_standing,
)
from coprod.reports.suppression import Figure
from participants.models import ProjectMembership
from payments.models import LedgerEntry
from projects.models import Attendance, Contribution, LadderAssessment, Meeting, Project, Rung
from projects.promises.selectors import with_promise_state

PORTFOLIO_COLUMNS = [
    ("project", "Project"),
    ("members", "Members involved"),
    ("meetings", "Meetings held"),
    ("hours", "Hours of lived-experience work"),
    ("paid", "Money paid"),
    ("promises", "Promised updates on time"),
    ("rung", "Organisation's view on the ladder"),
]


@dataclass
class PortfolioRow:
    project: Project
    figures: dict[str, Figure | str]
    until: datetime.date | None = None  # a funder's access ends after this day

    def sort_key(self, column: str):
        """(hidden?, value): hidden and missing figures have no value to order by."""
        if column == "project":
            return (False, self.project.title.lower())
        figure = self.figures[column]
        if isinstance(figure, str):
            return (False, figure)
        if figure.hidden or figure.value is None:
            return (True, 0)
        return (False, figure.value)


def portfolio_sorted(rows: list[PortfolioRow], column: str, *, descending: bool = False):
    """Sort by a column either way; hidden figures always come last, in title order,
    so where they fall gives nothing away."""
    shown = [row for row in rows if not row.sort_key(column)[0]]
    hidden = [row for row in rows if row.sort_key(column)[0]]
    shown.sort(key=lambda row: row.sort_key(column), reverse=descending)
    return shown + hidden


def portfolio(projects, *, now: datetime.datetime | None = None) -> list[PortfolioRow]:
    """One row per project with the headline figures over each project's whole life.

    A fixed number of queries, grouped by project, whatever the number of
    projects, members, meetings or payments.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    newest_view = (
        LadderAssessment.objects.filter(project=OuterRef("pk"), participant__isnull=True)
        .order_by("-created_at", "-pk")
        .values("rung")[:1]
    )
    projects = list(
        projects.select_related("organisation")
        .annotate(rung=Subquery(newest_view))
        .order_by("title", "pk")
    )
    ids = [p.pk for p in projects]

    def grouped(queryset, **aggregates):
        rows = queryset.order_by().values("project_id").annotate(**aggregates)
        return {row.pop("project_id"): row for row in rows}

    # The same rows as each project's report counts for its whole life (the
    # root of its grids), so a figure reads the same on both pages.
    members = grouped(
        members_involved(ProjectMembership.objects.filter(project_id__in=ids)), n=Count("pk")
    )
    meetings = grouped(
        Meeting.objects.filter(project_id__in=ids, status="scheduled", ends_at__lte=now),
        n=Count("pk"),
    )
    attendance = {
        row.pop("meeting__project_id"): row
        for row in attendance_worked(Attendance.objects.filter(meeting__project_id__in=ids), now)
        .order_by()
        .values("meeting__project_id")
        .annotate(
            minutes=Sum(F("minutes") + F("preparation_minutes")),
            people=Count("participant", distinct=True),
        )
    }
    paid = grouped(
        payments_standing(LedgerEntry.objects.filter(project_id__in=ids)),
        pence=Sum("amount_pence"),
        people=Count("participant", distinct=True),
    )
    promises: dict[int, dict] = {}
    states = (
        with_promise_state(Contribution.objects.filter(project_id__in=ids), today=today)
        .order_by()
        .values("project_id", "promise")
        .annotate(n=Count("pk"))
    )
    for group in states:  # one row per project and state, not per contribution
        tally = promises.setdefault(group["project_id"], {"kept": 0, "due": 0})
        if group["promise"] == "kept":
            tally["kept"] += group["n"]
        if group["promise"] in ("kept", "kept late", "overdue"):
            tally["due"] += group["n"]
    rungs = dict(Rung.choices)
    rows = []
    for project in projects:
        a = attendance.get(project.pk, {"minutes": 0, "people": 0})
        m = paid.get(project.pk, {"pence": 0, "people": 0})
        p = promises.get(project.pk, {"kept": 0, "due": 0})
        rows.append(
            PortfolioRow(
                project,
                {
                    "members": suppression.people(members.get(project.pk, {"n": 0})["n"]),
                    "meetings": Figure(meetings.get(project.pk, {"n": 0})["n"], 0, kind="count"),
                    "hours": suppression.about(
                        as_hours(a["minutes"] or 0), people=a["people"], kind="hours"
                    ),
                    "paid": suppression.about(m["pence"] or 0, people=m["people"], kind="money"),
                    "promises": Figure(p["kept"] / p["due"] if p["due"] else None, 0, kind="share"),
                    "rung": rungs.get(project.rung, "Not yet given"),
                },
            )
        )
    return rows
