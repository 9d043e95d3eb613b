from django.core.exceptions import ValidationError
from django.db import transaction

from coprod.accounts.models import Organisation, User
from participants.models import Participant, ProjectMembership
from projects.models import Project


@transaction.atomic
def participant_create(
    *, organisation: Organisation, by: User | None, preferred_name: str, user: User | None = None
) -> Participant:
    """Create a participant profile, optionally linked to a login."""
    if (
        user is not None
        and Participant.objects.filter(organisation=organisation, user=user).exists()
    ):
        raise ValidationError({"user": "This login already has a profile in the organisation."})
    participant = Participant(
        organisation=organisation, user=user, preferred_name=preferred_name.strip()
    )
    participant.full_clean()
    participant.save()
    return participant


@transaction.atomic
def membership_add(
    *,
    participant: Participant,
    project: Project,
    by: User | None,
    status: str = ProjectMembership.Status.INVITED,
) -> ProjectMembership:
    """Give a participant a place in a project of the same organisation."""
    if participant.organisation_id != project.organisation_id:
        raise ValidationError("A person can only join projects of their own organisation.")
    membership, created = ProjectMembership.objects.get_or_create(
        participant=participant, project=project, defaults={"status": status}
    )
    if not created and membership.status != status:
        membership.status = status
        membership.save(update_fields=["status", "updated_at"])
    return membership
