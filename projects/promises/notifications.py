"""The messages promises cause: reminders to the responsible coordinator, and updates to members.

Promise services call the planning functions inside their own transaction.
This module also tells the outbox what each kind is called and how to word it
(templates/projects/notifications/), and names promises on the dashboard;
`register()` runs from ProjectsConfig.ready().
"""

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format

from coprod.notifications import kinds, topics
from coprod.notifications.relevance import lock_about, still_wanted
from coprod.notifications.services import cancel_pending, notify, notify_staff_at
from coprod.notifications.timing import at_local_time
from participants.models import Participant, ProjectMembership
from projects.meetings.notifications import coordinators_to_tell
from projects.models import Attendance, Contribution, ContributionEvent

PROMISE_DUE = "promise_due"
PROMISE_OVERDUE = "promise_overdue"
UPDATE_POSTED = "update_posted"
POINT_RAISED = "point_raised"

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


def point_raised(contribution, *, now=None) -> None:
    """A member put a point on record: tell the project's coordinators there is one to answer."""
    now = now or timezone.now()
    notify_staff_at(
        users=coordinators_to_tell(contribution.project),
        about=contribution,
        project=contribution.project,
        moments=[(POINT_RAISED, now)],
        now=now,
    )


def part_of(contribution):
    """Everyone who was part of what members said, so everyone who hears what came of it.

    The person who raised it; whoever came to the meeting it was said at; and
    the project's members at the time: those taking part or on a break now,
    and those who left after it was said (someone who left before was not
    part of it). People who asked for no messages, or withdrew consent to
    be contacted, are still listed: the outbox writes their row as not sent,
    with the reason, so the update page can say so.
    """
    Status = ProjectMembership.Status
    said_on = timezone.localdate(contribution.created_at)
    memberships = ProjectMembership.objects.filter(project_id=contribution.project_id).filter(
        Q(status__in=[Status.ACTIVE, Status.ON_BREAK])
        | Q(status=Status.LEFT, status_changed_on__gte=said_on)
        | Q(status=Status.LEFT, status_changed_on__isnull=True)
    )
    who = Q(pk__in=memberships.values("participant_id"))
    if contribution.raised_by_id:
        who |= Q(pk=contribution.raised_by_id)
    if contribution.meeting_id:
        who |= Q(
            pk__in=Attendance.objects.filter(meeting_id=contribution.meeting_id).values(
                "participant_id"
            )
        )
    return Participant.objects.filter(who).order_by("pk")


def _after_break(contribution, now) -> dict:
    """Who asked not to hear about this project until a day still to come: {person: that day}."""
    today = timezone.localdate(now)
    return dict(
        ProjectMembership.objects.filter(
            project_id=contribution.project_id,
            status=ProjectMembership.Status.ON_BREAK,
            check_in_on__gt=today,
        ).values_list("participant_id", "check_in_on")
    )


def update_posted(event, *, now=None) -> None:
    """The promise to report back is kept: call off its reminders and tell everyone part of it.

    Someone on a break who asked us not to contact them before a date hears
    on the morning of that date, not before.
    """
    now = now or timezone.now()
    contribution = event.contribution
    cancel_pending(
        about=contribution,
        kinds=[PROMISE_DUE, PROMISE_OVERDUE],
        reason="An update was posted.",
    )
    project = contribution.project
    resting = _after_break(contribution, now)
    zone = project.organisation.zone
    for person in part_of(contribution):
        back_on = resting.get(person.pk)
        due_at = at_local_time(back_on, PROMISE_HOUR, zone) if back_on else now
        notify(
            kind=UPDATE_POSTED,
            about=event,
            recipient=person,
            project=project,
            due_at=due_at,
            key_moment=now,
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


def point_context(notification) -> dict:
    contribution = notification.about
    return {
        "contribution": contribution,
        "raised_by": contribution.raised_by_name(),
        "link": settings.COPROD_BASE_URL + contribution.get_absolute_url(),
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
        (POINT_RAISED, "A member put a point on record (to coordinators)", point_context),
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
