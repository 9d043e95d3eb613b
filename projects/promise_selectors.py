"""Reads about promises: the trail, and whether each promise to report back was kept."""

import datetime

from django.db.models import Case, CharField, F, Max, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone

from projects.models import Contribution, ContributionEvent, Project

UPDATE = ContributionEvent.Kind.UPDATE
RESPONDED = ContributionEvent.Kind.RESPONDED


def contributions_for_project(project: Project) -> QuerySet[Contribution]:
    """Return a project's contributions with when they were last answered and updated."""
    return (
        Contribution.objects.filter(project=project)
        .select_related("meeting", "responsible")
        .annotate(
            answered_at=Max("events__created_at", filter=Q(events__kind=RESPONDED)),
            updated_at_last=Max("events__created_at", filter=Q(events__kind=UPDATE)),
        )
        .order_by("-created_at", "-pk")
    )


def promise_state(contribution, *, today: datetime.date | None = None) -> str:
    """Say where a promise to report back stands: "", "kept", "kept late", "due" or "overdue".

    Needs the annotations from contributions_for_project.
    """
    day = contribution.promised_update_on
    if day is None:
        return ""
    today = today or timezone.localdate()
    updated = contribution.updated_at_last
    if updated is not None and (
        contribution.answered_at is None or updated >= contribution.answered_at
    ):
        return "kept" if timezone.localdate(updated) <= day else "kept late"
    return "overdue" if today > day else "due"


def _last_event(kind):
    return Subquery(
        ContributionEvent.objects.filter(contribution=OuterRef("pk"), kind=kind)
        .order_by("-created_at", "-pk")
        .values("created_at")[:1]
    )


def with_promise_state(
    contributions: QuerySet[Contribution], *, today: datetime.date
) -> QuerySet[Contribution]:
    """Annotate `promise` with what promise_state says, worked out in the database.

    For reports, which count states over many contributions without loading
    them. Subqueries (not joins) keep one row per contribution, so the result
    can be aggregated or grouped by project.
    """
    kept = Q(updated_last__isnull=False) & (
        Q(answered_last__isnull=True) | Q(updated_last__gte=F("answered_last"))
    )
    return contributions.annotate(
        answered_last=_last_event(RESPONDED), updated_last=_last_event(UPDATE)
    ).annotate(
        updated_day=TruncDate("updated_last"),
        promise=Case(
            When(promised_update_on__isnull=True, then=Value("")),
            When(kept & Q(updated_day__lte=F("promised_update_on")), then=Value("kept")),
            When(kept, then=Value("kept late")),
            When(promised_update_on__lt=today, then=Value("overdue")),
            default=Value("due"),
            output_field=CharField(),
        ),
    )


def with_states(contributions) -> list[Contribution]:
    today = timezone.localdate()
    rows = list(contributions)
    for row in rows:
        row.state = promise_state(row, today=today)
    return rows


def contribution_get(project: Project, pk) -> Contribution:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(contributions_for_project(project), pk=pk)


def trail(contribution) -> QuerySet[ContributionEvent]:
    return contribution.events.order_by("created_at", "pk")
