"""The messages promises cause: reminders to the responsible coordinator, and updates to members.

Promise services call the planning functions inside their own transaction.
This module also tells the outbox what each kind is called and how to word it
(templates/projects/notifications/), and names promises on the dashboard;
`register()` runs from ProjectsConfig.ready().
"""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format

from coprod.notifications import kinds, topics
from coprod.notifications.relevance import lock_about, still_wanted
from coprod.notifications.services import cancel_pending, notify, notify_staff_at
from coprod.notifications.timing import at_local_time
from participants.models import Participant, ProjectMembership
from projects.meetings.notifications import coordinators_to_tell
from projects.models import Contribution, ContributionEvent

PROMISE_DUE = "promise_due"
PROMISE_OVERDUE = "promise_overdue"
UPDATE_POSTED = "update_posted"

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
        kinds=[PROMISE_DUE, PROMISE_OVERDUE],
        reason="The promise changed.",
    )
    day = contribution.promised_update_on
    if day is None:
        return
    project = contribution.project
    zone = project.organisation.zone
    people = (
        [contribution.responsible] if contribution.responsible else coordinators_to_tell(project)
    )
    overdue_at = at_local_time(day + datetime.timedelta(days=1), PROMISE_HOUR, zone)
    moments = [
        (
            PROMISE_DUE,
            at_local_time(day - datetime.timedelta(days=DUE_DAYS_BEFORE), PROMISE_HOUR, zone),
        ),
        (PROMISE_OVERDUE, overdue_at),
    ]
    expires = {
        # "Due soon" is no longer true once the date has passed: the overdue nudge takes over.
        PROMISE_DUE: overdue_at,
        PROMISE_OVERDUE: at_local_time(
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
        kinds=[PROMISE_DUE, PROMISE_OVERDUE],
        reason="An update was posted.",
    )
    members = Participant.objects.filter(
        memberships__project=contribution.project,
        memberships__status=ProjectMembership.Status.ACTIVE,
    ).distinct()
    for person in members:
        notify(
            kind=UPDATE_POSTED,
            about=event,
            recipient=person,
            project=contribution.project,
            due_at=now,
        )


@still_wanted(PROMISE_DUE, PROMISE_OVERDUE)
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


# --- The words, and how the dashboard names promises ---------------------------------


def promise_context(notification) -> dict:
    contribution = notification.about
    return {
        "contribution": contribution,
        "due": date_format(contribution.promised_update_on, "l j F"),
        "link": settings.COPROD_BASE_URL + contribution.get_absolute_url(),
    }


def update_context(notification) -> dict:
    event = notification.about
    return {
        "event": event,
        "contribution": event.contribution,
        "link": settings.COPROD_BASE_URL + event.contribution.get_absolute_url(),
    }


def _promise_detail(contribution) -> str:
    if contribution.promised_update_on is None:
        return ""
    return f"Update promised by {date_format(contribution.promised_update_on, 'l j F')}"


def promise_topics(ids):
    return {
        contribution.pk: topics.Topic(
            f"Promise: {contribution.said[:80]}",
            _promise_detail(contribution),
            contribution.get_absolute_url(),
        )
        for contribution in Contribution.objects.filter(pk__in=ids)
    }


def update_topics(ids):
    rows = ContributionEvent.objects.filter(pk__in=ids).select_related("contribution")
    return {
        event.pk: topics.Topic(
            f"Update on: {event.contribution.said[:80]}",
            "",
            event.contribution.get_absolute_url(),
        )
        for event in rows
    }


def register() -> None:
    """Tell the outbox about the promise messages (from ProjectsConfig.ready())."""
    for code, label, build in [
        (PROMISE_DUE, "A promised update is due (to coordinators)", promise_context),
        (PROMISE_OVERDUE, "A promised update is late (to coordinators)", promise_context),
        (UPDATE_POSTED, "An update on what members said", update_context),
    ]:
        kinds.register(
            code,
            label=label,
            build=build,
            template=f"projects/notifications/{code}",
            shared=True,  # built from the contribution or its update: nothing personal
        )
    topics.register("projects.Contribution", promise_topics)
    topics.register("projects.ContributionEvent", update_topics)
