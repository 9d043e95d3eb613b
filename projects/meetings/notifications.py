"""The messages a meeting causes: invitations, reminders, changes, papers, notes, actions.

Meeting services call the planning functions inside their own transaction.
Reminder times come from the project's rules, computed in the organisation's
time zone; a reminder whose moment has passed (beyond the rule's window) is
never made. This module also tells the outbox what each kind is called and
how to word it (templates/projects/notifications/), checks each is still
wanted just before it goes, and names meetings on the dashboard; `register()`
runs from ProjectsConfig.ready().
"""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format

from coprod.accounts.selectors import coordinators_of
from coprod.notifications import kinds, topics
from coprod.notifications.models import ReminderRule
from coprod.notifications.relevance import lock_about, still_wanted
from coprod.notifications.services import cancel_pending, channel_for, notify, notify_staff_at
from coprod.notifications.timing import at_local_time, reminder_moment
from participants.models import Participant
from projects.meetings.calendar import calendar_for
from projects.meetings.selectors import papers_due
from projects.models import Meeting, MeetingAction, MeetingChange

MEETING_SCHEDULED = "meeting_scheduled"
MEETING_MOVED = "meeting_moved"
MEETING_CHANGED = "meeting_changed"
MEETING_CANCELLED = "meeting_cancelled"
PAPERS_READY = "papers_ready"
REMINDER = "reminder"
NOTES_POSTED = "notes_posted"
PAPERS_LATE = "papers_late"
NOTES_MISSING = "notes_missing"
ACTION_DUE = "action_due"

# Nudges to coordinators, in days after the meeting ends, at 10:00 local time.
NOTES_NUDGE_DAYS = (3, 7)
# A "notes are missing" nudge not sent two weeks after the meeting never goes,
# and a failed one leaves the dashboard then: by that time people's memories
# of the meeting have faded, the day-7 nudge has had a week, and the meeting
# page itself still shows that no notes were posted.
NOTES_CUT_OFF_DAYS = 14
NUDGE_HOUR = 10
MEETING_KINDS = [REMINDER, PAPERS_LATE, NOTES_MISSING, PAPERS_READY]


def rules_for(project) -> list[ReminderRule]:
    """Return the project's active reminder rules, earliest first.

    A project gets the default rules when it is made (project_create).
    """
    return list(ReminderRule.objects.filter(project=project, active=True))


def coordinators_to_tell(project):
    """The project's named coordinators, or else every coordinator of its organisation."""
    named = list(project.coordinators.filter(is_active=True))
    if named:
        return named
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
                kind=REMINDER,
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
    zone = meeting.project.organisation.zone
    project = meeting.project
    moments = []
    if meeting.papers_ready_at is None:
        moments.append((PAPERS_LATE, at_local_time(papers_due(meeting).out_by, 9, zone)))
    end_day = meeting.ends_at.astimezone(zone).date()
    for days in NOTES_NUDGE_DAYS:
        moment = at_local_time(end_day + datetime.timedelta(days=days), NUDGE_HOUR, zone)
        moments.append((NOTES_MISSING, moment))
    expires = {
        # Papers sent once the meeting has begun help nobody prepare.
        PAPERS_LATE: meeting.starts_at,
        NOTES_MISSING: at_local_time(
            end_day + datetime.timedelta(days=NOTES_CUT_OFF_DAYS), NUDGE_HOUR, zone
        ),
    }
    notify_staff_at(
        users=coordinators_to_tell(project),
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
    _tell_invitees(meeting, MEETING_SCHEDULED, meeting, now=now)
    plan_reminders(meeting, _invitees(meeting), now=now)
    _plan_nudges(meeting, now=now)


def invitees_added(meeting, invitees, *, now=None) -> None:
    """People invited after scheduling (new members, or a break ended) hear about it too."""
    now = now or timezone.now()
    if meeting.is_cancelled or meeting.starts_at <= now:
        return
    for invitee in invitees:
        notify(
            kind=MEETING_SCHEDULED,
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
            kinds=[REMINDER],
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
    _tell_invitees(meeting, MEETING_MOVED, change, now=now)
    plan_reminders(meeting, _invitees(meeting), now=now)
    _plan_nudges(meeting, now=now)


# Changes people must hear about even though the time is the same.
WHERE_FIELDS = {"venue", "format", "online_link", "dial_in"}


def meeting_details_changed(change, *, now=None) -> None:
    """A new place or a new way to join: everyone invited hears it."""
    if not WHERE_FIELDS & set(change.changed_fields):
        return
    _tell_invitees(change.meeting, MEETING_CHANGED, change, now=now or timezone.now())


def meeting_cancelled(change, *, now=None) -> None:
    """Call off what was planned and tell everyone, up to the time it would have started."""
    now = now or timezone.now()
    meeting = change.meeting
    reason = "The meeting was cancelled."
    # Everything about it not yet out: reminders, nudges, the invitation itself,
    # and news of earlier moves and changes (tasks to phone people included).
    cancel_pending(about=meeting, kinds=[*MEETING_KINDS, MEETING_SCHEDULED], reason=reason)
    for earlier in meeting.changes.exclude(pk=change.pk):
        cancel_pending(about=earlier, kinds=[MEETING_MOVED, MEETING_CHANGED], reason=reason)
    _tell_invitees(meeting, MEETING_CANCELLED, change, now=now)


def papers_ready(meeting, *, now=None) -> None:
    now = now or timezone.now()
    cancel_pending(about=meeting, kinds=[PAPERS_LATE], reason="The papers are ready.")
    _tell_invitees(meeting, PAPERS_READY, meeting, now=now, coming=True)


def notes_posted(meeting, *, now=None) -> None:
    now = now or timezone.now()
    cancel_pending(about=meeting, kinds=[NOTES_MISSING], reason="The notes are posted.")
    # The notes stay worth reading after the meeting: this message never expires.
    _tell_invitees(meeting, NOTES_POSTED, meeting, now=now, until_start=False)


def action_added(action, *, now=None) -> None:
    """Remind the owner the day before it is due, at 10:00 (not if that has passed)."""
    now = now or timezone.now()
    project = action.meeting.project
    zone = project.organisation.zone
    moment = at_local_time(action.due_on - datetime.timedelta(days=1), NUDGE_HOUR, zone)
    if moment < now:
        return
    notify(
        kind=ACTION_DUE,
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
    # Only the answer, by the person's key: no default ordering (it joins the
    # person and the meeting) and none of the invitee's private fields.
    answers = (
        meeting.invitees.filter(participant_id=row.recipient_participant_id)
        .order_by()
        .values_list("answer", flat=True)[:1]
    )
    answer = next(iter(answers), None)
    if answer is None:
        return "They are no longer invited."
    if coming and answer == "no":
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


@still_wanted(REMINDER, MEETING_SCHEDULED, PAPERS_READY)
def _invitee_message_wanted(row) -> str:
    meeting = lock_about(row)
    if off := _meeting_off(meeting):
        return off
    if row.kind == REMINDER and _moved(meeting, row):
        return "The meeting moved: new reminders go for the new time."
    return _invitee_refusal(meeting, row, coming=row.kind != MEETING_SCHEDULED)


@still_wanted(PAPERS_LATE, NOTES_MISSING)
def _nudge_wanted(row) -> str:
    meeting = lock_about(row)
    if off := _meeting_off(meeting):
        return off
    if row.kind == PAPERS_LATE and meeting.papers_ready_at is not None:
        return "The papers are ready."
    if row.kind == NOTES_MISSING and meeting.notes_posted_at is not None:
        return "The notes are posted."
    return ""


@still_wanted(MEETING_MOVED, MEETING_CHANGED)
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
    if row.kind == MEETING_MOVED and meeting.starts_at != change.new_starts_at:
        return "The meeting moved again: they hear the newest time instead."
    return _invitee_refusal(meeting, row)


@still_wanted(ACTION_DUE)
def _action_wanted(row) -> str:
    action = lock_about(row)
    if action is None:
        return "The action was removed."
    if action.done_at is not None:
        return "The action is done."
    return ""


# --- The words: each kind's context for its templates --------------------------------


def _clock(local) -> str:
    """10:30am, 2pm: the way GOV.UK style writes times, with no full stops to trip on."""
    hour = local.hour % 12 or 12
    minutes = f":{local.minute:02d}" if local.minute else ""
    return f"{hour}{minutes}{'am' if local.hour < 12 else 'pm'}"


def _when(moment, zone) -> str:
    local = moment.astimezone(zone)
    return f"{date_format(local, 'l j F')} at {_clock(local)}"


def _meeting_context(meeting) -> dict:
    zone = meeting.project.organisation.zone
    venue = meeting.venue if meeting.in_person else None
    return {
        "meeting": meeting,
        "when": _when(meeting.starts_at, zone),
        "ends": _clock(meeting.ends_at.astimezone(zone)),
        "venue": venue,
        "address": ", ".join(
            line.strip().rstrip(",") for line in venue.address.splitlines() if line.strip()
        )
        if venue
        else "",
        "agenda": [item.title for item in meeting.agenda.all()],
        "papers": list(meeting.papers.filter(removed_at__isnull=True)),
        "link": settings.COPROD_BASE_URL + meeting.get_absolute_url(),
        "contact": meeting.project.contact_for_members,
    }


def meeting_context(notification) -> dict:
    """A message about the meeting itself: an invitation, a reminder, papers, notes, a nudge."""
    return _meeting_context(notification.about)


def meeting_change_context(notification) -> dict:
    """A message about a change to a meeting: moved, changed or cancelled."""
    change = notification.about
    context = _meeting_context(change.meeting) | {"change": change}
    if change.old_starts_at:
        context["old_when"] = _when(change.old_starts_at, change.meeting.project.organisation.zone)
    return context


def action_context(notification) -> dict:
    action = notification.about
    return {
        "action": action,
        "due": date_format(action.due_on, "l j F"),
        "link": settings.COPROD_BASE_URL + action.meeting.get_absolute_url(),
        "meeting": action.meeting,
    }


def meeting_calendar(notification, context) -> list[tuple[str, bytes, str]]:
    """The meeting's calendar file, for emails that give or change its time and place."""
    meeting = context["meeting"]
    return [(f"meeting-{meeting.pk}.ics", calendar_for([meeting]), "text/calendar")]


# --- How the dashboard names the meetings, changes and actions messages are about ----


def _day_and_time(moment, zone) -> str:
    return date_format(moment.astimezone(zone), "l j F, H:i")


def _meeting_detail(meeting) -> str:
    when = _day_and_time(meeting.starts_at, meeting.project.organisation.zone)
    return f"{when} (cancelled)" if meeting.is_cancelled else when


def meeting_topics(ids):
    rows = Meeting.objects.filter(pk__in=ids).select_related("project__organisation")
    return {
        meeting.pk: topics.Topic(
            meeting.title, _meeting_detail(meeting), meeting.get_absolute_url()
        )
        for meeting in rows
    }


def meeting_change_topics(ids):
    rows = MeetingChange.objects.filter(pk__in=ids).select_related("meeting__project__organisation")
    return {
        change.pk: topics.Topic(
            change.meeting.title,
            f"{change.get_kind_display()}: {_meeting_detail(change.meeting)}",
            change.meeting.get_absolute_url(),
        )
        for change in rows
    }


def action_topics(ids):
    rows = MeetingAction.objects.filter(pk__in=ids).select_related("meeting")
    return {
        action.pk: topics.Topic(
            f"Action: {action.description}",
            f"Due {date_format(action.due_on, 'l j F')}",
            action.meeting.get_absolute_url(),
        )
        for action in rows
    }


def _template(code: str) -> str:
    return f"projects/notifications/{code}"


def register() -> None:
    """Tell the outbox about the meeting messages (from ProjectsConfig.ready())."""
    for code, label, build, calendar in [
        (MEETING_SCHEDULED, "Invitation to a meeting", meeting_context, True),
        (MEETING_MOVED, "Meeting moved", meeting_change_context, True),
        (
            MEETING_CHANGED,
            "Meeting place or joining details changed",
            meeting_change_context,
            True,
        ),
        (MEETING_CANCELLED, "Meeting cancelled", meeting_change_context, False),
        (PAPERS_READY, "Papers for a meeting", meeting_context, False),
        (NOTES_POSTED, "Notes of a meeting", meeting_context, False),
        (PAPERS_LATE, "Papers not ready (to coordinators)", meeting_context, False),
        (NOTES_MISSING, "Notes not posted (to coordinators)", meeting_context, False),
        (ACTION_DUE, "An action is due soon", action_context, False),
    ]:
        kinds.register(
            code,
            label=label,
            build=build,
            template=_template(code),
            attachments=meeting_calendar if calendar else None,
            shared=True,  # built from the meeting, its change or action: nothing personal
        )
    kinds.register(
        REMINDER,
        label="Meeting reminder",
        build=meeting_context,
        template=_template(REMINDER),
        attachments=meeting_calendar,
        reminder=True,
        shared=True,
    )
    topics.register("projects.Meeting", meeting_topics)
    topics.register("projects.MeetingChange", meeting_change_topics)
    topics.register("projects.MeetingAction", action_topics)
