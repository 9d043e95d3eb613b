"""How the dashboard names the project things messages are about: meetings, changes, promises."""

from django.utils.formats import date_format

from coprod.notifications.topics import Topic, register
from projects.models import (
    Contribution,
    ContributionEvent,
    FunderGrant,
    Meeting,
    MeetingAction,
    MeetingChange,
)


def _day_and_time(moment, zone) -> str:
    return date_format(moment.astimezone(zone), "l j F, H:i")


def _meeting_detail(meeting) -> str:
    when = _day_and_time(meeting.starts_at, meeting.project.organisation.zone)
    return f"{when} (cancelled)" if meeting.is_cancelled else when


def meetings(ids):
    rows = Meeting.objects.filter(pk__in=ids).select_related("project__organisation")
    return {
        meeting.pk: Topic(meeting.title, _meeting_detail(meeting), meeting.get_absolute_url())
        for meeting in rows
    }


def meeting_changes(ids):
    rows = MeetingChange.objects.filter(pk__in=ids).select_related("meeting__project__organisation")
    return {
        change.pk: Topic(
            change.meeting.title,
            f"{change.get_kind_display()}: {_meeting_detail(change.meeting)}",
            change.meeting.get_absolute_url(),
        )
        for change in rows
    }


def actions(ids):
    rows = MeetingAction.objects.filter(pk__in=ids).select_related("meeting")
    return {
        action.pk: Topic(
            f"Action: {action.description}",
            f"Due {date_format(action.due_on, 'l j F')}",
            action.meeting.get_absolute_url(),
        )
        for action in rows
    }


def _promise_detail(contribution) -> str:
    if contribution.promised_update_on is None:
        return ""
    return f"Update promised by {date_format(contribution.promised_update_on, 'l j F')}"


def promises(ids):
    return {
        contribution.pk: Topic(
            f"Promise: {contribution.said[:80]}",
            _promise_detail(contribution),
            contribution.get_absolute_url(),
        )
        for contribution in Contribution.objects.filter(pk__in=ids)
    }


def promise_updates(ids):
    rows = ContributionEvent.objects.filter(pk__in=ids).select_related("contribution")
    return {
        event.pk: Topic(
            f"Update on: {event.contribution.said[:80]}",
            "",
            event.contribution.get_absolute_url(),
        )
        for event in rows
    }


def grants(ids):
    rows = FunderGrant.objects.filter(pk__in=ids).select_related("user")
    return {
        grant.pk: Topic(
            f"Report access for {grant.user}",
            f"Until {date_format(grant.expires_on, 'j F Y')}",
        )
        for grant in rows
    }


def register_all() -> None:
    register("projects.Meeting", meetings)
    register("projects.MeetingChange", meeting_changes)
    register("projects.MeetingAction", actions)
    register("projects.Contribution", promises)
    register("projects.ContributionEvent", promise_updates)
    register("projects.FunderGrant", grants)
