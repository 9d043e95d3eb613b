"""The messages promises cause: reminders to the responsible coordinator, and updates to members."""

import datetime

from django.utils import timezone

from coprod.notifications.meetings import _coordinators
from coprod.notifications.models import Kind
from coprod.notifications.relevance import lock_about, still_wanted
from coprod.notifications.services import cancel_pending, notify, notify_staff_at
from coprod.notifications.timing import at_local_time
from participants.models import Participant, ProjectMembership

DUE_DAYS_BEFORE = 3
PROMISE_HOUR = 9
# A "the update is late" nudge still helps until the update is posted (which
# calls it off), but not for ever: four weeks after the promised date the
# overdue promise is plain to see on the project page and in funder reports,
# and a message that never went should not sit on the dashboard for months.
OVERDUE_CUT_OFF_DAYS = 28


def promise_made(contribution, *, now=None) -> None:
    """Remind whoever is responsible 3 days before the promised date, and the day after it."""
    now = now or timezone.now()
    cancel_pending(
        about=contribution,
        kinds=[Kind.PROMISE_DUE, Kind.PROMISE_OVERDUE],
        reason="The promise changed.",
    )
    day = contribution.promised_update_on
    if day is None:
        return
    project = contribution.project
    zone = project.organisation.zone
    people = [contribution.responsible] if contribution.responsible else _coordinators(project)
    overdue_at = at_local_time(day + datetime.timedelta(days=1), PROMISE_HOUR, zone)
    moments = [
        (
            Kind.PROMISE_DUE,
            at_local_time(day - datetime.timedelta(days=DUE_DAYS_BEFORE), PROMISE_HOUR, zone),
        ),
        (Kind.PROMISE_OVERDUE, overdue_at),
    ]
    expires = {
        # "Due soon" is no longer true once the date has passed: the overdue nudge takes over.
        Kind.PROMISE_DUE: overdue_at,
        Kind.PROMISE_OVERDUE: at_local_time(
            day + datetime.timedelta(days=OVERDUE_CUT_OFF_DAYS), PROMISE_HOUR, zone
        ),
    }
    notify_staff_at(
        users=people,
        about=contribution,
        project=project,
        moments=moments,
        expires=expires,
        now=now,
    )


def update_posted(event, *, now=None) -> None:
    """The promise to report back is kept: call off its reminders and tell every member."""
    now = now or timezone.now()
    contribution = event.contribution
    cancel_pending(
        about=contribution,
        kinds=[Kind.PROMISE_DUE, Kind.PROMISE_OVERDUE],
        reason="An update was posted.",
    )
    members = Participant.objects.filter(
        memberships__project=contribution.project,
        memberships__status=ProjectMembership.Status.ACTIVE,
    ).distinct()
    for person in members:
        notify(
            kind=Kind.UPDATE_POSTED,
            about=event,
            recipient=person,
            project=contribution.project,
            due_at=now,
        )


@still_wanted(Kind.PROMISE_DUE, Kind.PROMISE_OVERDUE)
def _promise_nudge_wanted(row) -> str:
    """Checked just before a nudge goes: no nudge once the update is out or the date is gone."""
    contribution = lock_about(row)
    if contribution is None:
        return "What members said was removed."
    if contribution.promised_update_on is None:
        return "There is no promised date any more."
    if contribution.events.filter(kind="update", created_at__gt=row.created_at).exists():
        return "An update was posted."
    return ""
