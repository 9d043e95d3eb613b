"""Honesty: where members and the organisation say the project is on the ladder, and its values."""

from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone

from coprod.reports import suppression
from coprod.reports.figures.tables import Table
from coprod.reports.periods import Period
from projects.models import LadderAssessment, Project, Rung
from projects.selectors import values_for_project


def honesty_section(project: Project, period: Period) -> tuple[list[Table], list]:
    # Members' views are their latest, whatever the period: a view as it
    # stood at the end of one period, beside another's, would tell who changed.
    views = LadderAssessment.objects.filter(project=project)
    organisation_views = list(
        views.filter(participant__isnull=True)
        .order_by("created_at", "pk")
        .only("rung", "created_at")
    )
    newest = (
        LadderAssessment.objects.filter(
            project=project,
            participant=OuterRef("participant"),
        )
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    latest = (
        views.filter(participant__isnull=False, pk=Subquery(newest))
        .values("rung")
        .annotate(n=Count("pk"))
    )
    by_rung = {row["rung"]: row["n"] for row in latest}
    said = suppression.people_partition(
        sum(by_rung.values()), [(rung.value, by_rung.get(rung.value, 0)) for rung in Rung]
    )
    ladder_table = Table(
        "ladder",
        "Where members say the project is on the ladder of participation",
        ["Step", "Members who say so"],
        [[rung.label, said.parts[rung.value]] for rung in Rung]
        + [["Members who gave a view", said.total]],
        chart="bar",
        total=True,
        note="Each member's latest view, whichever period you choose.",
    )
    history_table = Table(
        "ladder-history",
        "The organisation's view over time",
        ["Date", "Step"],
        [
            [timezone.localdate(view.created_at, timezone=period.zone), view.get_rung_display()]
            for view in organisation_views
        ],
    )
    values = values_for_project(project)["agreed"]
    values_table = Table(
        "values",
        "Values agreed",
        ["Value", "Agreed on", "Members endorsing the current wording"],
        [
            [
                value.current_version.title if value.current_version else "",
                value.agreed_on,
                suppression.people(value.endorsement_count),
            ]
            for value in values
        ],
    )
    return [ladder_table, history_table, values_table], organisation_views
