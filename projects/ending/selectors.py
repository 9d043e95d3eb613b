"""Reading what a project achieved: milestones, credits, and what changed because members spoke."""

from dataclasses import dataclass

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from participants.models import Participant, ProjectMembership
from projects.models import Contribution, Milestone, Project, PublicPage


@dataclass
class Credits:
    named: list[str]  # as each person chose, sorted
    others: int  # people who chose not to be named

    @property
    def line(self) -> str:
        parts = list(self.named)
        if self.others:
            parts.append(f"{self.others} {'other person' if self.others == 1 else 'others'}")
        if len(parts) <= 1:
            return "".join(parts)
        return ", ".join(parts[:-1]) + " and " + parts[-1]


def _credits(people) -> Credits:
    named = sorted(
        {p.credited_name() for p in people if p.credit_as != Participant.Credit.ANONYMOUS}
    )
    others = sum(1 for p in people if p.credit_as == Participant.Credit.ANONYMOUS)
    return Credits(named=named, others=others)


def milestones_for(project: Project) -> list[tuple[Milestone, Credits]]:
    """The project's milestones, newest first, each with its credits (two queries)."""
    milestones = Milestone.objects.filter(project=project).prefetch_related(
        Prefetch("credited", queryset=Participant.objects.order_by("pk"))
    )
    return [(m, _credits(list(m.credited.all()))) for m in milestones]


def project_credits(project: Project) -> Credits:
    """Everyone who took part in the project, named as they chose (people who left too)."""
    people = Participant.objects.filter(
        pk__in=ProjectMembership.objects.filter(project=project).values("participant_id")
    )
    return _credits(list(people))


def changes_made(project: Project) -> list[Contribution]:
    """What members said that the organisation did: "you said, we did"."""
    return list(
        Contribution.objects.filter(project=project, response=Contribution.Response.DONE).order_by(
            "-updated_at", "-pk"
        )
    )


def public_page_get(slug: str) -> PublicPage:
    """A published page by its address; anything else is not found."""
    return get_object_or_404(
        PublicPage.objects.select_related("project__organisation"),
        slug=slug,
        published_at__isnull=False,
    )
