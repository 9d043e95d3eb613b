"""Reads about meetings: who sees which, what is late, what clashes, what is next."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    prefetch_related_objects,
)
from django.shortcuts import get_object_or_404
from django.utils import timezone

from participants.models import Participant, ProjectMembership
from participants.selectors import participants_with_needs_visible_to
from projects.meetings.times import in_zone, slot_label, slots_touched
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


def _meeting_page_queryset(*, with_project: bool = True) -> QuerySet[Meeting]:
    related = ("project__organisation", "venue") if with_project else ("venue",)
    return Meeting.objects.select_related(*related).prefetch_related(
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
    """Return a meeting of a project the person can already see, or raise Http404.

    The meeting takes the project it was found in, already read, rather than
    reading the project and its organisation again.
    """
    meeting = get_object_or_404(_meeting_page_queryset(with_project=False), project=project, pk=pk)
    meeting.project = project
    return meeting


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


# What the member home's meeting card (projects/includes/meeting_card.html) reads;
# selecting every column of the project and organisation cost more than the query
# (issue 18). A field the card starts to show must be added here.
NEXT_MEETING_CARD_FIELDS = (
    "answer",
    "meeting__title",
    "meeting__starts_at",
    "meeting__ends_at",
    "meeting__format",
    "meeting__online_link",
    "meeting__dial_in",
    "meeting__joining_help",
    "meeting__project__title",
    "meeting__project__organisation__timezone",
    "meeting__venue__name",
    "meeting__venue__address",
    "meeting__venue__getting_there",
)


def next_meeting_for_member(user) -> tuple[Meeting, Invitee] | None:
    """Return the member's next meeting that is going ahead, with their invitation.

    One query finds both, starting from the person's own invitations (the same
    meetings as `_member_meetings`: invited, and not left the project); the
    card's agenda and papers follow in one query each.
    """
    if not getattr(user, "is_authenticated", False):
        return None
    left_project = ProjectMembership.objects.filter(
        project=OuterRef("meeting__project"),
        participant__user=user,
        status=ProjectMembership.Status.LEFT,
    )
    invitee = (
        Invitee.objects.filter(
            participant__user=user,
            meeting__status=Meeting.Status.SCHEDULED,
            meeting__ends_at__gt=timezone.now(),
        )
        .exclude(Exists(left_project))
        .select_related("meeting__project__organisation", "meeting__venue")
        .only(*NEXT_MEETING_CARD_FIELDS)
        .order_by("meeting__starts_at", "meeting_id")
        .first()
    )
    if invitee is None:
        return None
    meeting = invitee.meeting
    # For one meeting, its own order; the models' default order joins the meeting again.
    prefetch_related_objects(
        [meeting],
        Prefetch(
            "agenda",
            queryset=AgendaItem.objects.only("meeting", "title").order_by("position", "pk"),
        ),
        Prefetch(
            "papers",
            queryset=MeetingPaper.objects.filter(removed_at__isnull=True)
            .only("meeting", "title")
            .order_by("created_at", "pk"),
        ),
    )
    return meeting, invitee


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


# --- Who a warning is about ------------------------------------------------------------


@dataclass(frozen=True)
class People:
    """Who a warning is about: the names this viewer may see, and how many more there are.

    Names come with someone's communication needs, so they go only to people
    who pass `participants.view_communication_needs` for that person; anyone
    else running the meeting (a co-lead, a coordinator not named on the
    project) learns how many, not who.
    """

    names: list[str] = field(default_factory=list)
    others: int = 0
    # The people behind `names`, for the access log (`participants.services.
    # communication_needs_read_many`); not part of what the warning says.
    named: list[Participant] = field(default_factory=list, compare=False, repr=False)

    @property
    def count(self) -> int:
        return len(self.names) + self.others

    def __bool__(self) -> bool:
        return self.count > 0

    def __str__(self) -> str:
        """In plain words: "Jo and Sam", "Jo and 1 other person", "2 people"."""
        if not self.names:
            return _people(self.others)
        if not self.others:
            return _and(self.names)
        return _and([*self.names, _people(self.others, other=True)])


class Lines(list):
    """Warning lines (a list of str), with `named`: the people the lines name, for the log."""

    def __init__(self, lines: Sequence[str] = (), named: Sequence[Participant] = ()) -> None:
        super().__init__(lines)
        self.named = list(named)


def _people(count: int, *, other: bool = False) -> str:
    word = "person" if count == 1 else "people"
    return f"{count} {'other ' if other else ''}{word}"


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _named(viewer, path: str = "participant"):
    """An annotation: may the viewer see this person's communication needs (and so their name)?"""
    if viewer is None or not viewer.is_authenticated:
        return Value(False, output_field=BooleanField())
    lookup = f"{path}__in" if path else "pk__in"
    return ExpressionWrapper(
        Q(**{lookup: participants_with_needs_visible_to(viewer)}), output_field=BooleanField()
    )


# --- Papers out on time ---------------------------------------------------------------


@dataclass(frozen=True)
class PapersDue:
    out_by: datetime.date
    days: int
    # The people who need them earliest (when that is earlier than the usual notice).
    who: People


def papers_due(meeting: Meeting, *, viewer=None) -> PapersDue:
    """Return the date papers must go out: the earliest any invitee needs them.

    The organisation's default applies to everyone who has not said; the
    largest "papers N days before" among invitees wins. Names are given only
    for people whose needs the viewer may see (none without a viewer).
    """
    zone = meeting.project.organisation.zone
    default = meeting.project.organisation.papers_days_default
    needs = [
        (invitee.participant, invitee.named)
        for invitee in meeting.invitees.exclude(answer=Invitee.Answer.NO)
        .filter(participant__papers_days_ahead__isnull=False)
        .select_related("participant")
        .annotate(named=_named(viewer))
    ]
    # papers_days_ahead is never null here (filtered above): `or 0` only tells mypy.
    days = max([default, *(person.papers_days_ahead or 0 for person, _ in needs)])
    earliest = [
        (person, named)
        for person, named in needs
        if person.papers_days_ahead == days and days > default
    ]
    shown = sorted((person for person, named in earliest if named), key=_by_name)
    who = People(
        names=[person.preferred_name for person in shown],
        others=sum(1 for _, named in earliest if not named),
        named=shown,
    )
    out_by = in_zone(meeting.starts_at, zone).date() - datetime.timedelta(days=days)
    return PapersDue(out_by=out_by, days=days, who=who)


def late_papers(meeting: Meeting, *, viewer=None, today: datetime.date | None = None) -> People:
    """Return the invitees for whom the papers are late (or already too late).

    Papers count as out when they were marked ready; until then, each person
    whose "days before" has passed is late. Named only for a viewer who may
    see that person's needs; everyone else is counted.
    """
    zone = meeting.project.organisation.zone
    default = meeting.project.organisation.papers_days_default
    today = today or timezone.localdate(timezone=zone)
    sent_on = in_zone(meeting.papers_ready_at, zone).date() if meeting.papers_ready_at else None
    meeting_day = in_zone(meeting.starts_at, zone).date()
    named, others = [], 0
    invitees = (
        meeting.invitees.exclude(answer=Invitee.Answer.NO)
        .select_related("participant")
        .annotate(named=_named(viewer))
    )
    for invitee in invitees:
        days = invitee.participant.papers_days_ahead
        deadline = meeting_day - datetime.timedelta(days=days if days is not None else default)
        if (sent_on or today) > deadline:
            if invitee.named:
                named.append(invitee.participant)
            else:
                others += 1
    named.sort(key=_by_name)
    return People(names=[person.preferred_name for person in named], others=others, named=named)


def _by_name(person: Participant) -> str:
    return person.preferred_name


def papers_too_soon(project: Project, starts_at: datetime.datetime, *, viewer=None) -> Lines:
    """Return a warning per need that a meeting at this time leaves no time to meet.

    Active members who said how many days before they need papers are named
    to a viewer who may see their needs, and counted for anyone else; the
    organisation's usual notice covers everyone else.
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
        .annotate(named=_named(viewer, path=""))
        .order_by("preferred_name")
        .only("preferred_name", "papers_days_ahead", "user")
    )
    hidden, shown = 0, []
    for person in needs:
        if person.named:
            lines.append(
                f"{person.preferred_name} needs papers {person.papers_days_ahead} days before, "
                "so they would get them late."
            )
            shown.append(person)
        else:
            hidden += 1
    if hidden:
        lines.append(
            f"{_people(hidden, other=bool(shown))} "
            f"{'needs' if hidden == 1 else 'need'} papers more than {days_left} "
            f"day{'s' if days_left != 1 else ''} before, so they would get them late."
        )
    return Lines(lines, named=shown)


# --- Clashes with the times people said suit them ------------------------------------------


def time_clashes(
    project: Project, starts_at: datetime.datetime, ends_at: datetime.datetime, *, viewer=None
) -> Lines:
    """Return a line per active member whose stated meeting times do not cover this time.

    Named to a viewer who may see that person's needs; for anyone else, one
    line says how many people it does not suit.
    """
    zone = project.organisation.zone
    needed = slots_touched(starts_at, ends_at, zone)
    people = (
        Participant.objects.filter(
            memberships__project=project, memberships__status=ProjectMembership.Status.ACTIVE
        )
        .exclude(meeting_times=[])
        .annotate(named=_named(viewer, path=""))
        .order_by("preferred_name")
    )
    lines, hidden, shown = [], 0, []
    for person in people:
        if needed <= set(person.meeting_times):
            continue
        if person.named:
            suits = ", ".join(slot_label(code) for code in person.meeting_times)
            lines.append(f"{person.preferred_name} said {suits} suit them.")
            shown.append(person)
        else:
            hidden += 1
    if hidden:
        lines.append(f"{_people(hidden, other=bool(lines))} said this time may not suit them.")
    return Lines(lines, named=shown)


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


# What a list of someone's own actions shows (projects/includes/action_list.html).
ACTION_LIST_FIELDS = (
    "description",
    "due_on",
    "meeting__title",
    "meeting__project_id",
    "meeting__project__title",
)


def open_actions_for(user) -> QuerySet[MeetingAction]:
    """Return actions the person owns and has not finished, as a member or as staff.

    Only the columns the action list shows are read: the owner is the person asking.
    """
    if not user.is_authenticated:
        return MeetingAction.objects.none()
    return (
        MeetingAction.objects.filter(
            Q(owner_user=user) | Q(owner_participant__user=user), done_at__isnull=True
        )
        .exclude(meeting__status=Meeting.Status.CANCELLED)
        .select_related("meeting__project")
        .only(*ACTION_LIST_FIELDS)
        .order_by("due_on", "pk")
    )


def attendance_for_meeting(meeting: Meeting) -> QuerySet[Attendance]:
    """Return the attendance rows of a meeting: the source payment claims read."""
    return meeting.attendance.select_related("participant").order_by("participant__preferred_name")
