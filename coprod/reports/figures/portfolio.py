"""The portfolio: one row of headline figures per project, over each project's whole life."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from coprod.reports import suppression
from coprod.reports.figures.rows import as_hours, members_involved
from coprod.reports.models import WorkedTotal
from coprod.reports.suppression import Figure
from participants.models import ProjectMembership
from payments.models import PaidTotal
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
    # Time worked and money that stands come from the stored per-person totals
    # (coprod/reports/totals.py, payments/totals.py), not from every meeting
    # and ledger entry: one row per person, the same sums as the rows give.
    attendance = {
        project_id: {"minutes": row["worked"], "people": row["people"]}
        for project_id, row in grouped(
            WorkedTotal.objects.filter(project_id__in=ids),
            worked=Sum("minutes"),
            people=Count("pk", filter=Q(minutes__gt=0)),
        ).items()
    }
    _leave_out_meetings_going_on(attendance, ids, now)
    paid = {
        project_id: {"pence": row["standing"], "people": row["people"]}
        for project_id, row in grouped(
            PaidTotal.objects.filter(project_id__in=ids),
            standing=Sum("pence"),
            people=Count("pk", filter=Q(pence__gt=0)),
        ).items()
    }
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


def _leave_out_meetings_going_on(attendance: dict[int, dict], ids, now) -> None:
    """Take off time at meetings that have started but not ended: reports count held meetings.

    The stored totals count attendance once it is recorded, which may be
    before the meeting ends; there are at most a handful such meetings at once.
    """
    going_on = list(
        Attendance.objects.filter(
            meeting__project_id__in=ids,
            meeting__status=Meeting.Status.SCHEDULED,
            meeting__ends_at__gt=now,
        )
        .order_by()
        .values("meeting__project_id", "participant_id")
        .annotate(minutes=Sum(F("minutes") + F("preparation_minutes")))
    )
    if not going_on:
        return
    stored = {
        (project_id, participant_id): minutes
        for project_id, participant_id, minutes in WorkedTotal.objects.filter(
            project_id__in={row["meeting__project_id"] for row in going_on},
            participant_id__in={row["participant_id"] for row in going_on},
        ).values_list("project_id", "participant_id", "minutes")
    }
    for row in going_on:
        project_id = row["meeting__project_id"]
        total = stored.get((project_id, row["participant_id"]), 0)
        tally = attendance.setdefault(project_id, {"minutes": 0, "people": 0})
        tally["minutes"] = (tally["minutes"] or 0) - min(row["minutes"], total)
        if total > 0 and total - row["minutes"] <= 0:
            tally["people"] -= 1
