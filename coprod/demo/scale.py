"""A large, realistic organisation for measuring reports: seed_scale, make bench, query tests.

Members join over the months, some take a break or leave, a few hold roles;
each project meets twice a month in person, online or hybrid, invites its members,
and about half come. Time is claimed and paid (cash, vouchers with a reason,
or nothing), some expenses too, and members' contributions get answers and
updates, on time or late. Everything is written with bulk inserts so ten
thousand members take a minute or so, not an hour, and one project at a time,
so memory does not grow with the number of members.

Rows are made directly, not through the services: this is measurement data,
and the services' one-at-a-time checks would take hours at this size. The
rows keep every database constraint the services keep.
"""

import contextlib
import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from coprod.accounts.models import Organisation
from coprod.notifications.services import reminder_rules_seed
from coprod.reports.totals import totals_recompute
from participants.models import Participant, ProjectMembership, ProjectRole
from payments.models import Claim, LedgerEntry, PaymentChoice
from projects.models import (
    Attendance,
    Contribution,
    ContributionEvent,
    Endorsement,
    Invitee,
    LadderAssessment,
    Meeting,
    Project,
    Rung,
    Value,
    ValueVersion,
)
from projects.services import PROJECT_CREATED_LISTENERS

BATCH = 2000
RATE_PENCE = 1360  # the seed uses one hourly rate; reports read amounts, not rates
FORMATS = ["in_person", "online", "hybrid"]


@dataclass
class Grown:
    organisation: Organisation
    projects: list[Project]
    members: int
    meetings: int
    ledger_entries: int


@contextlib.contextmanager
def historic_dates(*models):
    """Let bulk inserts keep the created_at we give (the past), not the moment of insert."""
    fields = [model._meta.get_field("created_at") for model in models]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f in fields:
            f.auto_now_add = True


def _moment(day: datetime.date, zone, hour=10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=zone)


@transaction.atomic
def grow(
    *,
    organisation: Organisation,
    members: int,
    projects: int = 1,
    months: int = 24,
    seed: int = 1,
    now: datetime.datetime | None = None,
    title: str = "Scale project",
) -> Grown:
    """Add `projects` projects sharing `members` members, with `months` of history up to now.

    One project at a time, each with its own random stream, so memory stays
    that of one project (about 100 members and their two years) however many
    members there are: 100,000 need no more than 1,000.
    """
    now = now or timezone.now()
    roles = {role.name: role for role in ProjectRole.objects.filter(organisation=organisation)}
    power_roles = [roles[name] for name in ("Co-lead", "Chair", "Peer researcher") if name in roles]
    first_day = timezone.localdate(now, timezone=organisation.zone) - datetime.timedelta(
        days=months * 30
    )
    new_projects = Project.objects.bulk_create(
        Project(
            organisation=organisation,
            title=f"{title} {n + 1}",
            status=Project.Status.ACTIVE,
            start_date=first_day,
        )
        for n in range(projects)
    )
    meetings = ledger = 0
    with historic_dates(ProjectMembership, Contribution, ContributionEvent, LadderAssessment):
        for n, project in enumerate(new_projects):
            # What project_create gives every project: its reminder rules, and what
            # other apps add (the payment policy).
            reminder_rules_seed(project=project)
            for listener in PROJECT_CREATED_LISTENERS:
                listener(project=project)
            made = _grow_project(
                project,
                numbers=range(n, members, projects),  # "Member 1", "Member 2"... in turn
                power_roles=power_roles,
                rng=random.Random(f"{seed}:{n}"),
                months=months,
                now=now,
            )
            meetings, ledger = meetings + made[0], ledger + made[1]
            # The rows went in without the services, so count the stored totals from them.
            totals_recompute([project.pk])
    return Grown(organisation, new_projects, members, meetings, ledger)


def _grow_project(project, *, numbers, power_roles, rng, months, now) -> tuple[int, int]:
    """One project's members and history; return how many meetings and ledger entries."""
    organisation = project.organisation
    zone = organisation.zone
    today = timezone.localdate(now, timezone=zone)
    first_day = today - datetime.timedelta(days=months * 30)
    people = Participant.objects.bulk_create(
        (
            Participant(
                organisation=organisation,
                preferred_name=f"Member {n + 1}",
                self_description="Described in my own words." if rng.random() < 0.3 else "",
                papers_days_ahead=rng.choice([None, None, None, 10, 14]),
            )
            for n in numbers
        ),
        batch_size=BATCH,
    )
    choices = []
    for person in people:
        method = rng.choices(["cash", "vouchers", "none", "expenses_only"], [70, 15, 10, 5])[0]
        choices.append(
            PaymentChoice(
                participant=person,
                method=method,
                voucher_reason="Cash would affect their benefits." if method == "vouchers" else "",
            )
        )
    PaymentChoice.objects.bulk_create(choices, batch_size=BATCH)
    method_of = {c.participant_id: c.method for c in choices}

    memberships = []
    for person in people:
        joined = first_day + datetime.timedelta(days=rng.randrange(months * 30))
        status = rng.choices(["active", "on_break", "left"], [80, 10, 10])[0]
        memberships.append(
            ProjectMembership(
                participant=person,
                project=project,
                status=status,
                status_changed_on=None if status == "active" else today,
                created_at=_moment(joined, zone),
            )
        )
    ProjectMembership.objects.bulk_create(memberships, batch_size=BATCH)
    Through = ProjectMembership.roles.through
    Through.objects.bulk_create(
        (
            Through(projectmembership_id=m.pk, projectrole_id=rng.choice(power_roles).pk)
            for m in memberships
            if power_roles and rng.random() < 0.08
        ),
        batch_size=BATCH,
    )

    meetings = []
    for n in range(months * 2):  # twice a month
        day = first_day + datetime.timedelta(days=n * 15 + 7)
        if day >= today:
            break
        starts = _moment(day, zone)
        meetings.append(
            Meeting(
                project=project,
                title=f"Meeting {n + 1}",
                starts_at=starts,
                ends_at=starts + datetime.timedelta(hours=2),
                format=FORMATS[n % 3],
                online_link="https://meet.example.org/room"
                if FORMATS[n % 3] != "in_person"
                else "",
                status="cancelled" if rng.random() < 0.05 else "scheduled",
                papers_ready_at=starts - datetime.timedelta(days=rng.choice([3, 8, 15])),
            )
        )
    Meeting.objects.bulk_create(meetings, batch_size=BATCH)
    ledger = 0
    for meeting in meetings:
        invitees, attendance = [], []
        meeting_day = meeting.starts_at.date()
        for m in memberships:
            if m.created_at.date() > meeting_day:
                continue
            invitees.append(Invitee(meeting=meeting, participant_id=m.participant_id))
            if meeting.status == "scheduled" and rng.random() < 0.5:
                attendance.append(
                    Attendance(
                        meeting=meeting,
                        participant_id=m.participant_id,
                        minutes=120,
                        preparation_minutes=rng.choice([0, 30, 60]),
                    )
                )
        Invitee.objects.bulk_create(invitees, batch_size=BATCH)
        Attendance.objects.bulk_create(attendance, batch_size=BATCH)
        ledger += _pay(attendance, project, method_of, rng, today)
    _follow_up(project, meetings, memberships, rng, zone, now, first_day, months)
    _values([project], {project.pk: memberships}, rng)
    return len(meetings), ledger


def _pay(attendance, project, method_of, rng, today) -> int:
    """Claims for one meeting's attendance, and their ledger entries; return how many entries."""
    organisation = project.organisation
    claims = []
    for row in attendance:
        method = method_of[row.participant_id]
        work_date = row.meeting.starts_at.date()
        if method in ("cash", "vouchers"):
            paid_on = work_date + datetime.timedelta(days=rng.choice([3, 5, 7, 10, 21]))
            paid = paid_on <= today
            claims.append(
                Claim(
                    participant_id=row.participant_id,
                    project_id=project.pk,
                    kind=Claim.Kind.TIME,
                    attendance=row,
                    work_date=work_date,
                    minutes=row.minutes + row.preparation_minutes,
                    rate_pence=RATE_PENCE,
                    amount_pence=RATE_PENCE * (row.minutes + row.preparation_minutes) // 60,
                    status=Claim.Status.PAID if paid else Claim.Status.APPROVED,
                    method=method,
                    voucher_reason="Cash would affect their benefits."
                    if method == "vouchers"
                    else "",
                    paid_on=paid_on if paid else None,
                )
            )
        if method != "none" and rng.random() < 0.1:
            claims.append(
                Claim(
                    participant_id=row.participant_id,
                    project_id=project.pk,
                    kind=Claim.Kind.EXPENSE,
                    expense="travel",
                    description="Bus fare",
                    work_date=work_date,
                    amount_pence=rng.choice([350, 480, 620]),
                    status=Claim.Status.PAID,
                    method="cash" if method == "expenses_only" else method,
                    paid_on=work_date + datetime.timedelta(days=7),
                )
            )
    Claim.objects.bulk_create(claims, batch_size=BATCH)
    ledger = []
    for claim in claims:
        common = {
            "claim": claim,
            "organisation": organisation,
            "project_id": claim.project_id,
            "participant_id": claim.participant_id,
            "amount_pence": claim.amount_pence,
            "method": claim.method,
            "rate_pence": claim.rate_pence,
            "minutes": claim.minutes,
            "work_date": claim.work_date,
        }
        ledger.append(LedgerEntry(kind=LedgerEntry.Kind.APPROVED, **common))
        if claim.status == Claim.Status.PAID:
            ledger.append(LedgerEntry(kind=LedgerEntry.Kind.PAID, reference="BACS", **common))
    LedgerEntry.objects.bulk_create(ledger, batch_size=BATCH)
    return len(ledger)


def _follow_up(project, meetings, memberships, rng, zone, now, first_day, months) -> None:
    """What members said at the meetings, the answers and updates; the ladder views."""
    contributions, events = [], []
    for meeting in meetings:
        if meeting.status != "scheduled" or rng.random() < 0.5:
            continue
        said = _moment(meeting.starts_at.date(), zone, hour=13)
        promised = meeting.starts_at.date() + datetime.timedelta(days=28)
        response = rng.choice(["accepted", "in_progress", "not_possible", "waiting"])
        contributions.append(
            Contribution(
                project_id=meeting.project_id,
                meeting=meeting,
                said="Members asked for clearer letters.",
                response=response,
                reason="There is no budget this year." if response == "not_possible" else "",
                promised_update_on=None if response == "waiting" else promised,
                created_at=said,
            )
        )
    Contribution.objects.bulk_create(contributions, batch_size=BATCH)
    for c in contributions:
        events.append(
            ContributionEvent(
                contribution=c, kind="recorded", response="waiting", created_at=c.created_at
            )
        )
        if c.response == "waiting":
            continue
        answered = c.created_at + datetime.timedelta(days=2)
        events.append(
            ContributionEvent(
                contribution=c,
                kind="responded",
                response=c.response,
                promised_update_on=c.promised_update_on,
                created_at=answered,
            )
        )
        late = rng.choice([-7, 5, None])
        if late is not None:
            assert c.promised_update_on is not None  # only "waiting" has none
            update = _moment(c.promised_update_on + datetime.timedelta(days=late), zone)
            if update <= now:
                events.append(
                    ContributionEvent(
                        contribution=c,
                        kind="update",
                        response=c.response,
                        text="Here is what happened.",
                        created_at=update,
                    )
                )
    ContributionEvent.objects.bulk_create(events, batch_size=BATCH)

    views = []
    for month in range(0, months, 6):
        views.append(
            LadderAssessment(
                project=project,
                rung=list(Rung)[min(month // 6 + 1, 4)],
                reason="Where we think we are.",
                created_at=_moment(first_day + datetime.timedelta(days=month * 30), zone),
            )
        )
    for m in memberships[:: max(len(memberships) // 20, 1)]:
        views.append(
            LadderAssessment(
                project=project,
                participant_id=m.participant_id,
                rung=rng.choice(list(Rung)),
                reason="How it feels to me.",
                created_at=m.created_at + datetime.timedelta(days=30),
            )
        )
    LadderAssessment.objects.bulk_create(views, batch_size=BATCH)


def _values(projects, by_project, rng):
    for project in projects:
        for title in ("Nothing about us without us", "Pay people fairly", "Plain words"):
            value = Value.objects.create(
                project=project, status=Value.Status.AGREED, agreed_on=project.start_date
            )
            version = ValueVersion.objects.create(
                value=value, number=1, title=title, meaning="What it means for us."
            )
            value.current_version = version
            value.save(update_fields=["current_version"])
            Endorsement.objects.bulk_create(
                (
                    Endorsement(version=version, participant_id=m.participant_id)
                    for m in by_project[project.pk]
                    if rng.random() < 0.6
                ),
                batch_size=BATCH,
            )
