"""Check-ins that happen: on a break's "check in with me after" date, both sides hear.

The member gets one gentle message their chosen way (only if they agreed to
be contacted, and texts wait for their hours like every text), pointing to
their page where "I am ready to come back" and "Not yet" are one tap each.
The project's named coordinators (or else every coordinator) get a nudge to
check in with them. Both are planned as outbox rows when the break starts or
its date moves (participants.services.BREAK_LISTENERS), called off when the
break ends or the date moves again, and checked once more just before they
go, so a message never follows someone who already came back.
`register()` runs from ProjectsConfig.ready().
"""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils.formats import date_format

from coprod.notifications import kinds, topics
from coprod.notifications.relevance import lock_about, still_wanted
from coprod.notifications.services import cancel_pending, notify, notify_staff_at
from coprod.notifications.timing import at_local_time
from participants.models import ProjectMembership
from participants.services import BREAK_LISTENERS
from projects.meetings.notifications import coordinators_to_tell

CHECK_IN = "check_in"
CHECK_IN_DUE = "check_in_due"

CHECK_IN_HOUR = 10
# A check-in message is no use for ever: a week after the date it would only
# be noise (the member page still offers both choices, and the coordinator's
# nudge stays on their dashboard for a fortnight if it could not be sent).
MEMBER_MESSAGE_DAYS = 7
COORDINATOR_NUDGE_DAYS = 14


def _moment(membership) -> datetime.datetime:
    zone = membership.project.organisation.zone
    return at_local_time(membership.check_in_on, CHECK_IN_HOUR, zone)


def break_changed(membership: ProjectMembership, *, now=None) -> None:
    """Plan (or call off) the check-in messages for a break's date, as it now stands."""
    cancel_pending(about=membership, kinds=[CHECK_IN, CHECK_IN_DUE], reason="The break changed.")
    if membership.status != ProjectMembership.Status.ON_BREAK or not membership.check_in_on:
        return
    project = membership.project
    moment = _moment(membership)
    notify(
        kind=CHECK_IN,
        about=membership,
        recipient=membership.participant,
        project=project,
        due_at=moment,
        key_moment=moment,
        expires_at=moment + datetime.timedelta(days=MEMBER_MESSAGE_DAYS),
    )
    notify_staff_at(
        users=coordinators_to_tell(project),
        about=membership,
        project=project,
        moments=[(CHECK_IN_DUE, moment)],
        expires={CHECK_IN_DUE: moment + datetime.timedelta(days=COORDINATOR_NUDGE_DAYS)},
        now=now,
    )


@still_wanted(CHECK_IN, CHECK_IN_DUE)
def _check_in_wanted(row) -> str:
    """Checked just before a check-in goes: only while that break, with that date, stands."""
    membership = lock_about(row)
    if membership is None:
        return "They are no longer part of the project."
    if membership.status != ProjectMembership.Status.ON_BREAK:
        return "They are back from their break, or left the project."
    if membership.check_in_on is None or row.about_moment != _moment(membership):
        return "The check-in date changed."
    return ""


# --- The words, and how the dashboard names a break -------------------------------


def member_context(notification) -> dict:
    membership = notification.about
    return {
        "membership": membership,
        "link": settings.COPROD_BASE_URL + reverse("participants:home"),
    }


def coordinator_context(notification) -> dict:
    membership = notification.about
    return {
        "membership": membership,
        "person": membership.participant.preferred_name,
        "day": date_format(membership.check_in_on, "l j F") if membership.check_in_on else "",
        "link": settings.COPROD_BASE_URL
        + reverse("participants:person", kwargs={"pk": membership.participant_id}),
    }


def break_topics(ids):
    rows = ProjectMembership.objects.filter(pk__in=ids).select_related("participant", "project")
    return {
        membership.pk: topics.Topic(
            f"Check in with {membership.participant.preferred_name}",
            f"Their break from {membership.project.title}",
            reverse("participants:person", kwargs={"pk": membership.participant_id}),
        )
        for membership in rows
    }


def register() -> None:
    """Tell the outbox about the check-in messages, and listen for breaks (from ready())."""
    kinds.register(
        CHECK_IN,
        label="A break's check-in date (to the member)",
        build=member_context,
        template="projects/notifications/check_in",
    )
    kinds.register(
        CHECK_IN_DUE,
        label="Check in with someone on a break (to coordinators)",
        build=coordinator_context,
        template="projects/notifications/check_in_due",
    )
    topics.register("participants.ProjectMembership", break_topics)
    if break_changed not in BREAK_LISTENERS:
        BREAK_LISTENERS.append(break_changed)
