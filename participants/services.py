from django.core.exceptions import ValidationError
from django.db import transaction

from coprod.accounts.models import Organisation, User
from participants.models import AccessLog, Participant, ProjectMembership
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


@transaction.atomic
def private_notes_update(
    *,
    participant: Participant,
    by: User | None,
    access_needs: str = "",
    support_contact: str = "",
    wellbeing_notes: str = "",
) -> Participant:
    """Save a person's private notes (stored encrypted)."""
    participant.access_needs = (access_needs or "").strip()
    participant.support_contact = (support_contact or "").strip()
    participant.wellbeing_notes = (wellbeing_notes or "").strip()
    participant.save(update_fields=[*Participant.PRIVATE_FIELDS, "updated_at"])
    return participant


@transaction.atomic
def private_notes_read(*, participant: Participant, viewer: User) -> dict[str, str]:
    """Return the private notes; a read by anyone but the person is logged first.

    The log row is written in the same transaction as the read, so there is
    no way to see the notes without leaving a trace the member can see.
    """
    if viewer.pk != participant.user_id:
        AccessLog.objects.create(
            participant=participant,
            viewer=viewer,
            viewer_name=str(viewer),
            what="your private notes (what helps you take part, support contact, wellbeing)",
        )
    return {name: getattr(participant, name) or "" for name in Participant.PRIVATE_FIELDS}
