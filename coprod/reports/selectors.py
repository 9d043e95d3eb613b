"""Reads for the report pages that are not figures: funders' access, and whose reports
a person may read.

The figures themselves are in coprod/reports/figures/.
"""

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from coprod.accounts.selectors import organisation_ids_for
from coprod.reports.models import FunderGrant
from participants.models import ProjectMembership
from projects.models import Project


def funder_grants_open(
    grants: QuerySet[FunderGrant], *, today: datetime.date | None = None
) -> QuerySet[FunderGrant]:
    """Of these grants, those a funder can still use: not revoked, and not past their last day."""
    return grants.filter(revoked_at__isnull=True, expires_on__gte=today or timezone.localdate())


def funder_grants_ended(
    grants: QuerySet[FunderGrant], *, today: datetime.date | None = None
) -> QuerySet[FunderGrant]:
    """Of these grants, those that have ended: revoked, or past their last day.

    A grant replaced by a newer, open one for the same funder and project
    (more time given) has not ended: the funder can still read the reports.
    """
    today = today or timezone.localdate()
    still_open = funder_grants_open(
        FunderGrant.objects.filter(user=OuterRef("user"), project=OuterRef("project")), today=today
    )
    return grants.filter(Q(revoked_at__isnull=False) | Q(expires_on__lt=today)).exclude(
        Exists(still_open)
    )


def active_funder_grants(user) -> QuerySet[FunderGrant]:
    """Return the user's funder grants that are neither revoked nor expired today."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return FunderGrant.objects.none()
    return FunderGrant.objects.filter(
        user=user, revoked_at__isnull=True, expires_on__gte=timezone.localdate()
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
        | Q(pk__in=ProjectMembership.objects.filter(participant__user=user).values("project_id"))
    )
