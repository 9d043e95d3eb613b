"""Roles from the organisation's catalogue carry real project powers."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from coprod.accounts.models import User
from coprod.accounts.services import organisation_create
from participants import services
from participants.models import DEFAULT_ROLES, ProjectRole

pytestmark = pytest.mark.django_db


def fresh(user):
    return User.objects.get(pk=user.pk)


def test_a_new_organisation_starts_with_the_role_catalogue():
    organisation = organisation_create(name="New Start")
    names = set(
        ProjectRole.objects.filter(organisation=organisation).values_list("name", flat=True)
    )
    assert names == {name for name, *_ in DEFAULT_ROLES}


def test_a_role_an_admin_adds_can_carry_the_lead(world, client_for):
    response = client_for(world, "admin").post(
        reverse("participants:roles"),
        {"organisation": world.org.pk, "name": "Community lead", "leads_project": "on"},
    )
    assert response.status_code == 302
    role = ProjectRole.objects.get(organisation=world.org, name="Community lead")

    services.membership_update(membership=world.membership, by=None, status="active", roles=[role])
    assert fresh(world.users["member"]).has_perm("projects.change_project", world.project)


def test_taking_the_co_lead_role_away_takes_the_power_away(world):
    co_lead = world.users["co_lead"]
    membership = co_lead.participant_profiles.get().memberships.get()
    member_role = world.org.project_roles.get(name="Member")

    services.membership_update(membership=membership, by=None, status="active", roles=[member_role])

    assert not fresh(co_lead).has_perm("projects.change_project", world.project)


def test_roles_carry_only_the_powers_they_name(world):
    membership = world.membership
    services.membership_update(
        membership=membership,
        by=None,
        status="active",
        roles=[world.org.project_roles.get(name="Agenda-setter")],
    )
    member = fresh(world.users["member"])
    assert member.has_perm("projects.edit_agenda", world.project)
    assert not member.has_perm("projects.post_update", world.project)
    assert not member.has_perm("projects.change_project", world.project)


def test_another_organisations_roles_cannot_be_given(world):
    foreign = world.other_org.project_roles.get(name="Chair")
    with pytest.raises(ValidationError):
        services.membership_update(
            membership=world.membership, by=None, status="active", roles=[foreign]
        )


def test_role_names_are_unique_in_an_organisation(world):
    with pytest.raises(ValidationError):
        services.role_create(organisation=world.org, by=None, name="co-lead")


def test_a_coordinator_changes_status_and_roles_from_the_person_page(world, client_for):
    chair = world.org.project_roles.get(name="Chair")
    response = client_for(world, "coordinator").post(
        reverse("participants:membership_edit", kwargs={"pk": world.membership.pk}),
        {"status": "on_break", "roles": [chair.pk]},
    )
    assert response["Location"] == reverse(
        "participants:person", kwargs={"pk": world.membership.participant_id}
    )
    world.membership.refresh_from_db()
    assert world.membership.status == "on_break"
    assert list(world.membership.roles.all()) == [chair]
