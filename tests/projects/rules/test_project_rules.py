"""Each project permission x each role. Co-leads run the project, not its money."""

import pytest

from coprod.accounts.models import User
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db

# An organisation coordinator runs every project of the organisation, named on
# it or not; only private notes and meeting needs wait for being named.
COORDINATORS = {"coordinator", "unnamed_coordinator", "admin"}
ALLOWED = {
    "projects.view_project": {"member", "other_member", "finance", "co_lead", *COORDINATORS},
    "projects.change_project": {"co_lead", *COORDINATORS},
    # Named coordinators read members' private notes: never a co-lead's choice.
    "projects.change_coordinators": COORDINATORS,
    "projects.manage_values": {"co_lead", *COORDINATORS},
    "projects.manage_phases": {"co_lead", *COORDINATORS},
    "projects.propose_value": {"member", "other_member", "co_lead", *COORDINATORS},
    "projects.assess_ladder": COORDINATORS,
    "projects.give_ladder_view": {"member", "other_member", "co_lead"},
    "projects.answer_ladder": {"member", "other_member", "co_lead", *COORDINATORS},
    "projects.view_ladder": {"member", "other_member", "finance", "co_lead", *COORDINATORS},
    "projects.manage_money": COORDINATORS,
    "projects.view_personal_details": COORDINATORS,
    "projects.view_meeting_needs": {"coordinator"},
}
LOGGED_IN = [role for role in ROLES if role != "anonymous"]


def fresh(user):
    # Rules memoise roles on the user object; a new request loads a new one.
    return User.objects.get(pk=user.pk)


@pytest.mark.parametrize("permission", sorted(ALLOWED))
def test_project_permissions_by_role(permission, world):
    got = {
        role for role in LOGGED_IN if fresh(world.users[role]).has_perm(permission, world.project)
    }
    assert got == ALLOWED[permission]


def test_endorsing_is_for_the_projects_own_members_and_agreed_values(world):
    endorsers = {
        role
        for role in LOGGED_IN
        if fresh(world.users[role]).has_perm("projects.endorse_value", world.agreed_value)
    }
    assert endorsers == {"member", "other_member", "co_lead"}
    member = fresh(world.users["member"])
    assert not member.has_perm("projects.endorse_value", world.proposed_value)
    assert not member.has_perm("projects.endorse_value", world.other_value)


def test_a_co_lead_on_a_break_hands_back_the_lead(world):
    membership = world.users["co_lead"].participant_profiles.get().memberships.get()
    membership.status = "on_break"
    membership.save()

    co_lead = fresh(world.users["co_lead"])
    assert co_lead.has_perm("projects.view_project", world.project)
    assert not co_lead.has_perm("projects.change_project", world.project)


def test_a_co_lead_leads_only_their_own_project(world):
    from tests.factories import ProjectFactory

    sibling = ProjectFactory(organisation=world.org)
    co_lead = fresh(world.users["co_lead"])
    assert not co_lead.has_perm("projects.view_project", sibling)
    assert not co_lead.has_perm("projects.change_project", sibling)
    assert not co_lead.has_perm("projects.add_project", world.org)


# Pages with no object (the "new project" page, the venue library) ask a named
# rule too: whoever coordinates some organisation, not one member or funder more.
ANYWHERE = {"coordinator", "unnamed_coordinator", "admin", "other_coordinator"}


@pytest.mark.parametrize(
    "permission", ["projects.add_project_anywhere", "projects.manage_venues_anywhere"]
)
def test_permissions_without_an_object_by_role(permission, world):
    got = {role for role in LOGGED_IN if fresh(world.users[role]).has_perm(permission)}
    assert got == ANYWHERE


def test_venues_are_managed_only_in_ones_own_organisation(world):
    got = {
        role
        for role in LOGGED_IN
        if fresh(world.users[role]).has_perm("projects.manage_venues", world.org)
    }
    assert got == COORDINATORS
