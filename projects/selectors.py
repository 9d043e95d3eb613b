from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from coprod.accounts.selectors import organisation_ids_for
from projects.models import FunderGrant, Project


def active_funder_grants(user) -> QuerySet[FunderGrant]:
    """Return the user's funder grants that are neither revoked nor expired today."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return FunderGrant.objects.none()
    return FunderGrant.objects.filter(
        user=user, revoked_at__isnull=True, expires_on__gte=timezone.localdate()
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


def projects_reportable_by(user) -> QuerySet[Project]:
    """Return the projects whose reports this person may read.

    Matches the rule reports.view_project_report.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Project.objects.none()
    return Project.objects.filter(
        Q(organisation_id__in=organisation_ids_for(user))
        | Q(pk__in=active_funder_grants(user).values("project_id"))
    )


def project_get_visible(user, pk) -> Project:
    """Return one project the person may open, or raise Http404 as if it did not exist."""
    return get_object_or_404(projects_visible_to(user).select_related("organisation"), pk=pk)


def project_list_for_dashboard(user) -> QuerySet[Project]:
    """Return the staff member's projects with the counts the dashboard shows."""
    return (
        Project.objects.filter(organisation_id__in=organisation_ids_for(user))
        .select_related("organisation")
        .annotate(
            active_members=Count(
                "memberships", filter=Q(memberships__status="active"), distinct=True
            )
        )
    )
