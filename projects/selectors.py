from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from coprod.accounts.selectors import organisation_ids_for
from participants.models import ProjectMembership
from projects.models import (
    Endorsement,
    LadderAssessment,
    Project,
    Rung,
    Value,
    ValueVersion,
)


def projects_visible_to(user) -> QuerySet[Project]:
    """Return the projects whose pages this person may open (rule: projects.view_project).

    Staff of the project's organisation, and the project's own members. Funders
    are not here: they read reports, never project pages.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Project.objects.none()
    return Project.objects.filter(
        Q(organisation_id__in=organisation_ids_for(user))
        | Q(pk__in=Project.objects.filter(memberships__participant__user=user).values("pk"))
    )


def project_get_visible(user, pk) -> Project:
    """Return one project the person may open, or raise Http404 as if it did not exist."""
    return get_object_or_404(projects_visible_to(user).select_related("organisation"), pk=pk)


# The dashboard shows this many projects; the rest are a link away, a page at a time.
DASHBOARD_PROJECTS = 10


def project_list_for_dashboard(user) -> QuerySet[Project]:
    """Return the staff member's projects, the ones they coordinate first, with the counts shown.

    Each count is a subquery, so a page of projects counts only its own
    members, however many projects the organisations run.
    """
    active = (
        ProjectMembership.objects.filter(
            project=OuterRef("pk"), status=ProjectMembership.Status.ACTIVE
        )
        .order_by()
        .values("project")
        .annotate(n=Count("pk"))
        .values("n")
    )
    coordinates = Project.coordinators.through.objects.filter(project=OuterRef("pk"), user=user)
    return (
        Project.objects.filter(organisation_id__in=organisation_ids_for(user))
        .select_related("organisation", "current_phase")
        .annotate(
            active_members=Coalesce(Subquery(active), 0),
            coordinated=Exists(coordinates),
        )
        .order_by("-coordinated", "title", "pk")
    )


def project_count_for_dashboard(user) -> int:
    """Return how many projects the staff member's organisations run."""
    return Project.objects.filter(organisation_id__in=organisation_ids_for(user)).count()


def membership_in_project(user, project):
    """Return the user's place in the project (with its person and roles), or None.

    Read once per user object and project: the project rules ask it several
    times a request, and the page asks it again for the person.
    """
    if not getattr(user, "is_authenticated", False):
        return None
    # getattr and setattr, not __dict__: they reach through request.user's lazy
    # wrapper, so the rules (handed the user itself) and the view share one cache.
    cache = getattr(user, "_coprod_memberships", None)
    if cache is None:
        cache = user._coprod_memberships = {}
    if project.pk not in cache:
        cache[project.pk] = (
            project.memberships.filter(participant__user=user)
            .select_related("participant")
            .prefetch_related("roles")
            .first()
        )
    return cache[project.pk]


def participant_in_project(user, project):
    """Return the user's participant profile if they have a place in the project."""
    membership = membership_in_project(user, project)
    return membership.participant if membership else None


def values_for_project(project, *, participant=None):
    """Return the project's values with their current wording, endorsement counts,
    and whether `participant` endorses each one's current wording."""

    values = list(
        Value.objects.filter(project=project)
        .select_related("current_version")
        .annotate(endorsement_count=Count("current_version__endorsements", distinct=True))
        .order_by("created_at", "pk")
    )
    endorsed = set()
    if participant is not None:
        endorsed = set(
            Endorsement.objects.filter(
                participant=participant, version_id__in=[v.current_version_id for v in values]
            ).values_list("version_id", flat=True)
        )
    for value in values:
        value.project = project  # the permission checks per value need it: no query each
        value.endorsed_by_me = value.current_version_id in endorsed
    return {
        "agreed": [v for v in values if v.status == Value.Status.AGREED],
        "proposed": [v for v in values if v.status == Value.Status.PROPOSED],
        "retired": [v for v in values if v.status == Value.Status.RETIRED],
    }


def value_histories(project):
    """Return {value id: [versions, oldest first]} for the values page."""

    histories: dict[int, list] = {}
    for version in (
        ValueVersion.objects.filter(value__project=project)
        .annotate(endorsement_count=Count("endorsements"))
        .order_by("value_id", "number")
    ):
        histories.setdefault(version.value_id, []).append(version)
    return histories


def ladder_for_project(project):
    """Return the organisation's latest view, members' latest views, and the full history."""

    history = list(
        LadderAssessment.objects.filter(project=project).select_related("author", "participant")
    )
    organisation_view = next((row for row in history if row.participant_id is None), None)
    latest_by_member = {}
    for row in history:  # newest first
        if row.participant_id is not None and row.participant_id not in latest_by_member:
            latest_by_member[row.participant_id] = row
    member_counts: dict[str, int] = {}
    for row in latest_by_member.values():
        member_counts[row.rung] = member_counts.get(row.rung, 0) + 1
    return {
        "organisation_view": organisation_view,
        "member_summary": [
            (rung.label, member_counts[rung]) for rung in Rung if member_counts.get(rung)
        ],
        "member_views": len(latest_by_member),
        "history": history,
    }


# Said by "still wanted?" checks when a message is no longer for someone.
NOT_TAKING_PART = "They are no longer taking part (a break, or they left)."


def takes_part_now(project_id: int, participant_id: int | None) -> bool:
    """Whether the person is taking part in the project now (not on a break, not gone)."""
    if participant_id is None:
        return False
    return ProjectMembership.objects.filter(
        project_id=project_id,
        participant_id=participant_id,
        status=ProjectMembership.Status.ACTIVE,
    ).exists()


def refuse_if_finished(project, what: str) -> None:
    """Raise "This project has finished, so <what>." when it has, read fresh from the database."""
    status = Project.objects.filter(pk=project.pk).values_list("status", flat=True).first()
    if status == Project.Status.FINISHED:
        raise ValidationError(f"This project has finished, so {what}.")
