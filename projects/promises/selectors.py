"""Reads about promises: the trail, and whether each promise to report back was kept."""

import datetime
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Case,
    CharField,
    Count,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.formats import date_format

from coprod.accounts.models import StaffMembership
from coprod.accounts.selectors import COORDINATING_ROLES
from coprod.notifications.models import Channel, Notification
from coprod.notifications.services import TOLD_BY_PHONE
from projects.models import Contribution, ContributionEvent, Project

UPDATE = ContributionEvent.Kind.UPDATE
RESPONDED = ContributionEvent.Kind.RESPONDED


def contributions_for_project(project: Project) -> QuerySet[Contribution]:
    """Return a project's contributions with when they were last answered and updated."""
    return (
        Contribution.objects.filter(project=project)
        .select_related("meeting", "responsible", "raised_by")
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


def with_promise_state(
    contributions: QuerySet[Contribution], *, today: datetime.date
) -> QuerySet[Contribution]:
    """Annotate `promise` with what promise_state says, worked out in the database.

    For reports, which count states over many contributions without loading
    them. The promise is kept when the latest answer-or-update is an update
    (an update at the same moment as the answer counts, as in promise_state);
    on time when that update's day is no later than the promised day. One
    subquery per contribution, so counting thousands stays quick.
    """
    latest = (
        ContributionEvent.objects.filter(contribution=OuterRef("pk"), kind__in=[RESPONDED, UPDATE])
        .annotate(day=TruncDate("created_at"))
        .annotate(
            kept=Case(
                When(
                    Q(kind=UPDATE) & Q(day__lte=OuterRef("promised_update_on")), then=Value("kept")
                ),
                When(kind=UPDATE, then=Value("kept late")),
                default=Value(None),
                output_field=CharField(),
            )
        )
        .order_by("-created_at", "-kind")  # "update" before "responded" at the same moment
        .values("kept")[:1]
    )
    still_open = Case(
        When(promised_update_on__lt=today, then=Value("overdue")),
        default=Value("due"),
        output_field=CharField(),
    )
    return contributions.annotate(
        promise=Case(
            When(promised_update_on__isnull=True, then=Value("")),
            default=Coalesce(Subquery(latest, output_field=CharField()), still_open),
            output_field=CharField(),
        )
    )


def with_states(contributions) -> list[Contribution]:
    today = timezone.localdate()
    rows = list(contributions)
    for row in rows:
        row.state = promise_state(row, today=today)
    return rows


def contribution_get(project: Project, pk) -> Contribution:

    return get_object_or_404(contributions_for_project(project), pk=pk)


def trail(contribution) -> QuerySet[ContributionEvent]:
    return contribution.events.order_by("created_at", "pk")


# --- Who was told of each update, and how ----------------------------------------


@dataclass
class Told:
    """Who heard of one update: counts by how, and (for coordinators) the people."""

    ways: dict[str, list[str]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(len(people) for people in self.ways.values())

    def counts(self) -> list[tuple[str, int]]:
        return [(how, len(people)) for how, people in self.ways.items()]


def _how(row, today) -> str:
    Status = Notification.Status
    if row.status == Status.SENT and row.provider_message_id.startswith(TOLD_BY_PHONE):
        return "Told by a coordinator"
    if row.status in (Status.SENT, Status.UNSURE):
        if row.channel == Channel.COORDINATOR:
            return "Told by a coordinator"
        return "Told by text" if row.channel == Channel.SMS else "Told by email"
    if row.status == Status.WAITING:
        return "A coordinator is to phone or write to them"
    if row.status in (Status.PENDING, Status.SENDING):
        if timezone.localdate(row.due_at) > today:
            day = date_format(timezone.localtime(row.due_at), "j F")
            return f"To be told on {day}, after their break"
        return "Being told now"
    if row.status == Status.FAILED:
        return "The message did not go: a coordinator is to try again"
    reason = row.last_error.strip().rstrip(".")
    return f"Not told ({reason[:1].lower()}{reason[1:]})" if reason else "Not told"


def told_of_updates(events, *, kind: str) -> dict[int, Told]:
    """For each update event, who the outbox told of it and how: one query for them all."""
    events = list(events)
    if not events:
        return {}
    rows = (
        Notification.objects.filter(
            kind=kind,
            about_type=ContentType.objects.get_for_model(ContributionEvent),
            about_id__in=[event.pk for event in events],
            recipient_participant__isnull=False,
        )
        .select_related("recipient_participant")
        .only(
            "about_id",
            "status",
            "channel",
            "due_at",
            "last_error",
            "provider_message_id",
            "recipient_participant__preferred_name",
        )
        .order_by("recipient_participant__preferred_name", "pk")
    )
    today = timezone.localdate()
    told = {event.pk: Told() for event in events}
    for row in rows:
        person = row.recipient_participant
        told[row.about_id].ways.setdefault(_how(row, today), []).append(
            person.preferred_name if person else ""
        )
    return told


def points_to_answer(user) -> list[tuple[int, str, int]]:
    """Members' own points still waiting for the organisation's answer: (project id, title, count).

    For the dashboard of people who answer them: coordinators of the project's
    organisation (projects.respond_contribution).
    """
    if not getattr(user, "is_authenticated", False):
        return []
    coordinates = StaffMembership.objects.filter(user=user, role__in=COORDINATING_ROLES).values(
        "organisation_id"
    )
    rows = (
        Contribution.objects.filter(
            raised_by__isnull=False,
            response=Contribution.Response.WAITING,
            project__organisation_id__in=coordinates,
        )
        .values("project_id", "project__title")
        .annotate(n=Count("pk"))
        .order_by("-n", "project_id")[:20]
    )
    return [(row["project_id"], row["project__title"], row["n"]) for row in rows]
