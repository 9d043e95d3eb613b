"""A person's record of contribution: what they did with the organisation, for their CV.

Read from the rows the work left (places and roles, attendance, points they
raised and what came of them, milestones they were credited for), never typed
in again. A coordinator's sign-off vouches for the record as it stood that
day; the PDF says when it was made and who signed it off.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Sum
from django.utils import timezone

from participants.models import Participant, ProjectMembership, ProjectRole
from projects.models import Attendance, Contribution, Milestone, MilestoneKind, RecordSignOff

# Answers to a point that mean it changed something.
CHANGED = (
    Contribution.Response.ACCEPTED,
    Contribution.Response.IN_PROGRESS,
    Contribution.Response.DONE,
)


@dataclass
class Point:
    said: str
    answer: str
    changed: bool
    on: datetime.date


@dataclass
class ProjectPart:
    title: str
    status: str
    joined_on: datetime.date
    roles: list[str]
    meetings: int = 0
    minutes: int = 0
    points: list[Point] = field(default_factory=list)
    milestones: list[str] = field(default_factory=list)

    @property
    def hours(self) -> str:
        return hours_text(self.minutes)


@dataclass
class Record:
    name: str
    organisation: str
    made_on: datetime.date
    projects: list[ProjectPart]
    training: list[str]
    sign_off: RecordSignOff | None

    @property
    def meetings(self) -> int:
        return sum(part.meetings for part in self.projects)

    @property
    def hours(self) -> str:
        return hours_text(sum(part.minutes for part in self.projects))

    @property
    def points(self) -> int:
        return sum(len(part.points) for part in self.projects)

    @property
    def changes(self) -> int:
        return sum(1 for part in self.projects for point in part.points if point.changed)


def hours_text(minutes: int) -> str:
    """Whole and half hours, rounded down to the half hour: never more than was done."""
    halves = minutes // 30
    whole, half = divmod(halves, 2)
    if half:
        return f"{whole}.5 hours"
    return "1 hour" if whole == 1 else f"{whole} hours"


def record_of(participant: Participant, *, today: datetime.date | None = None) -> Record:
    """The person's record across their projects in this organisation (six queries)."""
    today = today or timezone.localdate()
    memberships = (
        ProjectMembership.objects.filter(participant=participant)
        .select_related("project")
        .prefetch_related(Prefetch("roles", queryset=ProjectRole.objects.order_by("name")))
        .order_by("created_at", "pk")
    )
    attended: dict[int, dict] = {
        row["meeting__project_id"]: dict(row)
        for row in Attendance.objects.filter(participant=participant)
        .values("meeting__project_id")
        .annotate(
            meetings=Count("pk"),
            minutes=Sum("minutes"),
            preparing=Sum("preparation_minutes"),
        )
    }
    points: dict[int, list[Point]] = {}
    for contribution in Contribution.objects.filter(raised_by=participant).order_by(
        "created_at", "pk"
    ):
        points.setdefault(contribution.project_id, []).append(
            Point(
                said=contribution.said,
                answer=contribution.get_response_display(),
                changed=contribution.response in CHANGED,
                on=timezone.localdate(contribution.created_at),
            )
        )
    milestones: dict[int, list[str]] = {}
    training = []
    for milestone in Milestone.objects.filter(credited=participant).order_by("happened_on", "pk"):
        line = f"{milestone.title} ({milestone.happened_on:%B %Y})"
        if milestone.kind == MilestoneKind.TRAINING:
            training.append(line)
        else:
            milestones.setdefault(milestone.project_id, []).append(line)
    parts = []
    for membership in memberships:
        project = membership.project
        done = attended.get(project.pk, {})
        parts.append(
            ProjectPart(
                title=project.title,
                status=membership.get_status_display(),
                joined_on=timezone.localdate(membership.created_at),
                roles=[role.name for role in membership.roles.all()],
                meetings=done.get("meetings", 0),
                minutes=(done.get("minutes") or 0) + (done.get("preparing") or 0),
                points=points.get(project.pk, []),
                milestones=milestones.get(project.pk, []),
            )
        )
    return Record(
        name=(participant.full_name or participant.preferred_name).strip(),
        organisation=participant.organisation.name,
        made_on=today,
        projects=parts,
        training=training,
        sign_off=RecordSignOff.objects.filter(participant=participant).first(),
    )
