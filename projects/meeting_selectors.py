"""Reads about meetings: who sees which, what is late, what clashes, what is next."""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from participants.models import Participant, ProjectMembership
from projects.meeting_times import in_zone, slot_label, slots_touched
from projects.models import (
    AgendaItem,
    Attendance,
    CalendarFeed,
    Invitee,
    Meeting,
    MeetingAction,
    MeetingPaper,
    Project,
    Venue,
)


def _meeting_page_queryset() -> QuerySet[Meeting]:
    return Meeting.objects.select_related("project__organisation", "venue").prefetch_related(
        Prefetch("agenda", queryset=AgendaItem.objects.select_related("led_by")),
        Prefetch("papers", queryset=MeetingPaper.objects.filter(removed_at__isnull=True)),
    )


def meetings_for_project(project: Project) -> dict[str, list[Meeting]]:
    """Return {"upcoming": [...], "past": [...]} for a project, soonest and latest first."""
    now = timezone.now()
    meetings = Meeting.objects.filter(project=project).select_related("venue")
    return {
        "upcoming": list(meetings.filter(ends_at__gt=now).order_by("starts_at")),
        "past": list(meetings.filter(ends_at__lte=now).order_by("-starts_at")),
    }


def next_meeting_for_project(project: Project) -> Meeting | None:
    """Return the project's next meeting that is going ahead."""
    return (
        Meeting.objects.filter(
            project=project, status=Meeting.Status.SCHEDULED, ends_at__gt=timezone.now()
        )
        .select_related("project__organisation")
        .order_by("starts_at")
        .first()
    )


def meeting_get(project: Project, pk) -> Meeting:
    """Return a meeting of a project the person can already see, or raise Http404."""
    return get_object_or_404(_meeting_page_queryset(), project=project, pk=pk)


def invitee_for(user, meeting: Meeting) -> Invitee | None:
    """Return the person's own invitation to the meeting, if they have one."""
    if not user.is_authenticated:
        return None
    return meeting.invitees.filter(participant__user=user).select_related("participant").first()


def _member_meetings(user) -> QuerySet[Meeting]:
    # Both conditions must hold on the same rows: the person's own invitation,
    # and the person's own membership not having left. Spread over two joins, a
    # filter on multi-valued relations would match anyone's membership instead.
    own_invitation = Invitee.objects.filter(meeting=OuterRef("pk"), participant__user=user)
    left_project = ProjectMembership.objects.filter(
        project=OuterRef("project"),
        participant__user=user,
        status=ProjectMembership.Status.LEFT,
    )
    return _meeting_page_queryset().filter(Exists(own_invitation)).exclude(Exists(left_project))


def meetings_for_member(user) -> dict[str, list[Meeting]]:
    """Return the meetings a member is invited to: upcoming soonest first, past latest first."""
    now = timezone.now()
    meetings = _member_meetings(user)
    return {
        "upcoming": list(meetings.filter(ends_at__gt=now).order_by("starts_at")),
        "past": list(meetings.filter(ends_at__lte=now).order_by("-starts_at")[:50]),
    }


def next_meeting_for_member(user) -> tuple[Meeting, Invitee] | None:
    """Return the member's next meeting that is going ahead, with their invitation."""
    meeting = (
        _member_meetings(user)
        .filter(ends_at__gt=timezone.now(), status=Meeting.Status.SCHEDULED)
        .order_by("starts_at")
        .first()
    )
    if meeting is None:
        return None
    return meeting, invitee_for(user, meeting)


def meetings_for_feed(user) -> QuerySet[Meeting]:
    """Return what a private calendar feed shows: the person's meetings from 90 days ago on."""
    since = timezone.now() - datetime.timedelta(days=90)
    return (
        _member_meetings(user)
        .filter(ends_at__gte=since)
        .exclude(
            Exists(
                Invitee.objects.filter(
                    meeting=OuterRef("pk"), participant__user=user, answer=Invitee.Answer.NO
                )
            )
        )
        .order_by("starts_at")
    )


def calendar_feed_live(user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


def venues_for(organisation_ids) -> QuerySet[Venue]:
    return Venue.objects.filter(organisation_id__in=organisation_ids).select_related("organisation")


# --- Papers out on time ---------------------------------------------------------------


@dataclass(frozen=True)
class PapersDue:
    out_by: datetime.date
    days: int
    # (name, days they asked for), for the people who need them earliest.
    who: list[tuple[str, int]]


def papers_due(meeting: Meeting) -> PapersDue:
    """Return the date papers must go out: the earliest any invitee needs them.

    The organisation's default applies to everyone who has not said; the
    largest "papers N days before" among invitees wins.
    """
    zone = meeting.project.organisation.zone
    default = meeting.project.organisation.papers_days_default
    needs = list(
        meeting.invitees.exclude(answer=Invitee.Answer.NO)
        .filter(participant__papers_days_ahead__isnull=False)
        .values_list("participant__preferred_name", "participant__papers_days_ahead")
    )
    days = max([default, *(days for _, days in needs)])
    who = sorted(((name, n) for name, n in needs if n == days and n > default))
    out_by = in_zone(meeting.starts_at, zone).date() - datetime.timedelta(days=days)
    return PapersDue(out_by=out_by, days=days, who=who)


def late_papers(meeting: Meeting, *, today: datetime.date | None = None) -> list[str]:
    """Return the names of invitees for whom the papers are late (or already too late).

    Papers count as out when they were marked ready; until then, each person
    whose "days before" has passed is late.
    """
    zone = meeting.project.organisation.zone
    default = meeting.project.organisation.papers_days_default
    today = today or timezone.localdate(timezone=zone)
    sent_on = in_zone(meeting.papers_ready_at, zone).date() if meeting.papers_ready_at else None
    meeting_day = in_zone(meeting.starts_at, zone).date()
    late = []
    for invitee in meeting.invitees.exclude(answer=Invitee.Answer.NO).select_related("participant"):
        days = invitee.participant.papers_days_ahead
        deadline = meeting_day - datetime.timedelta(days=days if days is not None else default)
        if (sent_on or today) > deadline:
            late.append(invitee.participant.preferred_name)
    return sorted(late)


def papers_too_soon(project: Project, starts_at: datetime.datetime) -> list[str]:
    """Return a warning per need that a meeting at this time leaves no time to meet.

    Active members who said how many days before they need papers are named;
    the organisation's usual notice covers everyone else.
    """
    zone = project.organisation.zone
    today = timezone.localdate(timezone=zone)
    days_left = (in_zone(starts_at, zone).date() - today).days
    default = project.organisation.papers_days_default
    lines = []
    if days_left < default:
        lines.append(
            f"Papers usually go out {default} days before a meeting; "
            f"this one is {days_left} day{'s' if days_left != 1 else ''} away."
        )
    needs = (
        Participant.objects.filter(
            memberships__project=project,
            memberships__status=ProjectMembership.Status.ACTIVE,
            papers_days_ahead__gt=days_left,
        )
        .order_by("preferred_name")
        .values_list("preferred_name", "papers_days_ahead")
    )
    for name, days in needs:
        lines.append(f"{name} needs papers {days} days before, so they would get them late.")
    return lines


# --- Clashes with the times people said suit them ------------------------------------------


def time_clashes(
    project: Project, starts_at: datetime.datetime, ends_at: datetime.datetime
) -> list[str]:
    """Return a line per active member whose stated meeting times do not cover this time."""
    zone = project.organisation.zone
    needed = slots_touched(starts_at, ends_at, zone)
    people = (
        Participant.objects.filter(
            memberships__project=project, memberships__status=ProjectMembership.Status.ACTIVE
        )
        .exclude(meeting_times=[])
        .order_by("preferred_name")
    )
    lines = []
    for person in people:
        if not needed <= set(person.meeting_times):
            suits = ", ".join(slot_label(code) for code in person.meeting_times)
            lines.append(f"{person.preferred_name} said {suits} suit them.")
    return lines


# --- For coordinators -------------------------------------------------------------------


def rsvp_overview(meeting: Meeting) -> dict:
    """Return every invitee with their answer, and counts by answer."""
    invitees = list(
        meeting.invitees.select_related("participant", "answered_by").order_by(
            "participant__preferred_name"
        )
    )
    counts = dict.fromkeys(("yes", "maybe", "no", "none"), 0)
    for invitee in invitees:
        counts[invitee.answer or "none"] += 1
    return {"invitees": invitees, "counts": counts}


def attendance_people(meeting: Meeting) -> list[dict]:
    """Return the people to show on the attendance form, with what is recorded so far.

    Everyone invited, plus anyone in the project recorded as attending; those
    who said yes are ticked by default the first time.
    """
    recorded = {row.participant_id: row for row in meeting.attendance.all()}
    invitees = {
        invitee.participant_id: invitee
        for invitee in meeting.invitees.select_related("participant")
    }
    people = {invitee.participant_id: invitee.participant for invitee in invitees.values()}
    if recorded:
        for person in Participant.objects.filter(pk__in=recorded):
            people[person.pk] = person
    rows = []
    for pk, person in sorted(people.items(), key=lambda item: item[1].preferred_name.lower()):
        row = recorded.get(pk)
        answer = invitees[pk].answer if pk in invitees else ""
        rows.append(
            {
                "participant": person,
                "answer": answer,
                "attended": row is not None if recorded else answer == Invitee.Answer.YES,
                "minutes": row.minutes if row else meeting.minutes,
                "preparation_minutes": row.preparation_minutes if row else 0,
            }
        )
    return rows


def project_people_for_meetings(project: Project) -> QuerySet[Participant]:
    """Return the people who can lead agenda items or own actions: not those who left."""
    still_in = ProjectMembership.objects.filter(
        participant=OuterRef("pk"), project=project
    ).exclude(status=ProjectMembership.Status.LEFT)
    return Participant.objects.filter(Exists(still_in), erased_at__isnull=True).order_by(
        "preferred_name"
    )


def open_actions_for(user) -> QuerySet[MeetingAction]:
    """Return actions the person owns and has not finished, as a member or as staff."""
    if not user.is_authenticated:
        return MeetingAction.objects.none()
    return (
        MeetingAction.objects.filter(
            Q(owner_user=user) | Q(owner_participant__user=user), done_at__isnull=True
        )
        .exclude(meeting__status=Meeting.Status.CANCELLED)
        .select_related("meeting__project", "owner_participant", "owner_user")
        .order_by("due_on", "pk")
    )


def attendance_for_meeting(meeting: Meeting) -> QuerySet[Attendance]:
    """Return the attendance rows of a meeting: the source payment claims read."""
    return meeting.attendance.select_related("participant").order_by("participant__preferred_name")
