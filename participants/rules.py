import rules

from coprod.accounts.models import StaffRole
from coprod.accounts.rules import is_org_admin, is_org_coordinator
from coprod.accounts.selectors import COORDINATING_ROLES, organisation_ids_for
from participants.models import ProjectMembership
from participants.selectors import participant_profiles_for


@rules.predicate
def has_participant_profile(user):
    """Be linked to a participant profile in any organisation."""
    return participant_profiles_for(user).exists()


@rules.predicate
def is_self(user, participant):
    """Be the person the profile is about."""
    return participant is not None and user.is_authenticated and participant.user_id == user.pk


@rules.predicate
def coordinates_one_of_their_projects(user, participant):
    """Be named coordinator of a project the person is taking part in now.

    Organisation role alone is not enough: a coordinator of another project
    in the same organisation does not see this person's private notes. Being
    named is not enough either: someone whose coordinator role was taken
    away stops reading, even while their name is still on the project.
    """
    if participant is None or not user.is_authenticated:
        return False
    if not is_org_coordinator(user, participant.organisation):
        return False
    return (
        participant.memberships.exclude(status=ProjectMembership.Status.LEFT)
        .filter(project__coordinators=user)
        .exists()
    )


@rules.predicate
def is_their_organisations_coordinator(user, participant):
    """Coordinate (or administer) the organisation the person belongs to."""
    return participant is not None and is_org_coordinator(user, participant.organisation)


@rules.predicate
def is_own_membership(user, membership):
    """Be the person whose place in the project this is."""
    return membership is not None and membership.participant.user_id == user.pk


@rules.predicate
def coordinates_anywhere(user):
    """Coordinate (or administer) at least one organisation."""
    return bool(organisation_ids_for(user, COORDINATING_ROLES))


rules.add_perm("participants.view_member_home", has_participant_profile)
rules.add_perm("participants.add_people", coordinates_anywhere)


@rules.predicate
def administers_anywhere(user):
    """Hold the admin role in at least one organisation."""
    return bool(organisation_ids_for(user, [StaffRole.ADMIN]))


rules.add_perm("participants.manage_roles", administers_anywhere)
rules.add_perm("participants.change_own_membership", is_own_membership)
rules.add_perm("participants.change_own_profile", is_self)
rules.add_perm("participants.view_private_notes", is_self | coordinates_one_of_their_projects)
# Communication needs go to the same people, because they act on them; reads are not logged.
rules.add_perm("participants.view_communication_needs", is_self | coordinates_one_of_their_projects)


@rules.predicate
def never_logs_in(user, participant):
    """The person has no login: staff keep their details for them."""
    return participant is not None and participant.user_id is None


rules.add_perm("participants.view_person", is_their_organisations_coordinator)
rules.add_perm("participants.renew_invitation", is_their_organisations_coordinator)
# Acting for someone who does not use Coprod (with the consent recorded when
# they were added). People who log in own their profile: staff cannot edit it.
act_for = is_their_organisations_coordinator & never_logs_in
rules.add_perm("participants.act_for", act_for)


def act_for_ids(user, people) -> set[int]:
    """The ids of those among `people` the user may act for, as `participants.act_for` says.

    For lists that would ask the rule once a row: this asks the same rule of
    each person, without the permission machinery around every call, and
    reads nothing more than the rows (bring them with their organisation).
    An active superuser passes every check, as `user.has_perm` lets them.
    """
    people = list(people)
    if getattr(user, "is_active", False) and getattr(user, "is_superuser", False):
        return {person.pk for person in people}
    return {person.pk for person in people if act_for.test(user, person)}


# Recording private notes or communication needs shows what is already there,
# so it is for the same people who may read them: the named coordinators.
acts_for_named = (
    is_their_organisations_coordinator & never_logs_in & coordinates_one_of_their_projects
)
rules.add_perm("participants.act_for_private_notes", acts_for_named)
rules.add_perm("participants.act_for_communication_needs", acts_for_named)


@rules.predicate
def administers_their_organisation(user, participant):
    """Hold the admin role in the organisation the person belongs to."""
    return participant is not None and is_org_admin(user, participant.organisation)


# Data rights go to the people who may read the private notes the export
# holds: the person, and the coordinators named on their current projects.
# Every staff download is logged for the person to see on "Who has looked".
rules.add_perm("participants.export_data", is_self | coordinates_one_of_their_projects)
# An organisation admin who is not named on the person's projects downloads
# only on the person's request, written down first and shown to the person.
rules.add_perm(
    "participants.export_data_on_request",
    administers_their_organisation & ~is_self & ~coordinates_one_of_their_projects,
)
# Erasure: the person, a named coordinator or their organisation's admin;
# staff always write down the request (participant_erase refuses without it).
rules.add_perm(
    "participants.erase_data",
    is_self | coordinates_one_of_their_projects | administers_their_organisation,
)
