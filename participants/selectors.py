from django.db.models import QuerySet

from participants.models import Participant, ProjectMembership


def participant_profiles_for(user) -> QuerySet[Participant]:
    """Return the participant profiles linked to this login, one per organisation."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Participant.objects.none()
    return Participant.objects.filter(user=user).select_related("organisation")


def memberships_for_member_home(user) -> QuerySet[ProjectMembership]:
    """Return the member's own project places, current ones first."""
    return (
        ProjectMembership.objects.filter(participant__user=user)
        .exclude(status=ProjectMembership.Status.LEFT)
        .select_related("project", "project__organisation", "participant")
        .order_by("project__title")
    )
