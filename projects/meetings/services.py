"""Every write about meetings: venues, scheduling, papers, answers, attendance, notes.

Each change that people must be told about (scheduled, moved, cancelled,
papers ready, notes posted) adds a MeetingChange row in the same transaction,
for the notifications issue to act on.
"""

import datetime
import hashlib
import secrets
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format

from coprod.accounts.models import Organisation, StaffMembership, User
from coprod.accounts.selectors import COORDINATING_ROLES
from coprod.fields import check_date_in_bounds, check_length
from coprod.uploads import check_upload
from coprod.versions import check_version, rows_version, version_of
from participants.models import AccessLog, Participant, ProjectMembership
from projects.meetings import notifications as announce
from projects.meetings.selectors import project_people_for_meetings
from projects.meetings.times import in_zone
from projects.models import (
    AgendaItem,
    Attendance,
    CalendarFeed,
    Invitee,
    Meeting,
    MeetingAction,
    MeetingChange,
    MeetingPaper,
    Project,
    Venue,
)

MEETING_DETAIL_FIELDS = (
    "title",
    "purpose",
    "format",
    "venue",
    "online_link",
    "dial_in",
    "joining_help",
    "interpreters",
    "bsl_interpreter",
    "refreshments",
    "what_to_bring",
    "travel_covered",
    "childcare_covered",
)
VENUE_FIELDS = ("name", "address", "getting_there", *Venue.ACCESS_FACTS, "notes")
# What a meeting's change page shows and writes, so what its stamp covers.
MEETING_VERSION_FIELDS = (*MEETING_DETAIL_FIELDS, "starts_at", "ends_at")


def _now(now=None) -> datetime.datetime:
    return now or timezone.now()


# --- Venues -------------------------------------------------------------------


@transaction.atomic
def venue_save(
    *,
    organisation: Organisation,
    by: User | None,
    venue: Venue | None = None,
    version: str | None = None,
    **fields,
) -> Venue:
    """Add a venue to the organisation's library, or change one of its own.

    `version` is the stamp of VENUE_FIELDS the page showed (see coprod/versions.py).
    """
    if venue is not None:
        locked = Venue.objects.select_for_update().get(pk=venue.pk)
        check_version(version_of(locked, VENUE_FIELDS), version, what="this venue")
    unknown = set(fields) - set(VENUE_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown venue details: {sorted(unknown)}")
    if venue is not None and venue.organisation_id != organisation.pk:
        raise ValidationError("This venue belongs to another organisation.")
    venue = venue or Venue(organisation=organisation)
    for name, value in fields.items():
        setattr(venue, name, value.strip() if isinstance(value, str) else value)
    if not venue.name or not venue.address:
        raise ValidationError(
            {
                name: "Please write something here."
                for name in ("name", "address")
                if not getattr(venue, name)
            }
        )
    clash = Venue.objects.filter(organisation=organisation, name__iexact=venue.name)
    if clash.exclude(pk=venue.pk).exists():
        raise ValidationError({"name": "There is already a venue with this name."})
    venue.full_clean(exclude=["organisation"])
    venue.save()
    return venue


# --- Scheduling -----------------------------------------------------------------


def _check_meeting(meeting: Meeting, *, now) -> None:
    check_date_in_bounds(meeting.starts_at.date(), "day")
    check_date_in_bounds(meeting.ends_at.date(), "day")
    errors = {}
    if meeting.ends_at <= meeting.starts_at:
        errors["end_time"] = "The meeting ends before it starts. Check the times."
    if meeting.starts_at <= now:
        errors["day"] = "This time has already passed. Choose a time in the future."
    if meeting.in_person and meeting.venue_id is None:
        errors["venue"] = "Choose where people will meet."
    if meeting.venue is not None and (
        meeting.venue.organisation_id != meeting.project.organisation_id
    ):
        errors["venue"] = "Choose one of your organisation's venues."
    if meeting.online and not (meeting.online_link or meeting.dial_in):
        errors["online_link"] = "Give a link or a phone number so people can join."
    if errors:
        raise ValidationError(errors)


def _set_details(meeting: Meeting, details: dict) -> list[str]:
    unknown = set(details) - set(MEETING_DETAIL_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown meeting details: {sorted(unknown)}")
    changed = []
    for name, value in details.items():
        value = value.strip() if isinstance(value, str) else value
        if getattr(meeting, name) != value:
            setattr(meeting, name, value)
            changed.append(name)
    if not meeting.title or not meeting.purpose:
        raise ValidationError(
            {
                name: "Please write something here."
                for name in ("title", "purpose")
                if not getattr(meeting, name)
            }
        )
    return changed


@transaction.atomic
def meeting_schedule(
    *,
    project: Project,
    by: User | None,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    now=None,
    **details,
) -> Meeting:
    """Schedule a meeting and invite the project's active members."""
    meeting = Meeting(project=project, starts_at=starts_at, ends_at=ends_at, created_by=by)
    _set_details(meeting, details)
    _check_meeting(meeting, now=_now(now))
    meeting.full_clean(exclude=["project", "venue", "created_by"])
    meeting.save()
    MeetingChange.objects.create(
        meeting=meeting,
        kind=MeetingChange.Kind.SCHEDULED,
        new_starts_at=starts_at,
        new_ends_at=ends_at,
        by=by,
    )
    invitees_sync(meeting=meeting, now=now)
    announce.meeting_scheduled(meeting, now=now)
    return meeting


def _lock(meeting: Meeting) -> Meeting:
    # Lock only the meeting row: PostgreSQL cannot lock the nullable side of the venue join.
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("project__organisation", "venue")
        .get(pk=meeting.pk)
    )


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    by: User | None,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    reason: str = "",
    now=None,
    version: str | None = None,
    **details,
) -> Meeting:
    """Change a meeting that has not happened yet; a new time is recorded as a move.

    `version` is the stamp of MEETING_VERSION_FIELDS the page showed.
    """
    now = _now(now)
    meeting = _lock(meeting)
    check_version(
        version_of(meeting, MEETING_VERSION_FIELDS), version, what="this meeting's details"
    )
    if meeting.is_cancelled:
        raise ValidationError("This meeting was cancelled. Schedule a new one instead.")
    if meeting.starts_at <= now:
        raise ValidationError("This meeting has already started, so it cannot be changed.")
    old_starts, old_ends = meeting.starts_at, meeting.ends_at
    changed = _set_details(meeting, details)
    meeting.starts_at, meeting.ends_at = starts_at, ends_at
    _check_meeting(meeting, now=now)
    meeting.full_clean(exclude=["project", "venue", "created_by"])
    moved = (old_starts, old_ends) != (starts_at, ends_at)
    if not moved and not changed:
        return meeting
    meeting.save()
    change = MeetingChange.objects.create(
        meeting=meeting,
        kind=MeetingChange.Kind.RESCHEDULED if moved else MeetingChange.Kind.DETAILS_CHANGED,
        old_starts_at=old_starts,
        old_ends_at=old_ends,
        new_starts_at=starts_at,
        new_ends_at=ends_at,
        changed_fields=changed,
        reason=check_length(reason, 300, "reason"),
        by=by,
    )
    if moved:
        announce.meeting_moved(change, now=now)
    else:
        announce.meeting_details_changed(change, now=now)
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, by: User | None, reason: str, now=None) -> Meeting:
    """Call a meeting off; it stays in everyone's history, marked cancelled."""
    meeting = _lock(meeting)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why, in a few words: people will be told."})
    if meeting.is_cancelled:
        raise ValidationError("This meeting is already cancelled.")
    if meeting.starts_at <= _now(now):
        raise ValidationError("This meeting has already started, so it cannot be cancelled.")
    meeting.status = Meeting.Status.CANCELLED
    meeting.cancelled_reason = check_length(reason, 300, "reason")
    meeting.save(update_fields=["status", "cancelled_reason", "updated_at"])
    change = MeetingChange.objects.create(
        meeting=meeting,
        kind=MeetingChange.Kind.CANCELLED,
        old_starts_at=meeting.starts_at,
        old_ends_at=meeting.ends_at,
        reason=meeting.cancelled_reason,
        by=by,
    )
    announce.meeting_cancelled(change, now=now)
    return meeting


def invitees_sync(*, meeting: Meeting, now=None) -> tuple[list[Invitee], list[int]]:
    """Invite active members to an upcoming meeting; drop those who left or never answered.

    Someone taking a break is not invited, but keeps an answer they gave
    themselves. Past and cancelled meetings keep the list they had.
    """
    if meeting.is_cancelled or meeting.starts_at <= _now(now):
        return [], []
    memberships = ProjectMembership.objects.filter(project_id=meeting.project_id)
    active = set(
        memberships.filter(status=ProjectMembership.Status.ACTIVE).values_list(
            "participant_id", flat=True
        )
    )
    already = set(meeting.invitees.values_list("participant_id", flat=True))
    Invitee.objects.bulk_create(
        [Invitee(meeting=meeting, participant_id=pk) for pk in sorted(active - already)],
        ignore_conflicts=True,
    )
    added = list(
        meeting.invitees.filter(participant_id__in=active - already).select_related("participant")
    )
    gone = memberships.filter(status=ProjectMembership.Status.LEFT).values("participant_id")
    leaving = meeting.invitees.filter(
        Q(participant_id__in=gone) | (Q(answer="") & ~Q(participant_id__in=active))
    )
    removed = list(leaving.values_list("participant_id", flat=True))
    leaving.delete()
    return added, removed


def members_changed(project_id: int) -> None:
    """A project's members changed (participants tells us): its meetings' invitations follow."""
    project_invitees_sync(project_id=project_id)


def project_invitees_sync(*, project_id: int, now=None) -> None:
    """Bring the invitations of a project's upcoming meetings up to date with its members."""
    upcoming = Meeting.objects.filter(
        project_id=project_id, status=Meeting.Status.SCHEDULED, starts_at__gt=_now(now)
    )
    for meeting in upcoming.select_related("project__organisation"):
        added, removed = invitees_sync(meeting=meeting, now=now)
        announce.invitees_added(meeting, added, now=now)
        for participant in Participant.objects.filter(pk__in=removed):
            announce.invitee_leaving(meeting, participant)


# --- Agenda and papers ----------------------------------------------------------


def agenda_version(meeting: Meeting) -> str:
    """Stamp a meeting's agenda as its page shows it."""
    return rows_version(AgendaItem.objects.filter(meeting=meeting))


@transaction.atomic
def agenda_save(
    *, meeting: Meeting, by: User | None, rows: list[dict], version: str | None = None
) -> list[AgendaItem]:
    """Replace the agenda with these items, in this order; each may be led by a member.

    `version` is the agenda_version the page showed: a page opened before
    someone else changed the agenda is refused, so their items stay.
    """
    meeting = _lock(meeting)
    check_version(agenda_version(meeting), version, what="the agenda")
    if meeting.is_cancelled:
        raise ValidationError("This meeting was cancelled.")
    allowed = set(project_people_for_meetings(meeting.project).values_list("pk", flat=True))
    items = []
    for row in rows:
        title = (row.get("title") or "").strip()
        if not title:
            continue
        leader = row.get("led_by")
        if leader is not None and leader.pk not in allowed:
            raise ValidationError("Only people in this project can lead an agenda item.")
        items.append(AgendaItem(meeting=meeting, title=check_length(title, 200), led_by=leader))
    for position, item in enumerate(items, start=1):
        item.position = position
    meeting.agenda.all().delete()
    return AgendaItem.objects.bulk_create(items)


@transaction.atomic
def paper_add(
    *, meeting: Meeting, by: User | None, upload, title: str, plain_summary: str
) -> MeetingPaper:
    """Attach a paper after checking what the file really is and how big it is."""
    if meeting.is_cancelled:
        raise ValidationError("This meeting was cancelled.")
    title, plain_summary = (title or "").strip(), (plain_summary or "").strip()
    if not title or not plain_summary:
        raise ValidationError(
            {
                name: "Please write something here."
                for name, value in (("title", title), ("plain_summary", plain_summary))
                if not value
            }
        )
    try:
        checked = check_upload(upload)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
    paper = MeetingPaper(
        meeting=meeting,
        title=check_length(title, 200, "title"),
        plain_summary=plain_summary,
        original_name=checked.original_name,
        extension=checked.extension,
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=by,
    )
    paper.file.save(f"paper.{checked.extension}", upload, save=False)
    try:
        paper.save()
    except Exception:
        paper.file.delete(save=False)
        raise
    return paper


@transaction.atomic
def paper_remove(*, paper: MeetingPaper, by: User | None, now=None) -> MeetingPaper:
    """Take a paper away (a wrong file, say): the file is deleted, the record says who and when."""
    paper = MeetingPaper.objects.select_for_update().get(pk=paper.pk)
    if paper.removed_at is not None:
        raise ValidationError("This paper was already removed.")
    name, storage = paper.file.name or "", paper.file.storage  # a paper not removed has a file
    paper.removed_at, paper.removed_by, paper.file = _now(now), by, ""
    paper.save(update_fields=["removed_at", "removed_by", "file", "updated_at"])
    transaction.on_commit(lambda: storage.delete(name))
    return paper


@transaction.atomic
def papers_mark_ready(*, meeting: Meeting, by: User | None, now=None) -> Meeting:
    """Say the papers are ready to go out; the time is kept to judge whether they were on time."""
    meeting = _lock(meeting)
    if meeting.is_cancelled:
        raise ValidationError("This meeting was cancelled.")
    if not meeting.papers.filter(removed_at__isnull=True).exists():
        raise ValidationError("Add at least one paper first.")
    if meeting.papers_ready_at is not None:
        raise ValidationError("The papers were already marked as ready.")
    meeting.papers_ready_at = _now(now)
    meeting.save(update_fields=["papers_ready_at", "updated_at"])
    MeetingChange.objects.create(meeting=meeting, kind=MeetingChange.Kind.PAPERS_READY, by=by)
    announce.papers_ready(meeting, now=now)
    return meeting


# --- Answers (RSVP) ---------------------------------------------------------------


@transaction.atomic
def rsvp_record(
    *,
    meeting: Meeting,
    participant: Participant,
    by: User | None,
    answer: str,
    note: str | None = None,
    needs: str | None = None,
    now=None,
) -> Invitee:
    """Record someone's answer to a meeting, by them or taken for them by a coordinator.

    A note or needs of None leaves what was said before (the quick yes/no
    buttons send only the answer).
    """
    if answer not in Invitee.Answer.values:
        raise ValidationError({"answer": "Choose yes, maybe or no."})
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_cancelled:
        raise ValidationError("This meeting was cancelled.")
    if meeting.starts_at <= _now(now):
        raise ValidationError("This meeting has already started.")
    membership = ProjectMembership.objects.filter(
        project_id=meeting.project_id, participant=participant
    ).first()
    if membership is None or membership.status == ProjectMembership.Status.LEFT:
        raise ValidationError("Only people in this project can answer for this meeting.")
    invitee, created = Invitee.objects.select_for_update().get_or_create(
        meeting=meeting, participant=participant
    )
    changed = created or invitee.answer != answer
    invitee.answer = answer
    if note is not None:
        invitee.note = check_length(note, 300, "note")
    if needs is not None:
        invitee.needs = needs.strip() or None
    invitee.answered_at = _now(now)
    invitee.answered_by = by
    invitee.answered_on_behalf = by is None or by.pk != participant.user_id
    invitee.save()
    if changed:
        invitee.meeting = Meeting.objects.select_related("project__organisation").get(pk=meeting.pk)
        announce.answer_changed(invitee, now=now)
    return invitee


def meeting_log_detail(meeting: Meeting, prefix: str = "") -> str:
    """Which meeting, for a row of "Who has looked": "the meeting on 3 March 2027 (title)"."""
    day = date_format(in_zone(meeting.starts_at, meeting.project.organisation.zone), "j F Y")
    detail = f"{prefix}the meeting on {day}"
    title = f" ({meeting.title})"
    room = AccessLog._meta.get_field("detail").max_length
    if room is None or len(detail) + len(title) <= room:
        detail += title
    return detail


@transaction.atomic
def meeting_needs_read(
    *, meeting: Meeting, viewer: User, invitees: list[Invitee]
) -> dict[int, str]:
    """Return what each invitee said they need for the meeting, by invitee id; log staff reads.

    Like private notes (`participants.services.private_notes_read`), a read
    by anyone but the person writes an `AccessLog` row they see on "Who has
    looked", in the same transaction: one row per person per page view, and
    only for people who said something. The caller checks
    `projects.view_meeting_needs` first.
    """
    needs = {invitee.pk: invitee.needs for invitee in invitees if invitee.needs}
    detail = meeting_log_detail(meeting)
    AccessLog.objects.bulk_create(
        AccessLog(
            participant_id=invitee.participant_id,
            viewer=viewer,
            viewer_name=str(viewer)[:150],
            kind=AccessLog.Kind.MEETING_NEEDS,
            detail=detail,
        )
        for invitee in invitees
        if invitee.pk in needs and invitee.participant.user_id != viewer.pk
    )
    return needs


# --- After the meeting ---------------------------------------------------------------

# Payments (a higher layer) keeps people's claims in step with attendance. It
# adds its listeners when its app is ready; they run inside the transaction
# that records attendance, and may refuse it with a ValidationError (money
# already approved). This module never imports payments.
ATTENDANCE_REMOVING_LISTENERS: list[Callable[[Attendance], None]] = []
ATTENDANCE_RECORDED_LISTENERS: list[Callable[[Meeting, User | None], None]] = []


@transaction.atomic
def attendance_record(
    *, meeting: Meeting, by: User | None, rows: list[dict], now=None
) -> list[Attendance]:
    """Record who came and for how long; sending the same form twice changes nothing more.

    Each row is {participant, attended, minutes, preparation_minutes}. A
    person marked as not there loses their row.
    """
    meeting = _lock(meeting)
    if meeting.is_cancelled:
        raise ValidationError("This meeting was cancelled, so nobody attended it.")
    if meeting.starts_at > _now(now):
        raise ValidationError("This meeting has not happened yet. Record attendance afterwards.")
    allowed = set(project_people_for_meetings(meeting.project).values_list("pk", flat=True)) | set(
        meeting.attendance.values_list("participant_id", flat=True)
    )
    kept = []
    for row in rows:
        participant = row["participant"]
        if participant.pk not in allowed:
            raise ValidationError("Only people in this project can be recorded as attending.")
        if not row.get("attended"):
            existing = meeting.attendance.filter(participant=participant).first()
            if existing is not None:
                for removing in ATTENDANCE_REMOVING_LISTENERS:
                    removing(existing)
                existing.delete()
            continue
        minutes = row.get("minutes") or meeting.minutes
        preparation = row.get("preparation_minutes") or 0
        if not 0 < minutes <= 24 * 60 or not 0 <= preparation <= 24 * 60:
            raise ValidationError(
                f"Check the minutes for {participant.preferred_name}: "
                "between 1 and 1440 at the meeting, and up to 1440 preparing."
            )
        attendance, _ = Attendance.objects.update_or_create(
            meeting=meeting,
            participant=participant,
            defaults={"minutes": minutes, "preparation_minutes": preparation, "recorded_by": by},
        )
        kept.append(attendance)
    # Attendance is what people are paid for: their claims follow it, in this transaction.
    for recorded in ATTENDANCE_RECORDED_LISTENERS:
        recorded(meeting, by)
    return kept


@transaction.atomic
def notes_post(*, meeting: Meeting, by: User | None, notes: str, now=None) -> Meeting:
    """Post (or correct) the notes members read after the meeting."""
    meeting = _lock(meeting)
    notes = (notes or "").strip()
    if meeting.is_cancelled:
        raise ValidationError("This meeting was cancelled.")
    if meeting.starts_at > _now(now):
        raise ValidationError("Notes can be posted once the meeting has started.")
    if not notes:
        raise ValidationError({"notes": "Please write the notes here."})
    first_time = meeting.notes_posted_at is None
    meeting.notes = notes
    if first_time:
        meeting.notes_posted_at = _now(now)
    meeting.save(update_fields=["notes", "notes_posted_at", "updated_at"])
    if first_time:
        MeetingChange.objects.create(meeting=meeting, kind=MeetingChange.Kind.NOTES_POSTED, by=by)
        announce.notes_posted(meeting, now=now)
    return meeting


@transaction.atomic
def action_add(
    *,
    meeting: Meeting,
    by: User | None,
    description: str,
    due_on: datetime.date,
    owner_participant: Participant | None = None,
    owner_user: User | None = None,
    now=None,
) -> MeetingAction:
    """Record an action from the meeting with one owner, a member or a member of staff."""
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": "Say what will be done."})
    if (owner_participant is None) == (owner_user is None):
        raise ValidationError({"owner": "Choose one person to own this action."})
    project = meeting.project
    if owner_participant is not None and not (
        project_people_for_meetings(project).filter(pk=owner_participant.pk).exists()
    ):
        raise ValidationError({"owner": "Choose someone in this project."})
    if (
        owner_user is not None
        and not StaffMembership.objects.filter(
            user=owner_user, organisation_id=project.organisation_id, role__in=COORDINATING_ROLES
        ).exists()
    ):
        raise ValidationError({"owner": "Choose a coordinator of this organisation."})
    check_date_in_bounds(due_on, "due_on")
    if due_on < meeting.starts_at.date():
        raise ValidationError({"due_on": "The date is before the meeting."})
    action = MeetingAction.objects.create(
        meeting=meeting,
        description=check_length(description, 300, "description"),
        due_on=due_on,
        owner_participant=owner_participant,
        owner_user=owner_user,
        created_by=by,
    )
    announce.action_added(action, now=now)
    return action


@transaction.atomic
def action_complete(*, action: MeetingAction, by: User | None, now=None) -> MeetingAction:
    """Mark an action done (once; doing it again changes nothing)."""
    action = MeetingAction.objects.select_for_update().get(pk=action.pk)
    if action.done_at is None:
        action.done_at = _now(now)
        action.save(update_fields=["done_at", "updated_at"])
    return action


# --- Private calendar feeds ------------------------------------------------------------


def feed_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_feed_create(*, user: User, now=None) -> tuple[CalendarFeed, str]:
    """Make a new private calendar address, stopping any earlier one; return it with its secret.

    The secret is returned once and only its hash is kept.
    """
    calendar_feed_revoke(user=user, now=now)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(user=user, token_hash=feed_token_hash(token))
    return feed, token


@transaction.atomic
def calendar_feed_revoke(*, user: User, now=None) -> int:
    """Stop the person's calendar address: calendar apps reading it get "not found"."""
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=_now(now)
    )
