import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from coprod.accounts.models import Organisation, User
from projects.models import FunderGrant, Project


@transaction.atomic
def project_create(
    *, organisation: Organisation, by: User | None, title: str, summary: str
) -> Project:
    """Create a project in an organisation."""
    project = Project(
        organisation=organisation, created_by=by, title=title.strip(), summary=summary.strip()
    )
    project.full_clean()
    project.save()
    return project


@transaction.atomic
def project_update(*, project: Project, by: User | None, title: str, summary: str) -> Project:
    """Change a project's title and summary."""
    project.title = title.strip()
    project.summary = summary.strip()
    project.full_clean()
    project.save(update_fields=["title", "summary", "updated_at"])
    return project


@transaction.atomic
def funder_grant_create(
    *, project: Project, user: User, by: User | None, expires_on: datetime.date
) -> FunderGrant:
    """Let a funder read one project's reports until a date; replaces any open grant."""
    if expires_on < timezone.localdate():
        raise ValidationError({"expires_on": "The end date has already passed."})
    FunderGrant.objects.select_for_update().filter(
        project=project, user=user, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    return FunderGrant.objects.create(
        project=project, user=user, granted_by=by, expires_on=expires_on
    )
