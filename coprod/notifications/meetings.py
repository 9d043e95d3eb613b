"""The messages a meeting causes: invitations, reminders, changes, papers, notes, actions.

Meeting services call these inside their own transaction. Reminder times come
from the project's rules, computed in the organisation's time zone; a
reminder whose moment has passed (beyond the rule's window) is never made.
"""

import datetime

from django.utils import timezone

from coprod.notifications.models import DEFAULT_RULES, Kind, ReminderRule
from coprod.notifications.relevance import lock_about, still_wanted
from coprod.notifications.services import cancel_pending, channel_for, notify, notify_staff_at
from coprod.notifications.timing import at_local_time, reminder_moment
from participants.models import Participant

# Nudges to coordinators, in days after the meeting ends, at 10:00 local time.
NOTES_NUDGE_DAYS = (3, 7)
# A "notes are missing" nudge not sent two weeks after the meeting never goes,
# and a failed one leaves the dashboard then: by that time people's memories
# of the meeting have faded, the day-7 nudge has had a week, and the meeting
# page itself still shows that no notes were posted.
NOTES_CUT_OFF_DAYS = 14
NUDGE_HOUR = 10
MEETING_KINDS = [Kind.REMINDER, Kind.PAPERS_LATE, Kind.NOTES_MISSING, Kind.PAPERS_READY]


def rules_for(project) -> list[ReminderRule]:
    """Return the project's active reminder rules, earliest first (the defaults if it has none)."""
    if not ReminderRule.objects.filter(project=project).exists():
        reminder_rules_seed(project=project)
    return list(ReminderRule.objects.filter(project=project, active=True))


def reminder_rules_seed(*, project) -> None:
    """Give a project the default reminder rules, once."""
    for label, minutes, window, sms_only in DEFAULT_RULES:
        ReminderRule.objects.get_or_create(
            project=project,
            minutes_before=minutes,
            sms_only=sms_only,
            defaults={"label": label, "window_minutes": window},
        )


def _coordinators(project):
    named = list(project.coordinators.filter(is_active=True))
    if named:
        return named
    from coprod.accounts.selectors import coordinators_of

    return list(coordinators_of(project.organisation_id))


def _invitees(meeting, *, coming=False):
    rows = meeting.invitees.select_related("participant")
    if coming:
        rows = rows.exclude(answer="no")
    return list(rows)


def plan_reminders(meeting, invitees, *, now=None) -> None:
    """Plan each invitee's reminders, by the rules, their channel and their choice."""
    now = now or timezone.now()
    if meeting.is_cancelled or meeting.starts_at <= now:
        return
    zone = meeting.project.organisation.zone
    rules = rules_for(meeting.project)
    for invitee in invitees:
        person = invitee.participant
        if invitee.answer == "no" or person.reminders == Participant.Reminders.NONE:
            continue
        channel, _, _ = channel_for(person)
        applicable = [rule for rule in rules if not rule.sms_only or channel == "sms"]
        if person.reminders == Participant.Reminders.FEWER:
            applicable = applicable[-1:]  # only the one closest to the meeting
        for rule in applicable:
            moment = reminder_moment(meeting.starts_at, rule.minutes_before, zone)
            if now > moment + datetime.timedelta(minutes=rule.window_minutes):
                continue  # its moment has passed: never send a reminder late
            notify(
                kind=Kind.REMINDER,
                about=meeting,
                recipient=person,
                project=meeting.project,
                due_at=max(moment, now),
                label=rule.label,
                expires_at=meeting.starts_at,
                key_moment=meeting.starts_at,
            )


def _plan_nudges(meeting, *, now):
    """Coordinators hear if papers are not ready by their date, or notes are missing after."""
    from projects.meetings.selectors import papers_due

    zone = meeting.project.organisation.zone
    project = meeting.project
    moments = []
    if meeting.papers_ready_at is None:
        moments.append((Kind.PAPERS_LATE, at_local_time(papers_due(meeting).out_by, 9, zone)))
    end_day = meeting.ends_at.astimezone(zone).date()
    for days in NOTES_NUDGE_DAYS:
        moment = at_local_time(end_day + datetime.timedelta(days=days), NUDGE_HOUR, zone)
        moments.append((Kind.NOTES_MISSING, moment))
    expires = {
        # Papers sent once the meeting has begun help nobody prepare.
        Kind.PAPERS_LATE: meeting.starts_at,
        Kind.NOTES_MISSING: at_local_time(
            end_day + datetime.timedelta(days=NOTES_CUT_OFF_DAYS), NUDGE_HOUR, zone
        ),
    }
    notify_staff_at(
        users=_coordinators(project),
        about=meeting,
        project=project,
        moments=moments,
        expires=expires,
        now=now,
    )


def _tell_invitees(meeting, kind, about, *, now, coming=False, until_start=True):
    """Tell everyone invited; news about the meeting itself is no use once it has begun."""
    expires_at = meeting.starts_at if until_start else None
    if expires_at is not None and now >= expires_at:
        return
    for invitee in _invitees(meeting, coming=coming):
        notify(
            kind=kind,
            about=about,
            recipient=invitee.participant,
            project=meeting.project,
            due_at=now,
            expires_at=expires_at,
            key_moment=meeting.starts_at,
        )


def meeting_scheduled(meeting, *, now=None) -> None:
    """Invite everyone, and plan their reminders and the coordinators' nudges."""
    now = now or timezone.now()
    if meeting.starts_at <= now:
        return  # entered after it happened: nobody is told anything
    _tell_invitees(meeting, Kind.MEETING_SCHEDULED, meeting, now=now)
    plan_reminders(meeting, _invitees(meeting), now=now)
    _plan_nudges(meeting, now=now)


def invitees_added(meeting, invitees, *, now=None) -> None:
    """People invited after scheduling (new members, or a break ended) hear about it too."""
    now = now or timezone.now()
    if meeting.is_cancelled or meeting.starts_at <= now:
        return
    for invitee in invitees:
        notify(
            kind=Kind.MEETING_SCHEDULED,
            about=meeting,
            recipient=invitee.participant,
            project=meeting.project,
            due_at=now,
            expires_at=meeting.starts_at,
            key_moment=meeting.starts_at,
        )
    plan_reminders(meeting, invitees, now=now)


def invitee_leaving(meeting, participant) -> None:
    cancel_pending(about=meeting, recipient=participant, reason="They are no longer invited.")


def answer_changed(invitee, *, now=None) -> None:
    """Someone who says no gets no reminders; someone who changes to yes gets them again."""
    meeting = invitee.meeting
    if invitee.answer == "no":
        cancel_pending(
            about=meeting,
            kinds=[Kind.REMINDER],
            recipient=invitee.participant,
            reason="They said they cannot come.",
        )
    else:
        plan_reminders(meeting, [invitee], now=now)


def meeting_moved(change, *, now=None) -> None:
    """Old reminders are called off, everyone hears it has moved, new reminders are planned."""
    now = now or timezone.now()
    meeting = change.meeting
    cancel_pending(about=meeting, kinds=MEETING_KINDS, reason="The meeting moved.")
    _tell_invitees(meeting, Kind.MEETING_MOVED, change, now=now)
    plan_reminders(meeting, _invitees(meeting), now=now)
    _plan_nudges(meeting, now=now)


# Changes people must hear about even though the time is the same.
WHERE_FIELDS = {"venue", "format", "online_link", "dial_in"}


def meeting_details_changed(change, *, now=None) -> None:
    """A new place or a new way to join: everyone invited hears it."""
    if not WHERE_FIELDS & set(change.changed_fields):
        return
    _tell_invitees(change.meeting, Kind.MEETING_CHANGED, change, now=now or timezone.now())


def meeting_cancelled(change, *, now=None) -> None:
    """Call off what was planned and tell everyone, up to the time it would have started."""
    now = now or timezone.now()
    meeting = change.meeting
    reason = "The meeting was cancelled."
    # Everything about it not yet out: reminders, nudges, the invitation itself,
    # and news of earlier moves and changes (tasks to phone people included).
    cancel_pending(about=meeting, kinds=[*MEETING_KINDS, Kind.MEETING_SCHEDULED], reason=reason)
    for earlier in meeting.changes.exclude(pk=change.pk):
        cancel_pending(
            about=earlier, kinds=[Kind.MEETING_MOVED, Kind.MEETING_CHANGED], reason=reason
        )
    _tell_invitees(meeting, Kind.MEETING_CANCELLED, change, now=now)


def papers_ready(meeting, *, now=None) -> None:
    now = now or timezone.now()
    cancel_pending(about=meeting, kinds=[Kind.PAPERS_LATE], reason="The papers are ready.")
    _tell_invitees(meeting, Kind.PAPERS_READY, meeting, now=now, coming=True)


def notes_posted(meeting, *, now=None) -> None:
    now = now or timezone.now()
    cancel_pending(about=meeting, kinds=[Kind.NOTES_MISSING], reason="The notes are posted.")
    # The notes stay worth reading after the meeting: this message never expires.
    _tell_invitees(meeting, Kind.NOTES_POSTED, meeting, now=now, until_start=False)


def action_added(action, *, now=None) -> None:
    """Remind the owner the day before it is due, at 10:00 (not if that has passed)."""
    now = now or timezone.now()
    project = action.meeting.project
    zone = project.organisation.zone
    moment = at_local_time(action.due_on - datetime.timedelta(days=1), NUDGE_HOUR, zone)
    if moment < now:
        return
    notify(
        kind=Kind.ACTION_DUE,
        about=action,
        recipient=action.owner_participant or action.owner_user,
        project=project,
        due_at=moment,
        expires_at=at_local_time(action.due_on + datetime.timedelta(days=1), 0, zone),
    )


# --- Still wanted? Checked by the dispatcher just before each message goes ----------


def _invitee_refusal(meeting, row, *, coming=False) -> str:
    if not row.recipient_participant_id:
        return ""
    invitee = meeting.invitees.filter(participant_id=row.recipient_participant_id).first()
    if invitee is None:
        return "They are no longer invited."
    if coming and invitee.answer == "no":
        return "They said they cannot come."
    return ""


def _meeting_off(meeting) -> str:
    """Why nothing about this meeting should go any more, or ""."""
    if meeting is None:
        return "The meeting was removed."
    if meeting.is_cancelled:
        return "The meeting was cancelled."
    return ""


def _moved(meeting, row) -> bool:
    return row.about_moment is not None and meeting.starts_at != row.about_moment


@still_wanted(Kind.REMINDER, Kind.MEETING_SCHEDULED, Kind.PAPERS_READY)
def _invitee_message_wanted(row) -> str:
    meeting = lock_about(row)
    if off := _meeting_off(meeting):
        return off
    if row.kind == Kind.REMINDER and _moved(meeting, row):
        return "The meeting moved: new reminders go for the new time."
    return _invitee_refusal(meeting, row, coming=row.kind != Kind.MEETING_SCHEDULED)


@still_wanted(Kind.PAPERS_LATE, Kind.NOTES_MISSING)
def _nudge_wanted(row) -> str:
    meeting = lock_about(row)
    if off := _meeting_off(meeting):
        return off
    if row.kind == Kind.PAPERS_LATE and meeting.papers_ready_at is not None:
        return "The papers are ready."
    if row.kind == Kind.NOTES_MISSING and meeting.notes_posted_at is not None:
        return "The notes are posted."
    return ""


@still_wanted(Kind.MEETING_MOVED, Kind.MEETING_CHANGED)
def _change_wanted(row) -> str:
    change = lock_about(row)
    if change is None:
        return "The meeting was removed."
    meeting = lock_about(
        row, model=type(change)._meta.get_field("meeting").related_model, pk=change.meeting_id
    )
    if meeting is None:
        return "The meeting was removed."
    if meeting.is_cancelled:
        return "The meeting was cancelled: they hear that instead."
    if row.kind == Kind.MEETING_MOVED and meeting.starts_at != change.new_starts_at:
        return "The meeting moved again: they hear the newest time instead."
    return _invitee_refusal(meeting, row)


@still_wanted(Kind.ACTION_DUE)
def _action_wanted(row) -> str:
    action = lock_about(row)
    if action is None:
        return "The action was removed."
    if action.done_at is not None:
        return "The action is done."
    return ""
