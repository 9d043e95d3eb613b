"""Giving funders report access, taking it away, and logging every use of a report."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from coprod.accounts.models import Organisation, User
from coprod.accounts.services import user_create
from coprod.fields import check_date_in_bounds
from coprod.notifications.services import notify
from coprod.notifications.timing import at_local_time
from coprod.reports.models import FunderGrant, ReportEvent
from coprod.reports.notifications import REPORT_ACCESS
from coprod.reports.selectors import active_funder_grants
from projects.models import Project


def _event(
    *, kind, user, organisation_id, project=None, grant_id=None, detail="", as_funder=False
) -> ReportEvent:
    """One log row, not yet saved (callers save it or bulk-create several)."""
    return ReportEvent(
        kind=kind,
        user=user,
        user_email=user.email,
        organisation_id=organisation_id,
        project=project,
        grant_id=grant_id,
        detail=detail[:200],
        as_funder=as_funder,
    )


@transaction.atomic
def funder_access_grant(
    *,
    organisation: Organisation,
    by: User,
    email: str,
    name: str = "",
    projects: list[Project],
    expires_on: datetime.date,
) -> list[FunderGrant]:
    """Let a funder read these projects' reports until a date, and tell them by email.

    The funder's account is made if they have none; they sign in by emailed
    code. Giving access again to the same project replaces the old end date.
    """
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": "Enter the funder's email address."}) from None
    if not projects:
        raise ValidationError({"projects": "Choose at least one project."})
    if any(project.organisation_id != organisation.pk for project in projects):
        raise ValidationError({"projects": "Choose projects of your own organisation."})
    if expires_on < timezone.localdate():
        raise ValidationError({"expires_on": "The end date has already passed."})
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = user_create(email=email, display_name=(name or "").strip()[:150])
    elif not user.is_active:
        raise ValidationError({"email": "This account is switched off. Ask us to switch it on."})
    grants = []
    for project in projects:
        grant = funder_grant_create(project=project, user=user, by=by, expires_on=expires_on)
        grants.append(grant)
        notify(
            kind=REPORT_ACCESS,
            about=grant,
            recipient=user,
            project=project,
            due_at=timezone.now(),
            # Telling someone they may read a report is no use once their access has ended.
            expires_at=at_local_time(expires_on + datetime.timedelta(days=1), 0, organisation.zone),
        )
    ReportEvent.objects.bulk_create(
        _event(
            kind=ReportEvent.Kind.GRANTED,
            user=by,
            organisation_id=organisation.pk,
            project=grant.project,
            grant_id=grant.pk,
            detail=f"{user.email} until {expires_on:%d %b %Y}",
        )
        for grant in grants
    )
    return grants


@transaction.atomic
def funder_access_revoke(*, grant: FunderGrant, by: User) -> FunderGrant:
    """End a funder's access to one project now. Ending it twice changes nothing."""
    grant = (
        FunderGrant.objects.select_for_update().select_related("project", "user").get(pk=grant.pk)
    )
    if grant.revoked_at is not None:
        return grant
    grant.revoked_at = timezone.now()
    grant.save(update_fields=["revoked_at", "updated_at"])
    _event(
        kind=ReportEvent.Kind.REVOKED,
        user=by,
        organisation_id=grant.project.organisation_id,
        project=grant.project,
        grant_id=grant.pk,
        detail=grant.user.email,
    ).save()
    return grant


def report_used(*, user: User, kind: str, project: Project, detail: str = "") -> None:
    """Log that someone read a project's report or exported one of its tables."""
    grant_id = (
        active_funder_grants(user).filter(project=project).values_list("pk", flat=True).first()
    )
    _event(
        kind=kind,
        user=user,
        organisation_id=project.organisation_id,
        project=project,
        grant_id=grant_id,
        detail=detail,
        as_funder=grant_id is not None,
    ).save()


def portfolio_read(*, user: User, projects: list[Project]) -> None:
    """Log a read of the portfolio: one row per organisation whose projects it showed."""
    funded = set(active_funder_grants(user).values_list("project_id", flat=True))
    by_organisation: dict[int, list[Project]] = {}
    for project in projects:
        by_organisation.setdefault(project.organisation_id, []).append(project)
    ReportEvent.objects.bulk_create(
        _event(
            kind=ReportEvent.Kind.PORTFOLIO,
            user=user,
            organisation_id=organisation_id,
            detail=f"{len(shown)} project{'' if len(shown) == 1 else 's'}",
            as_funder=any(project.pk in funded for project in shown),
        )
        for organisation_id, shown in by_organisation.items()
    )


@transaction.atomic
def funder_grant_create(
    *, project: Project, user: User, by: User | None, expires_on: datetime.date
) -> FunderGrant:
    """Let a funder read one project's reports until a date; replaces any open grant."""
    check_date_in_bounds(expires_on, "expires_on")
    if expires_on < timezone.localdate():
        raise ValidationError({"expires_on": "The end date has already passed."})
    FunderGrant.objects.select_for_update().filter(
        project=project, user=user, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    return FunderGrant.objects.create(
        project=project, user=user, granted_by=by, expires_on=expires_on
    )
